"""The OpenAPI 3.1 description of the API, built from the table below (kept true by a test that compares it
with the routes Flask has registered, both ways)."""
from __future__ import annotations

import re

from flask import Blueprint, jsonify

from ..importers.missing import API as MISSING_FIELDS
from . import openapi_ledgers

bp = Blueprint("openapi", __name__, url_prefix="/api")

R = "/api/reconciliations/{rec_id}"
A = "/api/accounts/{account_id}"
# path -> {method: (tag, summary, request body: None | "json" | "file", success status)}
OPERATIONS: dict[str, dict[str, tuple]] = {
    "/api/health": {"get": ("meta", "Liveness check; needs no token", None, 200)},
    "/api/openapi.json": {"get": ("meta", "This description", None, 200)},
    "/api/me": {"get": ("meta", "The user the token stands for", None, 200)},
    "/api/users": {"get": ("users", "List users", None, 200),
                   "post": ("users", "Team mode: add a user; the answer holds their token, shown once", "json", 201)},
    "/api/audit": {"get": ("audit", "Audit rows (?reconciliation_id, ?after, ?limit 1-5000)", None, 200)},
    "/api/audit/verify": {"get": ("audit", "Verify the audit trail's hash chain", None, 200)},
    "/api/accounts": {"get": ("accounts", "List accounts", None, 200),
                      "post": ("accounts", "Create an account (GL account, bank account, currency, kind, "
                                           "segregation standard|strict)", "json", 201)},
    A: {"get": ("accounts", "One account and its roles", None, 200),
        "put": ("accounts", "Edit an account (fields sent only; currency and kind fixed once reconciled)", "json",
                200)},
    A + "/roles": {"get": ("accounts", "Roles held on the account", None, 200),
                   "post": ("accounts", "Grant a role (administrators)", "json", 200)},
    A + "/schedule": {"get": ("accounts", "The auto-reconciliation schedule", None, 200),
                      "put": ("accounts", "Set the auto-reconciliation schedule", "json", 200)},
    "/api/reconciliations": {"get": ("reconciliations", "List reconciliations (?account_id)", None, 200),
                             "post": ("reconciliations", "Create the reconciliation of an account and period",
                                      "json", 201)},
    R: {"get": ("reconciliations", "Status, balances, difference, freshness", None, 200)},
    R + "/workflow/{action}": {"post": ("workflow", "start | submit | review | approve | reject | revert", "json",
                                        200)},
    R + "/gl-balance": {"put": ("data", "Set the GL balance", "json", 200)},
    R + "/support-balance": {"put": ("data", "Set the support balance (Manual accounts)", "json", 200)},
    R + "/bank-lines": {"get": ("data", "Bank lines", None, 200)},
    R + "/gl-lines": {"get": ("data", "GL lines", None, 200),
                      "post": ("data", "Add GL lines (all or none)", "json", 201)},
    R + "/gl-lines/{line_id}": {"put": ("data", "Edit an unmatched GL line", "json", 200),
                                "delete": ("data", "Delete an unmatched GL line", None, 204)},
    R + "/unmatched": {"get": ("data", "Unmatched bank and GL lines, reconciling items", None, 200)},
    R + "/unmatched/{side}/{line_id}": {"put": ("data", "Owner, due date, status, notes of an unmatched line",
                                                "json", 200)},
    R + "/items": {"get": ("data", "Reconciling items (Manual accounts)", None, 200),
                   "post": ("data", "Add a reconciling item", "json", 201)},
    R + "/items/{item_id}": {"put": ("data", "Edit a reconciling item", "json", 200),
                             "delete": ("data", "Delete a reconciling item", None, 204)},
    R + "/transactions": {"get": ("data", "New transactions to post", None, 200),
                          "post": ("data", "Add a new transaction", "json", 201)},
    R + "/transactions/{txn_id}": {"put": ("data", "Edit a new transaction", "json", 200),
                                   "delete": ("data", "Delete a new transaction", None, 204)},
    R + "/transactions/post": {"post": ("data", "Post the new transactions not yet posted (all, or "
                                                "transaction_ids): GL lines, GL balance, matches, in one change",
                                        "json", 200)},
    R + "/statements": {"get": ("statements", "Imported statements", None, 200),
                        "post": ("statements", "Upload a bank file (?format, ?background=1, ?wait=seconds, ?opening=&closing=: "
                                                   "the printed balances of a file that states none)",
                                 "file", 201)},
    R + "/statements/{statement_id}/balances": {"put": ("statements", "Enter the printed opening and/or closing "
                                                                     "balance of a statement whose file states none",
                                                       "json", 200)},
    R + "/findings": {"get": ("statements", "Findings of the imported statements (figures that do not add up) and "
                                            "their acknowledgements", None, 200)},
    R + "/findings/acknowledge": {"post": ("statements", "Acknowledge findings with a comment (required); Submit is "
                                                         "refused while any is open", "json", 200)},
    R + "/matches": {"get": ("matching", "Match groups (?history=1 includes undone ones)", None, 200),
                     "post": ("matching", "Match lines by hand, with a reason", "json", 201)},
    R + "/matches/{key}/undo": {"post": ("matching", "Undo a match group (unreconcile)", "json", 200)},
    R + "/matches/accept": {"post": ("matching", "Accept proposed auto-matches: {\"keys\": [...]}, or {} for every "
                                                 "proposed one; Submit is refused while any remains", "json", 200)},
    R + "/auto-match": {"post": ("matching", "Queue an auto-match job (?wait=seconds); optional {\"rules\": [rows "
                                             "of the Rules sheet]}, else the built-in library", "json", 202)},
    R + "/jobs": {"get": ("jobs", "Jobs of the reconciliation", None, 200)},
    "/api/jobs/{job_id}": {"get": ("jobs", "A job's status and progress (?wait=seconds)", None, 200)},
    "/api/jobs/{job_id}/rerun": {"post": ("jobs", "Rerun a failed job", None, 202)},
    "/api/workspace": {"get": ("workspace", "Every account the user may see for a period (?period=yyyy-mm; "
                                            "default the latest): status, people, difference, aged open items, "
                                            "escalations, findings, freshness, and the exceptions list", None, 200)},
    A + "/history": {"get": ("workspace", "The account's last reconciliations (?periods=1-60, default 6): "
                                          "status, open items, difference", None, 200)},
    A + "/settings/{name}": {"get": ("accounts", "What the account remembers: import_options | rules", None, 200),
                             "put": ("accounts", "Replace a remembered setting: {\"value\": {...}} (preparers)",
                                     "json", 200)},
}
OPERATIONS.update({  # the reviewer's workpaper (routes_review.py)
    R + "/review": {"get": ("review", "The five review checks (pass | fail | attention, figures, lines, the "
                                      "reviewer's tick), aging, unclaimed property, escalations", None, 200)},
    R + "/review/ticks": {"get": ("review", "The reviewer's marks only (per check and per marked line), without "
                                            "running the checks: what a client compares typed ticks with",
                                  None, 200)},
    R + "/review/{check_id}": {"put": ("review", "The reviewer's tick and comment on one check; Approve is refused "
                                                 "while a check fails without a comment", "json", 200)},
    R + "/review/{check_id}/lines/{side}/{ref}": {"put": ("review", "The reviewer's tick and comment on one line "
                                                                    "the check lists (e.g. an unusual pair)",
                                                          "json", 200)},
    A + "/chart": {"get": ("accounts", "The account's chart of accounts (new transactions are checked against it)",
                           None, 200),
                   "put": ("accounts", "Replace the chart of accounts: {\"accounts\": [...]}", "json", 200)},
})

# The Summary sheet's sums (server/figures/summary_sums.py): what it draws without reading every line.
OPERATIONS[R + "/summary-sums"] = {"get": ("reconciliations", "The Summary's sums: unmatched GL receipts and payments, "
                                                              "unmatched bank credits and debits, proposed matches",
                                           None, 200)}
INT_PARAMS = {"rec_id", "account_id", "item_id", "txn_id", "job_id", "statement_id"}
OPERATIONS.update(openapi_ledgers.OPERATIONS)  # ledger against ledger (issue 16)
INT_PARAMS |= openapi_ledgers.INT_PARAMS
ERROR = {"$ref": "#/components/responses/Error"}
# Conditional GETs (issue 17, etags.py): an ETag on the answer; If-None-Match -> 304 while it still holds.
CONDITIONAL = {(R + part, "get") for part in ("/bank-lines", "/gl-lines", "/matches", "/transactions", "/review")}


def _object(required: dict, optional: dict | None = None) -> dict:
    """A JSON object with exactly these fields (a test checks real answers against it)."""
    return {"type": "object", "required": sorted(required), "additionalProperties": False,
            "properties": {**required, **(optional or {})}}


_TEXT, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_MONEY = {"type": ["string", "null"], "description": "exact decimal as text"}
_DAY = {"type": ["string", "null"], "format": "date"}
_REF = {"type": ["integer", "null"]}
_LIST = lambda name: {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}  # noqa: E731

# Answers whose fields are described (path, method) -> schema name in SCHEMAS.
RESPONSE_SCHEMAS = {(R + "/statements", "post"): "StatementImport", (R + "/statements", "get"): "StatementList",
                    (R + "/transactions/post", "post"): "TransactionsPosted", (R + "/matches", "get"): "MatchList",
                    (R + "/matches/accept", "post"): "MatchesAccepted", (R + "/findings", "get"): "FindingList",
                    (R + "/findings/acknowledge", "post"): "FindingsAcknowledged",
                    (R + "/statements/{statement_id}/balances", "put"): "BalancesEntered"}
# Requests whose fields are described (path, method) -> schema name in SCHEMAS; others: any JSON object.
REQUEST_SCHEMAS = {(R + "/auto-match", "post"): "AutoMatchRequest", (R + "/matches/accept", "post"): "AcceptRequest",
                   (R + "/findings/acknowledge", "post"): "AcknowledgeRequest",
                   (R + "/statements/{statement_id}/balances", "put"): "BalancesRequest"}
_STAMP = {"type": ["string", "null"], "format": "date-time"}
_KEYS = {"type": "array", "items": _TEXT}
_CELL = {"type": ["string", "number", "boolean", "null", "array"]}
_SOURCE = {"enum": ["file", "entered", None],
           "description": "file: stated by the bank; entered: typed from the printed statement; null: unknown"}
_SOURCES = {f"{k}_{f}": s for k in ("opening", "closing") for f, s in (
    ("source", _SOURCE), ("entered_by", {"type": ["string", "null"]}), ("entered_at", _STAMP))}
SCHEMAS = {
    "Finding": _object({
        "id": _INT, "statement": _INT, "statement_ref": _TEXT,
        "code": {**_TEXT, "description": "balance_mismatch, chain_break, trailer_total, record_count, "
                                         "entered_balance_differs, ..."},
        "message": _TEXT, "figures": {"type": "object", "additionalProperties": _TEXT,
                                      "description": "name -> exact decimal (or text)"},
        "origin": {"enum": ["import", "entry"]}, "state": {"enum": ["open", "acknowledged"]},
        "acknowledged_by": {"type": ["string", "null"]}, "acknowledged_at": _STAMP, "comment": _TEXT}),
    "FindingList": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    "AcknowledgeRequest": {"type": "object", "required": ["comment"], "additionalProperties": False, "properties": {
        "comment": {**_TEXT, "description": "why the reconciliation stands despite the findings (required)"},
        "ids": {"type": "array", "items": _INT, "description": "the findings; absent: every open one"}}},
    "FindingsAcknowledged": _object({
        "acknowledged": {"type": "array", "items": _INT}, "count": _INT, "acknowledged_by": _TEXT,
        "acknowledged_at": _STAMP, "comment": _TEXT}),
    "BalancesRequest": {"type": "object", "additionalProperties": False, "properties": {
        "opening_balance": _MONEY, "closing_balance": _MONEY}},
    "BalancesEntered": _object({
        "statement": _INT, "opening_balance": _MONEY, "closing_balance": _MONEY, **_SOURCES, "lines_total": _MONEY,
        "findings": {**_LIST("Finding"), "description": "a balance_mismatch when the balances and the lines "
                                                        "disagree"}}),
    "MatchGroup": _object({
        "key": _TEXT, "kind": {"enum": ["auto", "manual"]}, "rule": _TEXT, "confidence": _MONEY, "reason": _TEXT,
        "bank": _KEYS, "ledger": _KEYS, "status": {"enum": ["matched", "undone"]}, "undo_reason": _TEXT,
        "state": {"enum": ["proposed", "accepted"],
                  "description": "proposed: an auto-match nobody accepted yet (Submit is refused while any remains)"},
        "accepted_by": {"type": ["string", "null"]}, "accepted_at": _STAMP}),
    "MatchList": {"type": "array", "items": {"$ref": "#/components/schemas/MatchGroup"}},
    "MatchesAccepted": _object({
        "accepted": {**_KEYS, "description": "the keys accepted by this call"}, "count": _INT,
        "already_accepted": {**_KEYS, "description": "asked for, accepted before: left as they were"},
        "accepted_by": _TEXT, "accepted_at": _STAMP}),
    "AcceptRequest": {"type": "object", "additionalProperties": False, "properties": {
        "keys": {**_KEYS, "description": "the match keys to accept; absent: every proposed auto-match"}}},
    "AutoMatchRequest": {"type": "object", "additionalProperties": False, "properties": {"rules": {
        "type": ["array", "null"], "items": {"type": "object", "additionalProperties": _CELL},
        "description": "rule rows keyed by the Rules sheet's columns (name and priority required; a list in "
                       "one cell is separated by ';'); messages number them as sheet rows, the first being "
                       "row 2. Absent, null or []: the built-in library. The job's detail and audit row name "
                       "the rule set run (source, SHA-256 of its canonical TOML, count)"}}},
    "PostedTransaction": _object({
        "id": _INT, "line_id": {**_TEXT, "description": "the GL line made: NT-<id>"}, "date": _DAY,
        "amount": _MONEY, "gl_account": _TEXT, "bank_line_id": _TEXT,
        "match": {"type": ["string", "null"], "description": "the match key the line joined, if any"},
        "replaced_match": {"type": ["string", "null"],
                           "description": "the bank line's match undone to take the line in (a fee, a write-off)"}}),
    "TransactionsPosted": _object({
        "posted": _LIST("PostedTransaction"), "count": _INT, "total": _MONEY,
        "matched": {**_INT, "description": "posted lines matched to their bank lines"},
        "already_posted": {"type": "array", "items": _INT, "description": "asked for, posted before: skipped"},
        "gl_balance": {**_MONEY, "description": "after posting (null when not set: then not moved)"}}),
    "ImportedStatement": _object({
        "statement": _INT, "account": _TEXT, "currency": _TEXT, "opening_balance": _MONEY,
        "closing_balance": _MONEY, "count": {**_INT, "description": "lines in the statement as the bank gave it"},
        "total": _MONEY}),
    "StatementDetail": _object({
        "statement": _INT, "statement_ref": _TEXT, "count": _INT, "added": {**_INT, "description": "lines stored"},
        "skipped": {**_INT, "description": "lines the account already held (not stored again)"},
        "period_start": _DAY, "period_end": _DAY,
        "period_stated": {**_BOOL, "description": "printed by the bank (else the first and last lines' dates)"}}),
    "SkippedLine": _object({
        "statement": _INT, "line_id": _TEXT, "date": _DAY, "amount": _MONEY, "description": _TEXT,
        "held_statement": _INT, "held_line_id": _TEXT, "by": {"enum": ["bank id", "content"]}, "reason": _TEXT}),
    "DuplicateStatement": _object({
        "statement_ref": _TEXT, "account": _TEXT, "currency": _TEXT, "opening_balance": _MONEY,
        "closing_balance": _MONEY, "count": _INT, "held_statement": _REF, "duplicate_of": _TEXT,
        "message": _TEXT}),
    "ContinuityFinding": _object({
        "severity": {"enum": ["info", "warning", "error"]},
        "kind": {"enum": ["opening_mismatch", "overlap_mismatch", "gap", "overlap", "bank_id_conflict",
                          "undated"]},
        "statement": _REF, "message": _TEXT, "other": _TEXT, "expected": _MONEY, "actual": _MONEY,
        "difference": _MONEY, "first_day": _DAY, "last_day": _DAY}),
    "RenamedLine": _object({"statement": _INT, "line_id": _TEXT, "stored_as": _TEXT}),
    "StatementImport": _object({
        "format": _TEXT, "statements": _LIST("ImportedStatement"), "details": _LIST("StatementDetail"),
        "warnings": {"type": "array", "items": _TEXT,
                     "description": "the importer's warnings, then what was skipped and every continuity "
                                    "warning or error, as sentences"},
        "added": _INT, "skipped_count": _INT,
        "skipped": {**_LIST("SkippedLine"), "description": "the first 1,000 skipped lines"},
        "duplicates": _LIST("DuplicateStatement"), "continuity": _LIST("ContinuityFinding"),
        "renamed": {**_LIST("RenamedLine"), "description": "new lines whose id was taken in the reconciliation"},
        "findings": {**_LIST("Finding"), "description": "the stored statements' own figures that do not add up "
                                                        "(imported anyway; acknowledge them before Submit)"}}),
    "StatementListItem": _object({
        "id": _INT, "bank_account": _TEXT, "currency": _TEXT, "format": _TEXT, "source": _TEXT,
        "opening_balance": _MONEY, "closing_balance": _MONEY, "period_start": _DAY, "period_end": _DAY,
        "period_stated": {"type": ["boolean", "null"]}, "lines_in_file": _REF, "lines_skipped": _REF,
        "continuity": _LIST("ContinuityFinding"), **_SOURCES, "lines_total": _MONEY,
        "findings": _LIST("Finding")}),
    "StatementList": {"type": "array", "items": {"$ref": "#/components/schemas/StatementListItem"}},
}


def _operation(path: str, method: str, spec: tuple) -> dict:
    tag, summary, req, ok = spec
    params = [{"name": p, "in": "path", "required": True,
               "schema": {"type": "integer"} if p in INT_PARAMS else {"type": "string"}}
              for p in re.findall(r"{(\w+)}", path)]
    op = {"tags": [tag], "summary": summary, "operationId": f"{method}_{path}".replace("/", "_").strip("_"),
          "parameters": params,
          "responses": {str(ok): {"description": "success"}, "400": ERROR, "401": ERROR, "403": ERROR,
                        "404": ERROR, "409": ERROR, "413": ERROR}}
    if (path, method) in RESPONSE_SCHEMAS:
        op["responses"][str(ok)]["content"] = {"application/json": {"schema": {
            "$ref": f"#/components/schemas/{RESPONSE_SCHEMAS[(path, method)]}"}}}
    if (path, method) in CONDITIONAL:
        op["responses"][str(ok)]["headers"] = {"ETag": {"schema": {"type": "string"}, "description": (
            "names the data version the answer was read at (etags.py)")}}
        op["responses"]["304"] = {"description": "Not Modified: the ETag sent in the If-None-Match header "
                                                 "names the server's answer still (no body)"}
    if path == "/api/health":
        op["security"] = []
    if req == "json":
        schema = ({"$ref": f"#/components/schemas/{REQUEST_SCHEMAS[(path, method)]}"}
                  if (path, method) in REQUEST_SCHEMAS else {"type": "object"})
        op["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    elif req == "file":
        op["requestBody"] = {"content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    return op


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tieout calculation server", "version": "1"},
        "security": [{"bearer": []}],
        "paths": {p: {m: _operation(p, m, spec) for m, spec in ops.items()} for p, ops in OPERATIONS.items()},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the token in $TIEOUT_HOME/token, or a user's token"}},
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {
                "type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                   # what the caller can send to get past it (importers/missing.py)
                                   "missing": {"type": "array", "items": {"enum": sorted(MISSING_FIELDS)}},
                                   "remedy": {"type": "string"}}}}}}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
