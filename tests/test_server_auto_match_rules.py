"""The auto-match runs the rules it is sent (rows in the Rules sheet's schema), else the built-in library:
rules are checked before a job starts (a bad one: 400 naming row, rule and field, nothing started), and the
job's detail and audit rows name the rule set that ran. Over real HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib

from test_server_kit import db_url, home, pg_cluster  # noqa: F401
from test_server_match_acceptance import audit, auto, make_rec, matches, server  # noqa: F401
from tieout.server.matching import default_rule_rows, default_rules, rules_to_toml

N = len(default_rules())  # rules of the built-in library
BUILT_IN_SHA = hashlib.sha256(rules_to_toml(default_rules()).encode("utf-8")).hexdigest()


def rows_with(**changes) -> list[dict]:
    """The built-in library as Rules sheet rows, with changes {rule name: {column: value}}."""
    rows = default_rule_rows()
    for r in rows:
        r.update(changes.get(r["name"], {}))
    return rows


def pairs(api, rid) -> set[tuple[str, str]]:
    return {(m["bank"][0], m["ledger"][0]) for m in matches(api, rid).values()}


def test_no_rules_runs_the_built_in_library_and_names_it(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    job = auto(alice, rid)
    assert job["detail"]["rule_set"] == {"source": "built-in", "sha256": BUILT_IN_SHA, "count": N, "enabled": N}
    assert pairs(alice, rid) == {("B1", "G1"), ("B2", "G2"), ("B3", "G3")}
    (queued,) = audit(alice, rid, "job.auto_match.queued")
    assert queued["after"]["rule_set"]["sha256"] == BUILT_IN_SHA
    (done,) = audit(alice, rid, "match.auto")
    assert done["after"]["rule_set"] == job["detail"]["rule_set"]


def test_the_rules_sent_decide_what_is_matched(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    runs = [rid]

    # the built-in rows sent as a sheet holds them: the same rule set (same hash), from the request
    same = auto(alice, rid, {"rules": default_rule_rows()})["detail"]["rule_set"]
    assert same == {"source": "request", "sha256": BUILT_IN_SHA, "count": N, "enabled": N}
    assert pairs(alice, rid) == {("B1", "G1"), ("B2", "G2"), ("B3", "G3")}

    # (undone auto-matches are the user's word that the pairs do not belong together: each rule set below
    # runs on an account of its own with the same lines)
    _, rid = make_rec(owner, tmp_path, "Narrow", users)
    runs.append(rid)
    # a narrower date window (bank at most 2 days after the ledger): B2 (5 days after G2) stays open
    # (exact_amount_booked_late, which also reaches B2 over a weekend, off in both variants)
    narrow = rows_with(exact_amount_date_window={"days_after": 2}, exact_amount_booked_late={"enabled": "no"})
    detail = auto(alice, rid, {"rules": narrow})["detail"]
    assert detail["matched_groups"] == 2 and detail["unmatched_bank"] == 2
    assert detail["rule_set"]["sha256"] not in (BUILT_IN_SHA, None) and detail["rule_set"]["count"] == N
    assert pairs(alice, rid) == {("B1", "G1"), ("B3", "G3")}
    assert {m["rule"] for m in matches(alice, rid).values()} == {"exact_amount_date_window"}

    # the rule disabled (as the sheet spells it: "no"): none of these lines matches any more
    _, rid = make_rec(owner, tmp_path, "Off", users)
    runs.append(rid)
    off = auto(alice, rid, {"rules": rows_with(exact_amount_date_window={"enabled": "no"},
                                               exact_amount_booked_late={"enabled": "no"})})["detail"]
    assert (off["matched_groups"], off["rule_set"]["enabled"], off["rule_set"]["count"]) == (0, N - 2, N)
    assert matches(alice, rid) == {}

    # three runs, three rule sets in the audit trail
    shas = [r["after"]["rule_set"]["sha256"] for run in runs for r in audit(alice, run, "match.auto")]
    assert len(shas) == 3 and len(set(shas)) == 3 and shas[0] == BUILT_IN_SHA


def test_an_undone_auto_match_is_never_proposed_again(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    auto(alice, rid)
    assert pairs(alice, rid) == {("B1", "G1"), ("B2", "G2"), ("B3", "G3")}
    key = next(k for k, m in matches(alice, rid).items() if m["bank"] == ["B2"])
    alice.ok("POST", f"/api/reconciliations/{rid}/matches/{key}/undo", {"reason": "not this payment"})
    assert auto(alice, rid)["detail"]["matched_groups"] == 0  # B2 and G2 stay apart, on every run
    assert pairs(alice, rid) == {("B1", "G1"), ("B3", "G3")}


def test_a_bad_rule_is_refused_naming_row_rule_and_field_and_starts_nothing(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    bad = rows_with(exact_amount_same_reference={"days_after": "ten"})  # the 2nd rule: sheet row 3
    status, data = alice.post(base + "/auto-match", {"rules": bad})
    assert status == 400 and data["error"]["code"] == "bad_rules"
    message = data["error"]["message"]
    assert message.startswith("Rules row 3 (rule exact_amount_same_reference), field 'days_after': ")
    assert "'ten'" in message and "Nothing was started" in message

    # every problem at once: an unknown shape, a duplicate name, an unknown column
    rows = default_rule_rows()[:3]
    rows[0]["shape"] = "triangle"
    rows[2]["name"] = rows[1]["name"]
    status, data = alice.post(base + "/auto-match", {"rules": rows})
    message = data["error"]["message"]
    assert status == 400 and "Rules row 2 (rule check_number_exact_amount), field 'shape': " in message
    assert "Rules row 4 (rule exact_amount_same_reference), field 'name': " in message and "used twice" in message
    status, data = alice.post(base + "/auto-match", {"rules": [{**default_rule_rows()[0], "colour": "red"}]})
    assert status == 400 and "Rules header, field 'colour': unknown column 'colour'" in data["error"]["message"]
    for body in ({"rules": "exact"}, {"rules": [1, 2]}, {"rules": [{"name": {"nested": 1}, "priority": 1}]}):
        status, data = alice.post(base + "/auto-match", body)
        assert status == 400 and data["error"]["code"] == "bad_rules", body

    assert alice.ok("GET", base + "/jobs") == [] and matches(alice, rid) == {}
    assert audit(alice, rid, "job.auto_match.queued") == []


def test_suggestions_travel_with_the_job_and_accepting_all_never_takes_one(server, tmp_path):
    owner, _ = server
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    # two GL lines fit B4 (-40.00) equally: held for review, offered as ranked suggestions
    alice.ok("POST", f"/api/reconciliations/{rid}/gl-lines", {"lines": [
        {"line_id": "G8", "date": "2026-01-25", "amount": "-40.00"},
        {"line_id": "G9", "date": "2026-01-25", "amount": "-40.00"}]})
    detail = auto(alice, rid)["detail"]
    held = [s for s in detail["suggestions"] if s["bank"] == ["B4"]]
    assert {s["ledger"][0] for s in held} == {"G8", "G9"} and all(s["reason"] for s in held)
    alice.ok("POST", f"/api/reconciliations/{rid}/matches/accept", {})
    assert "B4" not in {b for m in matches(alice, rid).values() for b in m["bank"]}
