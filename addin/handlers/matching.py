"""Match group: auto-match (a server job run with the Rules sheet's rules, progress on the status bar),
accepting the proposed (green) auto matches, matching and unmatching selected lines by hand.

Accepting is the preparer's review of the engine's work: the server applies an auto-match at once (its
figures count it) but keeps it *proposed* until someone accepts it; the workbook shows it green on
Unmatched until then, and on Matched after. Acceptance is the server's (who and when, in the audit trail and
the submitted hash), so another workbook or a reviewer sees the same; Submit is refused by the server while
proposed matches remain."""
from __future__ import annotations

from decimal import Decimal

from ...server.store.types import money_str
from .. import sheets
from .common import base, current_state, selected, show
from .context import MATCH_TOLERANCE, WRITE_OFF_ACCOUNT, ActionError, Context, parse_money
from .registry import handler
from .state import State

MANUAL_REASON = "matched by hand in Excel"


@handler("auto_match")
def auto_match(ctx: Context) -> None:
    """Match bank and GL lines with the rules on the Rules sheet (its table empty: the built-in library); the
    matches found are proposed (green) for review. A bad rule is refused by the server, naming its row."""
    rid = ctx.rec_id()
    rows = sheets.rule_rows(ctx.book)
    job = ctx.client.post(f"{base(rid)}/auto-match", {"rules": rows} if rows else None)
    job = ctx.client.wait_job(job, lambda pct, msg: ctx.progress(f"Auto-match: {pct}% {msg}"))
    d = job["detail"]
    rs = d.get("rule_set") or {}
    if rs.get("source") == "request":
        used = f"the Rules sheet ({rs['enabled']} of {rs['count']} rules enabled)"
    else:
        used = f"the built-in library ({rs.get('count')} rules)"
    state = show(ctx)
    ctx.say(f"Auto-match: {d['matched_groups']} matches proposed (green on Unmatched), {d['unmatched_bank']} bank "
            f"and {d['unmatched_ledger']} GL lines left open, {d['proposed_transactions']} new transactions "
            f"proposed. Unmatch any you disagree with, then press Accept Matches. "
            f"Difference now {money_str(state.figure('difference'))}. Rules used: {used}.")


@handler("accept_matches")
def accept_matches(ctx: Context) -> None:
    """Accept every proposed (green) auto-match shown: the server records who accepted them and when; they
    move to the Matched sheet. The server is asked to accept every proposed one it holds (what the sheets show
    after the inputs' sync): reading and parsing every match first only to send their keys back cost a second
    at 20,000 lines, and the server answers which ones it accepted."""
    done = ctx.client.post(f"{base(ctx.rec_id())}/matches/accept", {})
    state = show(ctx)
    if not done["accepted"]:
        ctx.say("There are no proposed matches to accept.")
        return
    accepted = set(done["accepted"])
    lines = sum(len(m.bank) + len(m.ledger) for m in state.matches if m.key in accepted)
    ctx.say(f"Accepted {len(accepted)} matches ({lines} lines): they are on the Matched sheet now."
            + (f" {len(done['already_accepted'])} were accepted already." if done["already_accepted"] else ""))


def _members(state: State, side: str, ids: list[str]) -> list:
    missing = [i for i in ids if state.line(side, i) is None]
    if missing:
        sheet = "Bank Statement" if side == "bank" else "GL Lines"
        raise ActionError(f"{sheet}: no line {', '.join(missing)} in this reconciliation.",
                          "Select rows of the table (the line_id column identifies them).")
    return [state.line(side, i) for i in ids]


@handler("match_selected", options=("bank", "gl", "tolerance", "write_off_account", "reason"))
def match_selected(ctx: Context) -> None:
    """Match the bank and GL lines you selected; they must balance, or differ by at most the tolerance (the
    difference then becomes a write-off New Transaction)."""
    bank_ids = selected(ctx, "Bank Statement", "bank")
    gl_ids = selected(ctx, "GL Lines", "gl")
    if not bank_ids and not gl_ids:
        raise ActionError("No lines are selected.", "Select the rows on Bank Statement and on GL Lines, then press "
                                                     "Match Selected" + ctx.batch_hint("--bank B1,B2 --gl G7") + ".")
    _match_lines(ctx, current_state(ctx), bank_ids, gl_ids, "selected", "Match Selected")


@handler("match_filtered", options=("tolerance", "write_off_account", "reason"))
def match_filtered(ctx: Context) -> None:
    """Match the unmatched lines a filter leaves visible on Bank Statement and GL Lines, as one group: filter
    both tables to the lines that belong together (e.g. one reference), then press it."""
    state = current_state(ctx)
    shown = {side: set(ctx.book.visible_ids(sheet)) for side, sheet in (("bank", "Bank Statement"),
                                                                          ("ledger", "GL Lines"))}
    lines = {"bank": state.bank, "ledger": state.ledger}
    if all(len(shown[side]) == len(lines[side]) for side in lines):
        raise ActionError("Neither Bank Statement nor GL Lines is filtered, so Match Filtered would match every "
                          "line. Nothing was matched.",
                          "Filter the two tables (the arrow in a heading) to the lines that belong together, "
                          "then press Match Filtered.")
    ids = {side: [ln.line_id for ln in lines[side] if ln.line_id in shown[side] and ln.match is None]
           for side in lines}
    if not ids["bank"] and not ids["ledger"]:
        raise ActionError("The filters leave no unmatched line visible. Nothing was matched.",
                          "Change the filters so that the unmatched lines to match are visible.")
    _match_lines(ctx, state, ids["bank"], ids["ledger"], "visible", "Match Filtered")


def _match_lines(ctx: Context, state: State, bank_ids: list[str], gl_ids: list[str], which: str,
                 button: str) -> None:
    """One match group of the given lines: they balance, or differ by at most the tolerance (the difference
    then becomes a write-off New Transaction to an account of the chart)."""
    bank, gl = _members(state, "bank", bank_ids), _members(state, "ledger", gl_ids)
    taken = [f"{ln.line_id} (in {ln.match})" for ln in (*bank, *gl) if ln.match]
    if taken:
        raise ActionError(f"Already matched: {', '.join(taken)}.", "Unmatch them first (Unmatch Selected), or "
                                                                  f"choose other lines for {button}.")
    diff = sum((b.amount for b in bank), Decimal(0)) - sum((g.amount for g in gl), Decimal(0))
    tolerance = parse_money(ctx.arg("tolerance") or ctx.setting(MATCH_TOLERANCE) or "0", "tolerance")
    reason = ctx.arg("reason") or MANUAL_REASON
    body = {"bank": bank_ids, "ledger": gl_ids, "reason": reason}
    if diff == 0:
        made = ctx.client.post(f"{base(state)}/matches", body)
        show(ctx)
        ctx.say(f"Matched {len(bank_ids)} bank and {len(gl_ids)} GL lines as {made['key']}: they balance.")
        return
    totals = (f"bank {money_str(sum((b.amount for b in bank), Decimal(0)))}, GL "
              f"{money_str(sum((g.amount for g in gl), Decimal(0)))}, difference {money_str(diff)}")
    if abs(diff) > tolerance:
        raise ActionError(f"{sheets.UNBALANCED_MARK}: the {which} lines do not balance: {totals}. Nothing was "
                          "matched.",
                          f"Select lines whose totals agree, or allow a difference up to a tolerance (now "
                          f"{money_str(tolerance)}: workbook setting {MATCH_TOLERANCE}"
                          f"{ctx.batch_hint('--tolerance')}) with a write-off account.")
    account = ctx.arg("write_off_account") or ctx.setting(WRITE_OFF_ACCOUNT)
    if not account:
        raise ActionError(f"The difference ({totals}) is within the tolerance, but no write-off account is set.",
                          f"Give the GL account for write-offs (workbook setting {WRITE_OFF_ACCOUNT}"
                          f"{ctx.batch_hint('--write-off-account')}).")
    chart = sheets.chart_of_accounts(ctx.book)
    if chart and account not in chart:  # checked now: posting would refuse it later, after the match was made
        raise ActionError(f"The write-off account {account!r} is not in the chart of accounts (Rules sheet). "
                          "Nothing was matched.",
                          f"Set the workbook setting {WRITE_OFF_ACCOUNT} to an account of the chart (or add the "
                          f"account to the chart on Rules), then press {button} again.")
    # Told before anything is made: the group will show as Unbalanced on Matched until the write-off is posted
    if ctx.book.ask_yes_no(f"{sheets.UNBALANCED_MARK}: the {which} lines differ ({totals}). Match them and write "
                           f"off {money_str(diff)} to {account}?", f"Tieout: {button}") is False:
        raise ActionError(f"{sheets.UNBALANCED_MARK}: the {which} lines differ ({totals}). Nothing was matched.",
                          f"Select lines whose totals agree, or press {button} again and answer Yes to write off "
                          "the difference.")
    made = ctx.client.post(f"{base(state)}/matches", {**body, "allow_difference": True,
                                                      "reason": f"{reason}; difference {money_str(diff)} "
                                                                f"written off to {account}"})
    dates = [ln.date for ln in (*bank, *gl)]
    ctx.client.post(f"{base(state)}/transactions", {
        "date": max(dates), "amount": diff, "gl_account": account, "kind": "custom",
        "description": f"Write-off of the difference in match {made['key']}",
        "bank_line_id": bank_ids[0] if bank_ids else "", "rule": "write-off"})
    show(ctx)
    ctx.say(f"Matched as {made['key']} within the tolerance ({totals}): {sheets.UNBALANCED_MARK} (dark orange on "
            f"Matched) until the write-off of {money_str(diff)} to {account}, added to New Transactions, is posted "
            "with Post New Transactions.")


@handler("unmatch_selected", options=("bank", "gl", "match", "reason"))
def unmatch_selected(ctx: Context) -> None:
    """Undo the matches of the selected lines (or selected rows of Matched); the lines become unmatched."""
    state = current_state(ctx)
    keys: list[str] = []
    for m in selected(ctx, "Matched", "match", only_active=True):
        if state.match(m) is None:
            raise ActionError(f"Matched: no match {m} in this reconciliation.", "Press Refresh and select again.")
        keys.append(m)
    for sheet, option, side in (("Bank Statement", "bank", "bank"), ("GL Lines", "gl", "ledger")):
        for ln in _members(state, side, selected(ctx, sheet, option, only_active=True)):
            if ln.match is None:
                raise ActionError(f"{sheet}: line {ln.line_id} is not matched.", "Select matched lines only.")
            keys.append(ln.match)
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise ActionError("No matched lines are selected.", "Select rows on Matched, Bank Statement or GL Lines, "
                                                            "then press Unmatch Selected"
                                                            + ctx.batch_hint("--match, --bank or --gl") + ".")
    reason = ctx.arg("reason") or "unmatched by hand in Excel"
    lines = 0
    for key in keys:
        done = ctx.client.post(f"{base(state)}/matches/{key}/undo", {"reason": reason})
        lines += done["bank_lines"] + done["ledger_lines"]
    show(ctx)
    ctx.say(f"Unmatched {', '.join(keys)}: {lines} lines are open again (on Unmatched).")
