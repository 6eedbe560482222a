"""Conditional GETs of a reconciliation's listings and review: the answer carries an ETag made from the data
version it was read at (store/versions.py); a client sending it back in `If-None-Match` gets 304 Not Modified,
with no body, while nothing it shows changed. A button press that changed only matches reads the 20,000 bank
lines once, not twice.

The version is read before the data in the same transaction, so an ETag never names newer data than it came
with; the tag also names the query string (another `?history=1` is another answer)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, jsonify, request

from ..review import cache
from ..services import recs
from ..store import versions
from .http import ext, read


def conditional(rec_id: int, tag_of: Callable[[object, object], str], build: Callable[[object], object]) -> Response:
    """`tag_of(session, rec)` names the version; `build(session)` makes the answer when the client's is old.
    The encoded answer is kept by its tag (Store.answers): the tag names the data it shows, so a client that
    sends no tag (a new add-in process each press) gets the same bytes without the answer being built again."""
    def answer(session):
        rec = recs.get(session, rec_id)
        tag = f"r{rec_id}-{tag_of(session, rec)}{_query()}"
        if request.if_none_match.contains(tag):
            return tag, None
        return tag, ext().store.answers.get(tag, lambda: _encoded(build(session)), family=(request.path, _query()))

    tag, body = read(answer)
    if body is None:
        response = Response(status=304)
    else:
        response = current_app.response_class(body, mimetype=current_app.json.mimetype)
    response.set_etag(tag)
    return response


def _encoded(data) -> bytes:
    """The bytes `jsonify(data)` sends."""
    return jsonify(data).get_data()


def listing_tag(part: str) -> Callable[[object, object], str]:
    """The ETag of a listing: its own counter (bank, ledger, matches, transactions)."""
    return lambda session, rec: f"{part}{versions.read(session, rec.id).of(part)}"


def review_tag(session, rec) -> str:
    """The review's: everything its cache key names (data versions, the prior period, the settings)."""
    return "review" + hashlib.sha256(repr(cache.key(session, rec)).encode()).hexdigest()[:16]


def _query() -> str:
    if not request.query_string:
        return ""
    return "-" + hashlib.sha256(request.query_string).hexdigest()[:12]
