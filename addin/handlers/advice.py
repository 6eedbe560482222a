"""Plain advice for every error code the server sends (server/app/errors.py, server/controls/workflow.py), so the
message box says what to do, not only what went wrong. Unknown codes get the generic advice. Each says what to
do in Excel: none names a command-line option, an environment variable or a file of the repository
(tests/test_addin_import_options.py checks)."""
from __future__ import annotations

ADVICE: dict[str, str] = {
    "bad_input": "Correct the value named in the message and try again.",
    "bad_json": "This is a fault in the add-in; please report it with the message.",
    "bad_request": "Correct what the message names and try again.",
    "conflict": "Press Refresh: the reconciliation changed meanwhile; then try again.",
    "bad_file": "Check that you picked the right file and that it is the bank's original download; fix or "
                "re-download it and import it again. Nothing of it was imported.",
    "not_found": "Press Refresh: the item may have been changed or removed by someone else.",
    "forbidden": "Ask an administrator to give you the role this step needs on the account (preparer, "
                 "reviewer or approver).",
    "account_in_use": "Reconciliations already rest on this account: create a new account for a different "
                      "currency or kind, or revert the submitted reconciliation before changing account numbers.",
    "locked": "The reconciliation is submitted, so its data is locked. Ask the reviewer to Reject it, or "
              "Revert it, to change it again.",
    "bad_transition": "Press Refresh to see the reconciliation's current status; this step is not possible "
                      "in that status.",
    "comment_required": "Type the reason (to send back: the Review comment cell on Summary; to acknowledge a "
                        "finding: its acknowledgement comment cell under Statement findings), then press the "
                        "button again.",
    "unacknowledged_findings": "Read each open finding under Statement findings on the Summary sheet, type why the "
                               "reconciliation stands in its acknowledgement comment cell (or press Acknowledge "
                               "Findings), then submit again.",
    "balance_stated": "The file states that balance; it is the bank's figure and stays. Enter only balances the "
                      "Summary marks as not stated.",
    "segregation_of_duties": "A different person must do this step: neither the preparer nor the reviewer may "
                             "approve, and on an account with strict segregation the preparer may not review.",
    "tampered": "The data was changed after it was submitted. Revert the reconciliation, check the changes "
                "named in the message, and submit it again.",
    "already_matched": "Press Refresh, then select only lines that are not matched yet (or unmatch them "
                       "first).",
    "already_undone": "Press Refresh: that match is already undone.",
    "amounts_differ": "Select lines whose totals agree, or give a tolerance and a write-off account.",
    "matched": "Unmatch the line first (Unmatch Selected), then change it.",
    "posted": "The transaction is already posted to GL Lines. Add a correcting New Transaction instead.",
    "stale": "Lines changed while the auto-match ran. Press Auto-Match again.",
    "unaccepted_matches": "Review the proposed (green) matches on Unmatched: unmatch those you disagree with, "
                          "press Accept Matches, then submit again.",
    "bad_rules": "Correct the rule named in the message on the Rules sheet (that row and column), or clear the "
                 "Rules table to use the built-in library, then press Auto-Match again. Nothing was matched.",
    "exists": "This account already has a reconciliation for the period; open its workbook, or choose "
              "another period.",
    "out_of_period": "Import the file in the workbook of the period its lines are in: each period has its own "
                     "reconciliation (the first import into a new workbook creates it).",
    "open_reconciliation": "Finish the account's open reconciliation first (submit it and have it approved), "
                           "then start the next period.",
    "prior_period_open": "Approve the previous period's reconciliation of this account first.",
    "unauthorized": "Your Tieout access token was refused. Ask your Tieout administrator for a new one, then close "
                    "Excel, open it again and press the button again.",
    "bad_host": "The server refused the address it was called by. Ask your Tieout administrator to check which "
                "server Tieout is set to use on this computer.",
    "origin_refused": "The server refused where the request came from. Ask your Tieout administrator to check "
                      "which server Tieout is set to use on this computer.",
    "too_large": "The file is larger than the server accepts. Import the statement in parts (a download per "
                 "month or week), or ask your Tieout administrator to raise the server's limit.",
    "busy": "The server is busy with another change; wait a moment and press the button again.",
    "gone": "Import the bank file again.",
    "unknown_action": "This is a fault in the add-in; please report it with the message.",
    "local_mode": "Ask the person who installed Tieout on this computer to add you and give you your role.",
    "job_timeout": "The server is still working; press Refresh later to see the result.",
    "interrupted": "The server stopped while working; nothing was stored. Press the button again.",
    "review_check_failed": "Open the Review sheet: a review check fails. Send the reconciliation back (Reject) to "
                           "have it fixed, or type in that check's comment cell why it may be approved anyway, "
                           "then press Approve again.",
    "items_without_owner": "On Unmatched, give each item the message names an owner, a due date and a status, and "
                           "in its notes the decision: a clearing entry (New Transaction with its GL account) or "
                           "the escalation's action plan; then submit again.",
    "internal": "The server failed; nothing was changed. Try again, and report it if it happens again "
                "(the server's log is server.log in the logs folder of the .tieout folder in your home folder).",
}
ADVICE.update({  # ledger against ledger (issue 16)
    "not_zero_sum": "Change the labels so that every group's lines net to zero in each currency (the Selected "
                    "totals on Ledger Rec show the difference), then press Reconcile Selected again.",
    "batch_failed": "The record is in an Error status and nothing of the batch was kept. Put right what the "
                    "message names, then press Rerun.",
})
ADVICE.update({  # Manual accounts (issue 15)
    "unexplained_difference": "On Summary, check the GL balance and the support balance under Balances; on "
                              "Reconciling Items, add or correct the items until the difference is 0.00, then "
                              "submit again.",
})
GENERIC = "Press Refresh and try again; if it happens again, report it with this message."
SERVER_DOWN = ("Tieout could not reach or start its calculation server. Close Excel, open it again and press the "
               "button again. If it happens again, Tieout may need to be installed again on this computer: ask "
               "your Tieout administrator, and send them the server's log (server.log in the logs folder of the "
               ".tieout folder in your home folder).")
FOREIGN_SERVER = ("Open the workbook only if you trust it; Tieout keeps talking to your own server and ignores "
                  "the workbook's choice.")
BAD_FILE = "Fix what the message names (file, line, field) and import again; nothing was imported."


def advice_for(code: str) -> str:
    return ADVICE.get(code, GENERIC)


# What Import Bank File asks for what a bank file does not say (server/importers/missing.py names it): the
# importers' messages are neutral, and here they become the Excel question to answer.
MISSING: dict[str, str] = {
    "currency": "Press Import Bank File again and type the account's currency (three letters, e.g. GBP) when "
                "Tieout asks for it; it is remembered for the account.",
    "date_order": "Press Import Bank File again and choose whether the bank writes the day or the month first "
                  "when Tieout asks; it is remembered for the account.",
    "profile": "Check that the file is the bank's own statement download. If it is, ask your Tieout administrator "
               "for a layout profile that reads this bank's files (the bank may have changed its export), then "
               "press Import Bank File again.",
}


def for_missing(ctx, wanted) -> str:
    """The advice for what the user can give (`wanted`: field names), in Excel's words; in batch mode with the
    command-line options too. "" when nothing is wanted."""
    from ...server.importers.missing import CLI, remedies

    said = " ".join(MISSING[w] for w in wanted if w in MISSING)
    if not said:
        return ""
    return said + ctx.batch_hint(remedies(wanted, CLI))
