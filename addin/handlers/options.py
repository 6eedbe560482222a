"""The options a handler takes in batch mode (`tieout run WORKBOOK --action NAME --option value`), as data:
the CLI builds its parser from this table without importing the handlers. In Excel the same values come
from the selection, a dialog or the sheets."""
from __future__ import annotations

OPTIONS: dict[str, str] = {
    "file": "the bank file or filled GL template to import (in Excel: picked in a dialog)",
    "format": "bank file format: auto (default), csv, xlsx, xls, pdf, bai2, mt940, mt942, camt052, camt053, camt054, "
              "ofx, qif",
    "account_name": "first import: name of the account to create on the server",
    "currency": "first import: the currency when the bank file does not state one (e.g. USD)",
    "cash_account": "the GL cash account being reconciled (first import; journal files use it)",
    "period": "first import: the period, yyyy-mm (default: the month the statement or template ends); "
              "Workspace: the period to show (default: the linked reconciliation's)",
    "bank": "bank line ids, comma-separated (in Excel: the rows selected on Bank Statement)",
    "gl": "GL line ids, comma-separated (in Excel: the rows selected on GL Lines)",
    "match": "match ids, comma-separated (in Excel: the rows selected on Matched)",
    "tolerance": "Match Selected: the largest difference accepted with a write-off line (default: the "
                 "workbook's MatchTolerance setting, else 0.00)",
    "write_off_account": "Match Selected: GL account of the write-off line (default: the workbook's "
                         "WriteOffAccount setting)",
    "reason": "why: recorded with a manual match or an unmatch",
    "date": "new transaction: date, yyyy-mm-dd (default: the selected bank line's, else the period end)",
    "amount": "new transaction: amount, + into the bank account, - out (default: the selected bank line's)",
    "gl_account": "new transaction: the GL account of the other side of the entry; Import Ledger: the GL account "
                  "of the company's lines (default: the file's gl_account column or template account)",
    "description": "new transaction: description",
    "bank_line": "new transaction: the bank line it accounts for (default: the selected bank line)",
    "comment": "Reject (required), Approve, Revert: the review comment; Acknowledge Findings (required): why "
               "the reconciliation stands despite the findings",
    "confirm_layout": "Import Bank File: yes to import a CSV/Excel/PDF file whose layout Tieout inferred (shown on "
                      "the Import Layout sheet) and keep it as your profile for that bank",
    "opening": "Import Bank File: the statement's printed opening balance, for a file that states none",
    "closing": "Import Bank File: the statement's printed closing balance, for a file that states none",
    "date_order": "Import Bank File: day_first or month_first, for a file whose dates read both ways (03/04); "
                  "remembered for the account",
    "profile": "Import Bank File: a layout profile to force (its name); remembered for the account; "
               "Forget Layout: the profile of yours to forget",
    "finding": "Acknowledge Findings: finding numbers, comma-separated (default: every open one)",
    "out": "Report: the file to write, .pdf or .xlsx (default: <workbook>-report.pdf next to the workbook)",
    # ledger against ledger (issue 16)
    "ledger_rec": "Ledger group: the transaction reconciliation record to link the workbook to (its number)",
    "rec_name": "Retrieve: the transaction reconciliation's name (in Excel: Ledger Rec!B3)",
    "left_filter": "Retrieve: the left side's filter, e.g. 'company=A Inc;periods=2026-10;gl_accounts=1400;"
                   "accounts=B Ltd' (in Excel: Ledger Rec!B7:B10)",
    "right_filter": "Retrieve: the right side's filter (in Excel: Ledger Rec!D7:D10)",
    "left_account": "Retrieve: the account the left side belongs to; you must prepare it (in Excel: Ledger Rec!B11)",
    "right_account": "Retrieve: the account the right side belongs to (in Excel: Ledger Rec!D11)",
    "company": "Import Ledger: the company whose ledger the file holds",
    "left": "Reconcile Selected: left line ids of one group, comma-separated (in Excel: select labels)",
    "right": "Reconcile Selected: right line ids of one group, comma-separated",
    "basis": "Reconcile Selected: amount (default) or document (the document value in its currency)",
    "keys": "Ledger Auto-Match: 1 to 5 key fields, comma-separated (default: your saved default)",
    "save_as_default": "Ledger Auto-Match: yes to keep --keys as your default",
    "group": "Unreconcile: reconciled group keys, comma-separated (in Excel: rows selected on Reconciled Groups)",
    "subledger": "Subledger Check: the subledger's open items export (CSV or Excel, any layout)",
    "gl_file": "Subledger Check: the GL account's lines (ledger lines CSV or filled GL template)",
    "entity": "Subledger Check: the legal entity",
    "kind": "Subledger Check: AR (default), AP, tax or bank",
    "sign": "Subledger Check: -1 when the export shows the account's credits as positive figures (default 1)",
    "payments": "Cash Application: the incoming payments file (CSV or Excel)",
    "invoices": "Cash Application: the AR open items export (CSV or Excel)",
    "out": "Report: the file to write, .pdf or .xlsx (default: <workbook>-report.pdf next to the workbook); "
           "Workspace: the .xlsx to write (default: Workspace-<period>.xlsx next to the workbook)",
    # Manual accounts (issue 15)
    "gl_balance": "Manual Reconciliation: the GL balance at the period end (in Excel: Summary, under Balances)",
    "support_balance": "Manual Reconciliation: the balance of the support (subledger, schedule, confirmation) at "
                       "the period end (in Excel: Summary, under Balances)",
    "item": "Reconciling Item: the item number to change or delete (default: add a new item)",
    "owner": "Reconciling Item: who clears the item",
    "due_date": "Reconciling Item: by when, yyyy-mm-dd",
    "item_status": "Reconciling Item: open, investigating or resolved",
    "notes": "Reconciling Item: notes",
    "delete_item": "Reconciling Item: yes to delete the item given with --item",
}
