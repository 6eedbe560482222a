"""Small helpers of the route functions: the request's JSON (decimals exact), and running a service
function in a read or a write transaction as the request's user."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import current_app, g, request

from ..services.context import change
from ..workflow import Refusal


def body() -> dict:
    """The JSON object sent; numbers with a fraction become Decimal, never float."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refusal("bad_json", f"the request body is not JSON: {exc}", 400) from None
    if not isinstance(data, dict):
        raise Refusal("bad_json", "the request body must be a JSON object", 400)
    return data


def ext():
    return current_app.extensions["tieout"]


def write(fn, *args):
    with change(ext().store, g.actor) as ch:
        return fn(ch, *args)


def read(fn, *args):
    with ext().store.read() as session:
        return fn(session, *args)


def flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")
