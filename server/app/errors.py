"""Every error the API returns is JSON with a stable code: {"error": {"code": "...", "message": "..."}}."""
from __future__ import annotations

import logging

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..store.db import StoreBusy
from ..controls.workflow import Refusal

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              421: "bad_host", 500: "internal"}


def error_response(code: str, message: str, status: int, missing: tuple[str, ...] = ()):
    """The error as JSON; `missing`: what the caller can send to get past it, with the remedy in the API's words
    (the fields of the request, importers/missing.py), so that each client can word it for its own user."""
    body = {"code": code, "message": message}
    if missing:
        from ..importers.missing import API, remedies

        body.update(missing=list(missing), remedy=remedies(missing, API))
    resp = jsonify({"error": body})
    resp.status_code = status
    return resp


def register(app) -> None:
    @app.errorhandler(Refusal)
    def _refusal(exc: Refusal):
        return error_response(exc.code, exc.message, exc.status, exc.missing)

    @app.errorhandler(StoreBusy)
    def _busy(exc: StoreBusy):
        return error_response("busy", str(exc), 503)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 404:
            message = (f"nothing at {request.path[:200]!r}: check the path, and that ids are whole numbers from 1 "
                       "to 9223372036854775807")
        if status == 413:
            message = f"the request is larger than this server accepts ({app.config['MAX_CONTENT_LENGTH']:,} bytes)"
        return error_response(HTTP_CODES.get(status, f"http_{status}"), message, status)

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        log.exception("internal error")
        return error_response("internal", f"internal error ({type(exc).__name__}); the change was not made", 500)
