"""The OpenAPI entries of the ledger-against-ledger routes (routes_ledgers.py), merged by openapi.py."""
from __future__ import annotations

L = "/api/ledgers"
LR = L + "/recs/{ledger_rec_id}"

OPERATIONS: dict[str, dict[str, tuple]] = {
    L + "/lines": {"post": ("ledgers", "Import a company's ledger lines {company, gl_account?, account?, lines} "
                                       "(administrators, or a preparer of an account of that legal entity)",
                            "json", 201)},
    L + "/recs": {"get": ("ledgers", "The transaction reconciliation records the user holds a role on (through "
                                     "either side's account; administrators: all)", None, 200),
                  "post": ("ledgers", "Create a record (Draft): name, description, left and right filters "
                                      "(company, periods, gl_accounts, accounts), left_account and right_account "
                                      "(an account's name or number; the user prepares both; administrators may "
                                      "leave them out)", "json", 201)},
    LR: {"get": ("ledgers", "One record: status, filters, accounts, selection, error of a failed batch", None, 200),
         "put": ("ledgers", "Edit name, description; filters only while no group stands; left_account and "
                            "right_account (administrators)", "json", 200),
         "delete": ("ledgers", "Delete a Draft record", None, 200)},
    LR + "/lines/{side}": {"get": ("ledgers", "A side's lines in batches (?after=cursor&limit=1-10000)", None, 200)},
    LR + "/groups": {"get": ("ledgers", "Reconciled groups (?history=1 adds unreconciled ones)", None, 200)},
    LR + "/history": {"get": ("ledgers", "Reconcile and unreconcile history", None, 200)},
    LR + "/save": {"post": ("ledgers", "Save batch: the user's selection {selected: {left, right}}", "json", 200)},
    LR + "/reconcile": {"post": ("ledgers", "Reconcile batch: groups that net to zero {groups, basis, kind, "
                                            "reason}", "json", 200)},
    LR + "/unreconcile": {"post": ("ledgers", "Unreconcile batch {groups: [keys], reason}", "json", 200)},
    LR + "/rerun": {"post": ("ledgers", "Rerun the failed batch of a record in an Error status", "json", 200)},
    LR + "/auto-match": {"post": ("ledgers", "Propose groups on the open lines {keys?, tolerance?, "
                                             "save_as_default?, selected?}", "json", 200)},
    L + "/settings": {"get": ("ledgers", "The user's auto-match settings", None, 200),
                      "put": ("ledgers", "Save as Default: keys (1-5) and tolerance", "json", 200)},
}
S = "/api/subledgers"
OPERATIONS.update({
    S + "/configs": {"get": ("subledgers", "Configured GL-against-subledger checks", None, 200),
                     "post": ("subledgers", "Configure a check (administrators): account, legal_entity, kind "
                                            "AP|AR|tax|bank, currency, subledger_path, gl_path, sign, "
                                            "interval_minutes", "json", 201)},
    S + "/configs/{config_id}/run": {"post": ("subledgers", "Run a configured check now (?period=yyyy-mm)", None,
                                              200)},
    S + "/runs": {"get": ("subledgers", "Every stored run with its balances", None, 200)},
    S + "/exceptions": {"get": ("subledgers", "Exceptions of the latest runs with the action to take (?account, "
                                              "?legal_entity, ?period)", None, 200)},
})
INT_PARAMS = {"ledger_rec_id", "config_id"}
