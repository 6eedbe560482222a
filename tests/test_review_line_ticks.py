"""The reviewer's tick and comment on one line of a review check (ledgers14): one unusual pair ticked with its
own comment, shown on that line in GET .../review, audited, refused to a preparer and for a line the check does
not list (the lock once Approved is the check tick's own, review_marks.py). A real team server on loopback, on SQLite and PostgreSQL."""
from __future__ import annotations

from test_review_server import _checks, _january, live  # noqa: F401 (fixture)
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)


def test_a_reviewer_ticks_one_unusual_pair_with_its_own_comment(live, tmp_path):
    users, acc, rid, base = _january(live, tmp_path)
    alice, bob = users["alice"], users["bob"]
    pairs = {ln["ref"]: ln for ln in _checks(bob, rid)["unusual_matches"]["lines"]}
    assert set(pairs) == {"M000001", "M000002"} and all(ln["tick"] is None for ln in pairs.values())
    side = pairs["M000002"]["side"]

    url = f"{base}/review/unusual_matches/lines/{side}/M000002"
    status, out = alice.put(url, {"ticked": True, "comment": "mine"})
    assert status == 403 and "not a reviewer or approver" in out["error"]["message"]
    status, out = bob.put(f"{base}/review/unusual_matches/lines/{side}/M000099", {"ticked": True})
    assert status == 404 and "M000099" in out["error"]["message"]
    status, out = bob.put(url, {"ticked": "yes"})
    assert status == 400 and "ticked" in out["error"]["message"]

    done = bob.ok("PUT", url, {"ticked": True, "comment": "wire fee 20.00 agreed with the bank advice"})
    assert (done["ref"], done["ticked"], done["by"]) == ("M000002", True, "bob")
    lines = {ln["ref"]: ln for ln in _checks(alice, rid)["unusual_matches"]["lines"]}
    assert lines["M000002"]["tick"]["comment"] == "wire fee 20.00 agreed with the bank advice"
    assert lines["M000002"]["tick"]["by"] == "bob" and lines["M000001"]["tick"] is None
    assert _checks(alice, rid)["unusual_matches"]["tick"] is None  # the check's own tick is separate
    bob.ok("PUT", url, {"ticked": False, "comment": "reopened: advice missing"})

    audit = live.ok("GET", f"/api/audit?reconciliation_id={rid}&limit=5000")
    rows = [r for r in (audit["rows"] if isinstance(audit, dict) else audit) if r["action"] == "review.line_tick"]
    assert [(r["actor"], r["entity_id"]) for r in rows] == [("bob", f"unusual_matches:{side}:M000002")] * 2
    assert rows[1]["before"]["comment"] == "wire fee 20.00 agreed with the bank advice"
