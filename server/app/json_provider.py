"""The server's JSON answers encoded by orjson: Flask's own encoder (the standard library's, in Python) took
as long as the query behind a 20,000-line listing. Same JSON values as Flask's default provider: keys sorted,
Decimal and UUID as text, dates as HTTP dates, dataclasses as objects. An answer orjson refuses (a whole
number beyond 64 bits) is encoded by Flask's provider instead, so nothing that answered before fails now."""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import uuid

import orjson
from flask.json.provider import DefaultJSONProvider
from werkzeug.http import http_date

OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
           | orjson.OPT_PASSTHROUGH_DATACLASS)


def _default(o):
    """What orjson does not encode itself, spelled as Flask's default provider spells it."""
    if isinstance(o, dt.date):
        return http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson for the answers (`jsonify`); `dumps`/`loads` stay Flask's."""

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        try:
            data = orjson.dumps(obj, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().response(*args, **kwargs)
        return self._app.response_class(data + b"\n", mimetype=self.mimetype)
