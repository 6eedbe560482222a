"""GET .../review/ticks (issue 17): the reviewer's marks alone, without running the checks, are the marks
GET .../review shows on its checks and lines; and the add-in's state asks for the review (and the matches, the
audit trail, the suggestions) only when read, once.
A real team server on loopback, on SQLite and PostgreSQL."""
from __future__ import annotations

from tieout.addin.handlers.state import LazyReview, LazyRows

from test_review_server import _checks, _january, live  # noqa: F401 (fixture)
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)


def test_the_marks_alone_are_those_the_review_shows(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    bob = users["bob"]
    empty = bob.ok("GET", f"{base}/review/ticks")
    assert [c["id"] for c in empty["checks"]] == list(_checks(bob, rid))  # every check, in the review's order
    assert all(c["tick"] is None for c in empty["checks"]) and empty["lines"] == []

    side = {ln["ref"]: ln for ln in _checks(bob, rid)["unusual_matches"]["lines"]}["M000002"]["side"]
    bob.ok("PUT", f"{base}/review/unusual_matches/lines/{side}/M000002", {"ticked": True, "comment": "agreed"})
    bob.ok("PUT", f"{base}/review/unusual_matches", {"ticked": False, "comment": "one pair left"})
    marks = bob.ok("GET", f"{base}/review/ticks")
    review = _checks(bob, rid)
    assert {c["id"]: c["tick"] for c in marks["checks"]} == {k: c["tick"] for k, c in review.items()}
    shown = {(k, ln["side"], ln["ref"]): ln["tick"] for k, c in review.items() for ln in c["lines"] if ln["tick"]}
    assert {(ln["check"], ln["side"], ln["ref"]): ln["tick"] for ln in marks["lines"]} == shown
    assert list(shown.values())[0]["comment"] == "agreed"
    status, out = bob.get(f"/api/reconciliations/{rid + 999}/review/ticks")
    assert status == 404


def test_the_state_asks_for_the_review_only_when_read_and_once():
    asked = []
    review = LazyReview(lambda: asked.append(1) or {"checks": [{"id": "a", "status": "fail"}]})
    assert not review.fetched and asked == []
    assert [c["id"] for c in (review or {}).get("checks", [])] == ["a"]
    assert review["checks"][0]["status"] == "fail" and len(review) == 1 and review.fetched
    assert asked == [1]


def test_a_listing_is_asked_for_only_when_read_and_once():
    asked = []
    rows = LazyRows(lambda: asked.append(1) or ({"id": 1}, {"id": 2}))
    assert asked == [] and not rows.fetched
    assert [r["id"] for r in rows] == [1, 2] and rows[1]["id"] == 2 and len(rows) == 2 and bool(rows)
    assert asked == [1]
    assert not LazyRows(tuple)  # an empty answer is falsy, as the tuple it replaces
    assert rows == ({"id": 1}, {"id": 2}) and rows == LazyRows(lambda: ({"id": 1}, {"id": 2}))
    assert rows != LazyRows(lambda: ({"id": 1},))
