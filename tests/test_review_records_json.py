"""The review's records as JSON (`as_dict`, built in one pass for speed) keep the shape the API, the Review
sheet and the report read: the same data `dataclasses.asdict` gives, with Decimal as exact text, dates ISO,
tuples as lists and a check's figures as an object."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from tieout.server.review import records as R

DAY = dt.date(2026, 10, 3)


def _reference(record) -> dict:
    def plain(v):
        if isinstance(v, Decimal):
            return R.money_str(v)
        if isinstance(v, (dt.date, dt.datetime)):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v
    out = plain(dataclasses.asdict(record))
    if isinstance(record, R.CheckResult):
        out["figures"] = dict(out["figures"])
    return out


def _records():
    line = R.CheckLine("bank", "B1", DAY, Decimal("-1.50"), "fee", "no GL line")
    aged = R.AgedItem("ledger", "G7", "AP", DAY, Decimal("12.3"), "rent", 45, "31-60", "ann")
    yield line
    yield R.CheckResult("balances", "Balances", R.FAIL, "off by 1.00", (("difference", "1.00"), ("n", "2")),
                        (line, R.CheckLine("statement", "#1", None, None, "", "no closing balance")))
    yield R.Aging(DAY, (R.Bucket("bank", "fee", "0-30", 2, Decimal("5")),), (aged,), (aged,),
                  (R.UnclaimedProperty("G9", "1001", "ACME", DAY, Decimal("9.99"), 400, "NY", 3,
                                       dt.date(2029, 10, 3)),))
    yield R.Escalation("bank", "B2", DAY, Decimal("2"), "x", 31, ("older than 30 days",), "", None, "open", "",
                       ("owner", "due date"), "post or escalate")
    yield R.Tick("balances", True, "checked", "rita", "2026-11-01T10:00:00Z")


def test_as_dict_gives_what_asdict_gave():
    for record in _records():
        assert R.as_dict(record) == _reference(record), type(record).__name__


def test_money_is_exact_text_and_figures_an_object():
    check = next(r for r in _records() if isinstance(r, R.CheckResult))
    out = R.as_dict(check)
    assert out["figures"] == {"difference": "1.00", "n": "2"}
    assert out["lines"][0]["amount"] == "-1.50" and out["lines"][0]["date"] == "2026-10-03"
    assert out["lines"][1]["amount"] is None
