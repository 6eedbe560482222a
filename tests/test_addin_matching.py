"""Auto-Match, Accept Matches, Match Selected (balanced, refused, within a tolerance with a write-off) and
Unmatch Selected, on real workbooks against the real server."""
from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook

from test_addin_kit import live, month, new_book, ok, prepared, run, table  # noqa: F401 (fixtures)
from tieout.addin.handlers.state import load_state
from tieout.addin.xlsx_workbook import XlsxWorkbook


def money(v) -> Decimal:
    return Decimal(repr(v)).quantize(Decimal("0.01"))


def imported(live, month, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=month.bank, account_name="Operating")
    ok(live, path, "import_gl_template", file=month.gl)
    rec_id = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    return path, rec_id


def test_auto_match_proposes_green_matches_and_accept_moves_them_to_matched(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    outcome, _ = ok(live, path, "auto_match")
    state = load_state(live.client(), rec_id)
    auto = [m for m in state.matches if m.kind == "auto"]
    assert auto and f"Auto-match: {len(auto)} matches proposed" in outcome.messages[0]
    in_auto = {i for m in auto for i in m.bank}
    assert table(path, "Matched") == []  # nothing accepted yet
    bank = {r["line_id"]: r for r in table(path, "Bank Statement")}
    assert {i for i, r in bank.items() if r["status"] == "Proposed"} == in_auto
    unmatched = table(path, "Unmatched")
    proposed_rows = [r for r in unmatched if (r["candidates"] or "").startswith("proposed ")]
    assert len(proposed_rows) == sum(len(m.bank) + len(m.ledger) for m in auto)
    ws = load_workbook(path)["Unmatched"]
    unbalanced, rule = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert rule.formula == ['LEFT($H2,8)="proposed"'] and rule.dxf.fill.fgColor.rgb.endswith("A9D08E")
    # a proposal or suggestion whose sides differ is dark orange (Unbalanced), ahead of the green
    assert unbalanced.formula == ['ISNUMBER(SEARCH("[Unbalanced:",$H2))'] and unbalanced.priority < rule.priority

    outcome, _ = ok(live, path, "accept_matches")
    assert outcome.messages[0].startswith(f"Accepted {len(auto)} matches")
    # acceptance is the server's: who and when, on every auto-match; the workbook keeps no setting of it
    served = live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")
    assert {m["key"] for m in served if m["kind"] == "auto"} == {m.key for m in auto}
    assert {(m["state"], m["accepted_by"]) for m in served} == {("accepted", "alice")}
    assert all(m["accepted_at"] for m in served)
    assert XlsxWorkbook(path).get_setting("AcceptedThrough") is None
    matched = table(path, "Matched")
    assert len(matched) == sum(len(m.bank) + len(m.ledger) for m in auto)
    assert not [r for r in table(path, "Unmatched") if (r["candidates"] or "").startswith("proposed ")]
    by_group: dict[str, list] = {}
    for r in matched:
        by_group.setdefault(r["match_id"], []).append(r)
        assert r["rule"] and r["reason"] and 0 < r["confidence"] <= 1
    for rows in by_group.values():
        diff = sum(money(r["amount"]) for r in rows if r["side"] == "bank") - sum(
            money(r["amount"]) for r in rows if r["side"] == "ledger")
        assert {money(r["amount_difference"]) for r in rows} == {diff}
    assert {r["status"] for r in table(path, "Bank Statement")} <= {"Matched", "Unmatched"}
    again, _ = ok(live, path, "accept_matches")
    assert again.messages == ["There are no proposed matches to accept."]


def test_acceptance_is_the_servers_and_the_old_workbook_setting_is_ignored(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    ok(live, path, "auto_match")
    keys = sorted(m["key"] for m in live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice"))
    # a workbook from before acceptance was the server's says it accepted every match: not believed
    book = XlsxWorkbook(path)
    book.set_setting("AcceptedThrough", str(10**6))
    book.save()
    ok(live, path, "refresh")
    assert table(path, "Matched") == []
    # accepted elsewhere (another workbook, another client): this workbook shows it after a refresh
    live.call("POST", f"/api/reconciliations/{rec_id}/matches/accept", {"keys": [keys[0]]}, user="alice")
    ok(live, path, "refresh")
    assert {r["match_id"] for r in table(path, "Matched")} == {keys[0]}
    bank = {r["line_id"]: r["status"] for r in table(path, "Bank Statement")}
    assert {bank[i] for i in state_bank(live, rec_id, keys[0])} == {"Matched"}
    assert {bank[i] for k in keys[1:] for i in state_bank(live, rec_id, k)} == {"Proposed"}
    outcome, _ = ok(live, path, "accept_matches")
    assert outcome.messages[0].startswith(f"Accepted {len(keys) - 1} matches")
    audit = [r for r in live.call("GET", f"/api/audit?reconciliation_id={rec_id}", user="alice")
             if r["action"] == "match.accept"]
    assert [r["after"]["matches"] for r in audit] == [[keys[0]], keys[1:]]


def state_bank(live, rec_id, key) -> list[str]:
    (m,) = [m for m in load_state(live.client(), rec_id).matches if m.key == key]
    return list(m.bank)


def test_submit_is_refused_while_green_matches_wait(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    ok(live, path, "auto_match")
    outcome, _ = run(live, path, "submit_for_review")
    assert outcome.exit_code == 2 and "proposed (green) auto-matches are not accepted yet" in outcome.error
    assert live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")["status"] == "In Progress"


def _pair(state):
    """A bank line and a GL line with the same amount."""
    gl = {}
    for g in state.ledger:
        gl.setdefault(g.amount, g)
    return next((b, gl[b.amount]) for b in state.bank if b.amount in gl)


def test_match_selected_accepts_only_a_balanced_selection(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    state = load_state(live.client(), rec_id)
    b, g = _pair(state)
    other = next(x for x in state.ledger if x.amount != b.amount)
    outcome, _ = run(live, path, "match_selected", bank=b.line_id, gl=other.line_id)
    assert outcome.exit_code == 2
    diff = b.amount - other.amount
    assert f"difference {diff:.2f}" in outcome.error and "Nothing was matched" in outcome.error
    assert live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice") == []

    # the selection as Excel gives it (rows selected on both sheets), not as options
    outcome, _ = ok(live, path, "match_selected", selection={"Bank Statement": [b.line_id], "GL Lines": [g.line_id]})
    (m,) = live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")
    assert (m["bank"], m["ledger"], m["kind"]) == ([b.line_id], [g.line_id], "manual")
    assert m["reason"] == "matched by hand in Excel"
    assert outcome.messages[0] == f"Matched 1 bank and 1 GL lines as {m['key']}: they balance."
    rows = [r for r in table(path, "Matched") if r["match_id"] == m["key"]]
    assert [(r["side"], r["line_id"], r["rule"]) for r in rows] == [("bank", b.line_id, "manual"),
                                                                     ("ledger", g.line_id, "manual")]
    outcome, _ = run(live, path, "match_selected", bank=b.line_id, gl=g.line_id)
    assert outcome.exit_code == 2 and f"Already matched: {b.line_id} (in {m['key']})" in outcome.error


def test_match_within_tolerance_adds_a_write_off_transaction(live, month, tmp_path):
    path, rec_id = imported(live, month, tmp_path)
    state = load_state(live.client(), rec_id)
    wire = next(b for b in state.bank if b.amount == Decimal("24985.00"))
    gl = next(g for g in state.ledger if g.amount == Decimal("25000.00"))
    outcome, _ = run(live, path, "match_selected", bank=wire.line_id, gl=gl.line_id, tolerance="10")
    assert outcome.exit_code == 2 and "difference -15.00" in outcome.error and "tolerance" in outcome.error
    outcome, _ = run(live, path, "match_selected", bank=wire.line_id, gl=gl.line_id, tolerance="20")
    assert outcome.exit_code == 2 and "no write-off account is set" in outcome.error
    outcome, _ = ok(live, path, "match_selected", bank=wire.line_id, gl=gl.line_id, tolerance="20",
                    write_off_account="6100 Bank charges")
    (m,) = live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")
    assert "difference -15.00 written off to 6100 Bank charges" in m["reason"]
    (txn,) = table(path, "New Transactions")
    assert money(txn["amount"]) == Decimal("-15.00") and txn["gl_account"] == "6100 Bank charges"
    assert (txn["kind"], txn["rule"], txn["bank_line_id"], txn["status"]) == ("custom", "write-off", wire.line_id,
                                                                             "To post")
    assert txn["date"].date() == max(wire.date, gl.date)

    # posting the write-off puts its GL line into the same match: the match balances, the difference stays
    before = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")["figures"]["difference"]
    ok(live, path, "post_new_transactions")
    (m,) = live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")
    assert m["bank"] == [wire.line_id] and sorted(m["ledger"]) == sorted([gl.line_id, f"NT-{txn['txn_id']}"])
    after = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    assert after["figures"]["difference"] == before and after["figures"]["match_differences"] == "0.00"


def test_unmatch_selected_by_match_and_by_line(live, month, tmp_path):
    path = tmp_path / "Rec.xlsx"
    rec_id = prepared(live, month, path)
    matches = live.call("GET", f"/api/reconciliations/{rec_id}/matches", user="alice")
    first, second = matches[0], matches[1]
    outcome, _ = ok(live, path, "unmatch_selected", match=first["key"], reason="wrong payee")
    assert outcome.messages[0].startswith(f"Unmatched {first['key']}:")
    history = live.call("GET", f"/api/reconciliations/{rec_id}/matches?history=1", user="alice")
    undone = next(m for m in history if m["key"] == first["key"])
    assert (undone["status"], undone["undo_reason"]) == ("undone", "wrong payee")
    open_ids = {(r["side"], r["line_id"]) for r in table(path, "Unmatched")}
    assert {("bank", i) for i in first["bank"]} | {("ledger", i) for i in first["ledger"]} <= open_ids
    assert first["key"] not in {r["match_id"] for r in table(path, "Matched")}

    # a line selected on GL Lines: its match is undone
    ok(live, path, "unmatch_selected", selection={"GL Lines": [second["ledger"][0]]})
    assert second["key"] not in {m["key"] for m in live.call("GET", f"/api/reconciliations/{rec_id}/matches",
                                                             user="alice")}
    outcome, _ = run(live, path, "unmatch_selected", bank=first["bank"][0])
    assert outcome.exit_code == 2 and "is not matched" in outcome.error
    outcome, _ = run(live, path, "unmatch_selected")
    assert outcome.exit_code == 2 and "No matched lines are selected" in outcome.error
