"""Transaction reconciliation records on the server (issue 16, step 1), on SQLite and PostgreSQL: statuses and
every transition and refusal, zero-sum enforcement, history, delete-only-draft, the five-key limit, Save as
Default, auto-match that leaves the user's selection alone, lines in batches, and the audit trail."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger_data import mirrored
from test_server_kit import app, db_url, home, owner_api, pg_cluster, team  # noqa: F401 (fixtures)

REC = "/api/ledgers/recs"


def setup(api, n: int = 6, **extra) -> int:
    left, right = mirrored(n)
    api.ok("POST", "/api/ledgers/lines", {"company": "A Inc", "gl_account": "1400", "account": "B Ltd",
                                          "lines": left})
    api.ok("POST", "/api/ledgers/lines", {"company": "B Ltd", "gl_account": "2400", "account": "A Inc",
                                          "lines": right})
    rec = api.ok("POST", REC, {"name": "A-B October", "description": "intercompany A/B",
                               "left": {"company": "A Inc", "periods": ["2026-10"], "gl_accounts": ["1400"]},
                               "right": {"company": "B Ltd", "periods": ["2026-10"], "accounts": ["A Inc"]},
                               **extra})
    assert rec["status"] == "Draft"
    return rec["id"]


def reconcile(api, rid, groups, expect=(200,), **body):
    return api.ok("POST", f"{REC}/{rid}/reconcile", {"groups": groups, **body}, expect=expect)


def test_reconcile_commits_only_groups_that_net_to_zero_and_unreconcile_keeps_history(app):
    api = owner_api(app)
    rid = setup(api)
    status, out = api.post(f"{REC}/{rid}/reconcile", {"groups": [
        {"left": ["A000001"], "right": ["B000001"]}, {"left": ["A000002"], "right": ["B000003"]}]})
    assert status == 400 and out["error"]["code"] == "not_zero_sum"
    assert "group 2 (A000002 | B000003): does not net to zero on the amount" in out["error"]["message"]
    assert api.ok("GET", f"{REC}/{rid}")["status"] == "Draft"  # refused up front: nothing started
    assert api.ok("GET", f"{REC}/{rid}/groups") == []

    done = reconcile(api, rid, [{"left": ["A000001"], "right": ["B000001"]},
                                {"left": ["A000002"], "right": ["B000002"]}], reason="statement agreed")
    assert done["record"]["status"] == "Reconciled" and done["outcome"]["reconciled"] == ["G000001", "G000002"]
    groups = api.ok("GET", f"{REC}/{rid}/groups")
    assert [(g["key"], g["left"], g["right"]) for g in groups] == [("G000001", ["A000001"], ["B000001"]),
                                                                   ("G000002", ["A000002"], ["B000002"])]
    lines = api.ok("GET", f"{REC}/{rid}/lines/left")["lines"]
    assert {ln["line_id"]: ln["group"] for ln in lines}["A000002"] == "G000002"

    status, out = api.post(f"{REC}/{rid}/unreconcile", {"groups": ["G000002"]})
    assert status == 400 and "reason" in out["error"]["message"]  # the history needs a reason
    done = api.ok("POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000002"], "reason": "wrong invoice"})
    assert done["record"]["status"] == "Reconciled"  # G000001 still stands
    done = api.ok("POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "reopened"})
    assert done["record"]["status"] == "Unreconciled"
    status, out = api.post(f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "again"})
    assert status == 409 and "cannot unreconcile" in out["error"]["message"]  # nothing stands to undo
    history = api.ok("GET", f"{REC}/{rid}/history")
    assert [(h["group"], h["action"], h["reason"]) for h in history] == [
        ("G000001", "reconciled", "statement agreed"), ("G000002", "reconciled", "statement agreed"),
        ("G000002", "unreconciled", "wrong invoice"), ("G000001", "unreconciled", "reopened")]
    assert history[2]["left"] == ["A000002"] and history[2]["totals"][0]["currency"] == "USD"
    t = history[2]["totals"][0]
    assert Decimal(t["left"]) == -Decimal(t["right"]) != 0 and t["left"] == mirrored(6)[0][1]["amount"]
    # reconciling again after Unreconciled; the undone groups' lines are open again
    done = reconcile(api, rid, [{"left": ["A000002"], "right": ["B000002"]}])
    assert done["record"]["status"] == "Reconciled" and done["outcome"]["reconciled"] == ["G000003"]
    audit = api.ok("GET", "/api/audit?limit=5000")
    actions = [r["action"] for r in (audit["rows"] if isinstance(audit, dict) else audit)]
    for a in ("ledger.lines.imported", "ledger.rec.created", "ledger.reconcile.started", "ledger.groups.reconciled",
              "ledger.reconcile.done", "ledger.group.unreconciled", "ledger.unreconcile.done"):
        assert a in actions, a


def test_one_to_many_and_document_value_groups(app):
    api = owner_api(app)
    rid = setup(api, n=10)
    # one-to-many: two left lines against... the right lines of those two pairs in one group
    done = reconcile(api, rid, [{"left": ["A000003", "A000004"], "right": ["B000003", "B000004"]}])
    assert done["record"]["status"] == "Reconciled"
    # on the document value: only lines that carry one, in their document currency
    status, out = api.post(f"{REC}/{rid}/reconcile", {"basis": "document", "groups": [
        {"left": ["A000006"], "right": ["B000006"]}]})
    assert status == 400 and "carry no document value" in out["error"]["message"]
    done = reconcile(api, rid, [{"left": ["A000005"], "right": ["B000005"]}], basis="document")
    assert done["outcome"]["reconciled"] == ["G000002"]
    assert api.ok("GET", f"{REC}/{rid}/history")[-1]["totals"][0]["currency"] == "EUR"


def test_a_line_reconciled_by_another_record_fails_the_batch_and_rerun_finishes_it(app):
    api = owner_api(app)
    rid = setup(api)
    other = api.ok("POST", REC, {"name": "overlap", "left": {"company": "A Inc"}, "right": {"company": "B Ltd"}})
    reconcile(api, other["id"], [{"left": ["A000001"], "right": ["B000001"]}])
    done = api.ok("POST", f"{REC}/{rid}/reconcile", {"groups": [{"left": ["A000002"], "right": ["B000002"]},
                                                                {"left": ["A000001"], "right": ["B000001"]}]},
                  expect=(409,))
    assert done["record"]["status"] == "Error on Reconcile"
    assert "line A000001 is reconciled already in group G000001 of record" in done["error"]["message"]
    assert api.ok("GET", f"{REC}/{rid}/groups") == []  # the failed batch kept nothing
    for action, body in (("reconcile", {"groups": [{"left": ["A000003"], "right": ["B000003"]}]}),
                         ("save", {"selected": {"left": [], "right": []}})):
        status, out = api.post(f"{REC}/{rid}/{action}", body)
        assert status == 409 and "press Rerun first" in out["error"]["message"]
    status, out = api.delete(f"{REC}/{rid}")
    assert status == 409 and "cannot delete" in out["error"]["message"]
    again = api.ok("POST", f"{REC}/{rid}/rerun", {}, expect=(409,))  # still held by the other record
    assert again["record"]["status"] == "Error on Reconcile"
    api.ok("POST", f"{REC}/{other['id']}/unreconcile", {"groups": ["G000001"], "reason": "belongs to A-B October"})
    done = api.ok("POST", f"{REC}/{rid}/rerun", {})
    assert done["record"]["status"] == "Reconciled" and done["outcome"]["reconciled"] == ["G000001", "G000002"]
    status, out = api.post(f"{REC}/{rid}/rerun", {})
    assert status == 409 and "cannot rerun" in out["error"]["message"]


def test_save_selection_error_on_save_and_rerun(app):
    api = owner_api(app)
    rid = setup(api)
    done = api.ok("POST", f"{REC}/{rid}/save", {"selected": {"left": ["A000001"], "right": ["B000001"]}})
    assert done["record"]["status"] == "Draft" and done["record"]["selected"]["left"] == ["A000001"]
    status, out = api.post(f"{REC}/{rid}/save", {"selected": {"left": ["A999999"]}})
    assert status == 400 and "not lines this record retrieves" in out["error"]["message"]
    other = api.ok("POST", REC, {"name": "overlap", "left": {"company": "A Inc"}, "right": {"company": "B Ltd"}})
    reconcile(api, other["id"], [{"left": ["A000002"], "right": ["B000002"]}])
    done = api.ok("POST", f"{REC}/{rid}/save", {"selected": {"left": ["A000002"], "right": []}}, expect=(409,))
    assert done["record"]["status"] == "Error on Save" and "A000002" in done["error"]["message"]
    api.ok("POST", f"{REC}/{other['id']}/unreconcile", {"groups": ["G000001"], "reason": "mine"})
    done = api.ok("POST", f"{REC}/{rid}/rerun", {})
    assert done["record"]["status"] == "Draft" and done["record"]["selected"]["left"] == ["A000002"]


def test_delete_only_a_draft_and_edits(app):
    api = owner_api(app)
    rid = setup(api)
    status, out = api.post(REC, {"name": "A-B October", "left": {"company": "A Inc"}, "right": {"company": "B"}})
    assert status == 400 and "exists already" in out["error"]["message"]
    status, out = api.post(REC, {"name": "x", "left": {"company": "A Inc", "periods": ["2026-13"]},
                                 "right": {"company": "B"}})
    assert status == 400 and "left.periods: '2026-13' is not a period" in out["error"]["message"]
    reconcile(api, rid, [{"left": ["A000001"], "right": ["B000001"]}])
    status, out = api.delete(f"{REC}/{rid}")
    assert status == 409 and "is Reconciled: cannot delete" in out["error"]["message"]
    status, out = api.put(f"{REC}/{rid}", {"left": {"company": "A Inc"}})
    assert status == 400 and "unreconcile them before changing its filters" in out["error"]["message"]
    assert api.ok("PUT", f"{REC}/{rid}", {"description": "renamed"})["description"] == "renamed"
    api.ok("POST", f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "undo"})
    status, out = api.delete(f"{REC}/{rid}")  # Unreconciled is not a Draft: its history stays
    assert status == 409 and "is Unreconciled" in out["error"]["message"]
    draft = api.ok("POST", REC, {"name": "empty", "left": {"company": "A Inc"}, "right": {"company": "B Ltd"}})
    assert api.ok("DELETE", f"{REC}/{draft['id']}") == {"deleted": draft["id"]}
    assert api.get(f"{REC}/{draft['id']}")[0] == 404


def test_auto_match_settings_five_keys_document_rule_and_save_as_default(app):
    api = owner_api(app)
    alice = team(api, "alice")["alice"]
    rid = setup(api, n=10)
    six = ["reference", "counterparty", "description", "source", "date", "currency"]
    status, out = api.put("/api/ledgers/settings", {"keys": six})
    assert status == 400 and "choose 1 to 5 key fields, got 6" in out["error"]["message"]
    status, out = api.post(f"{REC}/{rid}/auto-match", {"keys": ["reference", "document_amount"]})
    assert status == 400 and "document_amount needs document_currency" in out["error"]["message"]
    assert api.ok("GET", "/api/ledgers/settings")["source"] == "built-in"
    # Save as Default, per user: the owner's default is not alice's
    out = api.ok("POST", f"{REC}/{rid}/auto-match", {"keys": ["reference", "document_amount", "document_currency"],
                                                     "save_as_default": True})
    assert out["settings"]["source"] == "default" and out["basis"] == "document"
    assert len(out["proposed"]) == 2 and out["left_out_without_document_value"] == {"left": 8, "right": 8}
    assert api.ok("GET", "/api/ledgers/settings")["keys"] == ["reference", "document_amount", "document_currency"]
    assert alice.ok("GET", "/api/ledgers/settings")["keys"] == ["reference", "currency"]
    assert api.ok("POST", f"{REC}/{rid}/auto-match", {})["settings"]["source"] == "default"
    # never touches what the user selected: saved selection and the request's own
    api.ok("POST", f"{REC}/{rid}/save", {"selected": {"left": ["A000001"], "right": []}})
    out = api.ok("POST", f"{REC}/{rid}/auto-match", {"keys": ["reference"], "selected": {"right": ["B000002"]}})
    pairs = {(g["left"][0], g["right"][0]) for g in out["proposed"]}
    assert len(pairs) == 8 and not any(a == "A000001" or b == "B000002" for a, b in pairs)
    assert out["left_out_selected"] == {"left": 1, "right": 1}
    done = reconcile(api, rid, [{"left": g["left"], "right": g["right"]} for g in out["proposed"]], kind="auto")
    assert len(done["outcome"]["reconciled"]) == 8
    # A000001 stays selected (saved); B000002 was selected in that request only
    out = api.ok("POST", f"{REC}/{rid}/auto-match", {"keys": ["reference"]})
    assert [(g["left"], g["right"]) for g in out["proposed"]] == [(["A000002"], ["B000002"])]


def test_lines_come_in_batches_of_at_most_ten_thousand(app):
    api = owner_api(app)
    rid = setup(api, n=25)
    first = api.ok("GET", f"{REC}/{rid}/lines/left?limit=10")
    assert len(first["lines"]) == 10 and first["next_after"] is not None
    rest = api.ok("GET", f"{REC}/{rid}/lines/left?limit=10&after={first['next_after']}")
    last = api.ok("GET", f"{REC}/{rid}/lines/left?limit=10&after={rest['next_after']}")
    ids = [ln["line_id"] for b in (first, rest, last) for ln in b["lines"]]
    assert ids == [f"A{k:06d}" for k in range(1, 26)] and last["next_after"] is None
    assert api.get(f"{REC}/{rid}/lines/left?limit=10001")[0] == 400
    assert api.get(f"{REC}/{rid}/lines/middle")[0] == 400


@pytest.mark.parametrize("row, message", [
    ({"line_id": "X1", "date": "2026-10-40", "amount": "1", "currency": "USD"}, "field 'date': not an ISO date"),
    ({"line_id": "X1", "date": "2026-10-01", "amount": "1,5", "currency": "USD"}, "field 'amount': not an amount"),
    ({"line_id": "X1", "date": "2026-10-01", "amount": "1", "currency": "US"}, "field 'currency'"),
    ({"line_id": "X1", "date": "2026-10-01", "amount": "1", "currency": "USD", "document_amount": "2"},
     "field 'document_currency'"),
])
def test_bad_lines_are_refused_naming_row_and_field(app, row, message):
    api = owner_api(app)
    good = {"line_id": "X0", "date": "2026-10-01", "amount": "1", "currency": "USD"}
    status, out = api.post("/api/ledgers/lines", {"company": "A Inc", "lines": [good, row]})
    assert status == 400 and out["error"]["message"].startswith(f"lines[1] (row 3 of the file), {message}")


def test_the_transition_table_allows_and_refuses_each_action_from_each_status():
    from tieout.server.controls.workflow import Refusal
    from tieout.server.ledgers import statuses as st

    every = (*st.RESTING, *st.RUNNING, *st.ERRORS.values())
    allowed = {(s, a) for a, froms in st.ALLOWED_FROM.items() for s in froms}
    assert allowed == {*((s, a) for s in st.RESTING for a in ("save", "reconcile", "auto_match")),
                       (st.RECONCILED, "unreconcile"), (st.DRAFT, "delete"),
                       *((e, "rerun") for e in st.ERRORS.values())}
    for s in every:
        for a in st.ALLOWED_FROM:
            if (s, a) in allowed:
                st.check(s, a, "1 (x)")
            else:
                with pytest.raises(Refusal) as exc:
                    st.check(s, a, "1 (x)")
                assert exc.value.status == 409 and f"record 1 (x) is {s}" in exc.value.message
    assert st.after("save", 0, False) == st.DRAFT and st.after("reconcile", 3, False) == st.RECONCILED
    assert st.after("unreconcile", 0, True) == st.UNRECONCILED and st.after("unreconcile", 1, True) == st.RECONCILED
    assert st.after("save", 0, True) == st.UNRECONCILED


def test_migration_0011_adds_only_its_tables_and_downgrades_cleanly(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from tieout.server.store import open_store
    from tieout.server.store.migrate import alembic_config

    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        ours = {"ledger_lines", "ledger_recs", "ledger_groups", "ledger_group_items", "ledger_history",
                "ledger_match_settings", "subledger_configs", "subledger_runs", "subledger_exceptions"}
        config = alembic_config(store)
        assert ours <= set(inspect(store.engine).get_table_names())
        command.downgrade(config, "0011")  # migrations after it first
        before = set(inspect(store.engine).get_table_names())
        assert ours <= before
        command.downgrade(config, "-1")  # then 0011 alone
        after = set(inspect(store.engine).get_table_names())
        assert after == before - ours
    finally:
        store.dispose()


def test_a_batch_cut_short_by_a_stopped_server_ends_in_error_and_reruns(home):
    from test_server_kit import make_app

    from tieout.server.ledgers.tables import LedgerRec

    first = make_app(home)
    api = owner_api(first)
    rid = setup(api)
    # what a server killed between marking the record Reconciling and committing the work leaves behind
    with first.extensions["tieout"].store.write() as s:
        rec = s.get(LedgerRec, rid)
        rec.status, rec.batch_worker, rec.batch_lease_at = "Reconciling", "host:1:dead", \
            dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        rec.pending = '{"action": "reconcile", "params": {"groups": [{"left": ["A000001"], "right": ["B000001"]}], ' \
                      '"basis": "amount", "kind": "manual", "reason": ""}}'
    status, out = api.post(f"{REC}/{rid}/unreconcile", {"groups": ["G000001"], "reason": "x"})
    assert status == 409 and "a batch is running on it" in out["error"]["message"]
    first.extensions["tieout"].close()
    again = make_app(home)
    try:
        api = owner_api(again)
        rec = api.ok("GET", f"{REC}/{rid}")
        assert rec["status"] == "Error on Reconcile" and "the server stopped while the batch ran" in rec["error"]
        done = api.ok("POST", f"{REC}/{rid}/rerun", {})
        assert done["record"]["status"] == "Reconciled" and done["outcome"]["reconciled"] == ["G000001"]
    finally:
        again.extensions["tieout"].close()
