"""The server's answers through orjson (server/app/json_provider.py) carry the same JSON as Flask's default
provider did: sorted keys, exact decimals as text, HTTP dates, dataclasses as objects, and a whole number
orjson cannot hold still answered (by Flask's encoder)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider

from tieout.server.app.json_provider import OrjsonProvider


@dataclass(frozen=True)
class _Rec:
    amount: Decimal
    on: dt.date


ANSWERS = {
    "lines": [{"line_id": f"B{i}", "amount": Decimal("-12.50"), "date": "2026-10-01", "match": None,
               "pending": False, "n": i, "z": "zł €"} for i in range(3)],
    "when": dt.datetime(2026, 10, 31, 12, 30, tzinfo=dt.timezone.utc),
    "day": dt.date(2026, 10, 31),
    "record": _Rec(Decimal("1.10"), dt.date(2026, 1, 2)),
    "by_id": {3: "three", 1: "one"},
    "huge": 2 ** 70,
}


def _answer(provider_cls, value) -> bytes:
    app = Flask(__name__)
    app.json = provider_cls(app)
    with app.app_context():
        return jsonify(value).get_data()


def test_same_json_as_flask_default_provider():
    for name, value in ANSWERS.items():
        ours, flask = _answer(OrjsonProvider, value), _answer(DefaultJSONProvider, value)
        assert json.loads(ours) == json.loads(flask), name


def test_keys_sorted_and_decimals_exact_text():
    text = _answer(OrjsonProvider, {"b": Decimal("0.10"), "a": [Decimal("-1.005")]}).decode()
    assert text.index('"a"') < text.index('"b"')
    assert json.loads(text) == {"a": ["-1.005"], "b": "0.10"}


def test_a_value_orjson_refuses_is_still_answered():
    assert json.loads(_answer(OrjsonProvider, {"n": 2 ** 70})) == {"n": 2 ** 70}
