"""The next period of a Manual reconciliation through the workbook, in batch mode (gaps13): October approved
with its items, then `tieout run Nov.xlsx --action manual_reconciliation ... --period 2026-11` on a new workbook.
What an accountant expects of the carried items: the open ones come forward (a resolved one does not) with their
original date (so their age keeps growing), amount, owner, due date and notes; they count in November's
difference; they are marked as carried from October; October stays as approved. Real server, real .xlsx."""
from __future__ import annotations

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from test_addin_manual import ITEMS, figures, prepaid  # noqa: F401 (fixture)
from tieout.addin.xlsx_workbook import XlsxWorkbook


def approved_october(live, prepaid) -> None:
    """12,000.00 - 11,250.00 = 500.00 + 250.00 open items (+ a resolved 0.00 correction), approved by bob and carol."""
    ok(live, prepaid, "manual_item", amount="500.00", description="Policy 77 renewal not in the schedule",
       owner="alice", due_date="2026-11-15", date="2026-10-02")
    ok(live, prepaid, "manual_item", amount="250.00", description="Broker fee", owner="dan", due_date="2026-11-30")
    ok(live, prepaid, "manual_item", amount="0", description="Schedule typo, fixed", owner="alice",
       item_status="resolved")
    ok(live, prepaid, "manual_item", item=table(prepaid, ITEMS)[1]["item_id"], notes="fee agreed at 250.00")
    assert figures(prepaid)["Difference"] == 0
    ok(live, prepaid, "submit_for_review")
    ok(live, prepaid, "approve", user="bob")
    ok(live, prepaid, "approve", user="carol")


def test_the_next_period_carries_the_open_items_into_a_new_workbook(live, prepaid, tmp_path):
    approved_october(live, prepaid)
    nov = new_book(tmp_path / "Prepaid-2026-11.xlsx")
    out, _ = ok(live, nov, "manual_reconciliation", account_name="Prepaid insurance", period="2026-11",
                gl_balance="11000.00", support_balance="10250.00")
    rid = XlsxWorkbook(nov).get_setting("ReconciliationId")
    rec = live.call("GET", f"/api/reconciliations/{rid}")
    assert rec["period"]["name"] == "2026-11" and rec["status"] == "In Progress"
    assert "difference 0.00" in out.messages[-1]

    items = {r["description"]: r for r in table(nov, ITEMS)}
    assert set(items) == {"Policy 77 renewal not in the schedule", "Broker fee"}  # the resolved one stays behind
    policy, fee = items["Policy 77 renewal not in the schedule"], items["Broker fee"]
    assert (policy["amount"], policy["owner"], str(policy["date"])[:10], str(policy["due_date"])[:10]) == \
        (500, "alice", "2026-10-02", "2026-11-15")
    assert policy["age_days"] == 59  # 2 October to 30 November: the age goes on from the original date
    assert (fee["amount"], fee["owner"], fee["notes"], policy["status"]) == \
        (250, "dan", "fee agreed at 250.00", "open")
    f = figures(nov)
    assert (f["GL balance"], f["Less: support balance"], f["Less: reconciling items"], f["Difference"]) == \
        (11000, 10250, 750, 0)
    # the server marks them as carried from October (review check and workspace escalations rely on it)
    held = live.call("GET", f"/api/reconciliations/{rid}/items")
    assert [i["carried_forward"] for i in held] == [True, True]
    assert {i["id"] for i in held}.isdisjoint(r["item_id"] for r in table(prepaid, ITEMS))  # November's own rows
    prior = {c["id"]: c for c in live.call("GET", f"/api/reconciliations/{rid}/review")["checks"]}["prior_items"]
    assert (prior["figures"]["still_listed"], prior["figures"]["not_listed"]) == ("2", "0")
    # the policy item has an owner but no note yet: the reviewer's check asks for it
    assert [ln["problem"] for ln in prior["lines"]] == ["still outstanding from 2026-10 without a note"]
    # October is left as it was approved
    oct_id = XlsxWorkbook(prepaid).get_setting("ReconciliationId")
    assert live.call("GET", f"/api/reconciliations/{oct_id}")["status"] == "Approved"
    assert len(live.call("GET", f"/api/reconciliations/{oct_id}/items")) == 3


def test_the_next_period_without_balances_yet_shows_the_carried_items(live, prepaid, tmp_path):
    """The preparer opens November before the balances are known: the items to follow up are already there,
    and an item edited in November (part of the fee paid) is still the one carried from October."""
    approved_october(live, prepaid)
    nov = new_book(tmp_path / "Prepaid-2026-11.xlsx")
    ok(live, nov, "manual_reconciliation", account_name="Prepaid insurance", period="2026-11")
    items = {r["description"]: r for r in table(nov, ITEMS)}
    assert set(items) == {"Policy 77 renewal not in the schedule", "Broker fee"}
    assert figures(nov)["Less: reconciling items"] == 750
    ok(live, nov, "manual_item", item=items["Broker fee"]["item_id"], amount="100.00", description="Broker fee, rest",
       notes="150.00 paid on 2026-11-05")
    rid = XlsxWorkbook(nov).get_setting("ReconciliationId")
    prior = {c["id"]: c for c in live.call("GET", f"/api/reconciliations/{rid}/review")["checks"]}["prior_items"]
    assert (prior["figures"]["still_listed"], prior["figures"]["not_listed"]) == ("2", "0")  # followed, not lost


def test_the_next_period_waits_for_the_prior_approval(live, prepaid, tmp_path):
    ok(live, prepaid, "manual_item", amount="750.00", description="Unbilled premium", owner="alice")
    nov = new_book(tmp_path / "Prepaid-2026-11.xlsx")
    outcome, _ = run(live, nov, "manual_reconciliation", account_name="Prepaid insurance", period="2026-11",
                     gl_balance="11000.00")
    assert outcome.exit_code == 2 and "2026-10" in outcome.error and "Approved" in outcome.error
