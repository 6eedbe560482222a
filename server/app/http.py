"""Small helpers of the route functions: the request's JSON (decimals exact), and running a service
function in a read or a write transaction as the request's user."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import current_app, g, request
from werkzeug.routing import IntegerConverter

from ..services.context import change
from ..controls.workflow import Refusal


MAX_DEPTH = 32  # no request of the API nests deeper than a few levels
MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL (BIGINT) store: beyond it a query overflows


class IdConverter(IntegerConverter):
    """`<int:...>` in the routes: a number the database can hold, so a larger id is a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole-number query parameter within its range; anything else is a 400 naming it (never ignored)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Refusal("bad_input", f"query parameter '{name}': not a whole number: {raw[:40]!r}", 400) from None
    if not minimum <= value <= maximum:
        raise Refusal("bad_input", f"query parameter '{name}': must be from {minimum} to {maximum}", 400)
    return value


def body() -> dict:
    """The JSON object sent; numbers with a fraction become Decimal, never float."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except RecursionError:
        raise Refusal("bad_json", f"the request body is nested too deeply (at most {MAX_DEPTH} levels)", 400) \
            from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refusal("bad_json", f"the request body is not JSON: {exc}", 400) from None
    if not isinstance(data, dict):
        raise Refusal("bad_json", "the request body must be a JSON object", 400)
    _check_shape(data)
    return data


def _check_shape(value) -> None:
    """Refuses nesting deeper than MAX_DEPTH and whole numbers no database column holds, without recursion
    (what reads the body later must not recurse into it either)."""
    todo = [(value, 1, None)]
    while todo:
        item, level, path = todo.pop()
        if isinstance(item, (dict, list)):
            if level > MAX_DEPTH:
                raise Refusal("bad_json", f"the request body is nested too deeply (at most {MAX_DEPTH} levels)",
                              400)
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            # texts, decimals and nulls need no look (most of a 20,000-line body); a path is spelled out only
            # for a refusal
            todo.extend((v, level + 1, (path, k)) for k, v in pairs if v.__class__ not in _LEAVES)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_ID:
            raise Refusal("bad_json", f"field '{_spelled(path).lstrip('.')[:100]}': the whole number "
                                      f"{str(item)[:30]} is beyond {MAX_ID} (no id or count is that large)", 400)


_LEAVES = frozenset({str, Decimal, type(None), bool, float})


def _spelled(path) -> str:
    """(((None, "lines"), 3), "amount") -> ".lines[3].amount"."""
    parts = []
    while path is not None:
        path, key = path
        parts.append(f".{key}" if isinstance(key, str) else f"[{key}]")
    return "".join(reversed(parts))


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
