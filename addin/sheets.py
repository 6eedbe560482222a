"""The server's state as the nine sheets accountants read (rows in the columns of SHEETS), and the user's
input read back from them: owner, due date, status and notes on Unmatched; date, amount, GL account,
description and kind on New Transactions; the rule library on Rules (what Auto-Match sends the server).

Rendering is pure (state -> rows); `render` writes them through a workbook adapter, with status colours,
drop-downs and the stage's locks. `disagreements` compares what locked sheets show with the server's data.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from ..excel_templates.reconciliation_workbook import SHEET_NAMES, SHEETS
from ..excel_templates.sheet_writer import STATUS_COLOURS, Column
from . import locking, review_sheet, summary_blocks
from .manual import layout as manual_layout
from .sheet_cells import column_letter, column_span, columns, equal_colours, headers
from .handlers.context import ActionError, parse_date, parse_money
from .handlers import shown_inputs
from .handlers.state import Line, State, Txn
from .workbook import Choice, ColourRule, WorkbookAdapter

ITEM_STATUSES = ("open", "investigating", "resolved")
TXN_KINDS = ("custom", "liability", "cash entry")
TO_POST, POSTED = "To post", "Posted"
TXNS_SHOWN = "TransactionsShown"  # workbook setting: ids of the unposted transactions New Transactions shows
CREATED_HERE = "reconciliation"  # GL Lines' created_by for lines posted from New Transactions
GREEN, AMBER, GREY, RED, YELLOW = "A9D08E", "F8CBAD", "D9D9D9", "FFC7CE", "FFF2CC"
LINE_COLOURS = {"Proposed": GREEN, "Unmatched": AMBER, "Pending": GREY}
TXN_COLOURS = {TO_POST: YELLOW, POSTED: GREEN}
CHART_NAME = "TieoutChartOfAccounts"
CHART_ROWS = 200
RULES_FIRST_ROW = 2  # the sheet row the server takes the first rule row for

# Summary: a block of labelled cells above the figures table.
SUMMARY_LABELS = ("Account", "Currency", "Period", "Status", "Lines matched", "Match rate", "Sign-offs",
                  "Submitted data hash", "Review comment", "Last comment", "Reconciliation")
SUMMARY_CELLS = {label: f"B{row}" for row, label in enumerate(SUMMARY_LABELS, start=2)}
SUMMARY_TABLE_ROW = len(SUMMARY_LABELS) + 3
SUMMARY_FIGURES = 10  # rows of the figures table; the last one is the difference
SUMMARY_BLOCKS_ROW = SUMMARY_TABLE_ROW + SUMMARY_FIGURES + 2  # statement balances and findings (summary_blocks)


# ---------------------------------------------------------------------------------------------- rows
def line_status(state: State, ln: Line) -> str:
    if ln.pending:
        return "Pending"
    if ln.match is None:
        return "Unmatched"
    return "Proposed" if ln.match in state.proposed_keys else "Matched"


def bank_rows(state: State) -> list[tuple]:
    return [(b.line_id, b.date, b.amount, b.currency, b.reference, b.description, b.kind, b.extra,
             line_status(state, b), b.match or "") for b in state.bank]


def gl_rows(state: State) -> list[tuple]:
    return [(g.line_id, g.date, g.amount, g.currency, g.reference, g.description, g.kind, g.extra,
             line_status(state, g), g.match or "", CREATED_HERE if g.posted_here else "") for g in state.ledger]


def matched_rows(state: State) -> list[tuple]:
    """Accepted and hand-made matches, one row per line, with the evidence (rule, confidence, reason)."""
    rows = []
    for m in state.matches:
        if state.proposed(m):
            continue
        members = [state.line("bank", i) for i in m.bank] + [state.line("ledger", i) for i in m.ledger]
        members = [ln for ln in members if ln is not None]
        diff = (sum((ln.amount for ln in members if ln.side == "bank"), Decimal(0))
                - sum((ln.amount for ln in members if ln.side == "ledger"), Decimal(0)))
        dates = [ln.date for ln in members]
        days = (max(dates) - min(dates)).days if dates else 0
        for ln in members:
            rows.append((m.key, ln.side, ln.line_id, ln.date, ln.amount, ln.description, m.rule, m.confidence,
                         diff, days, None, m.reason))
    return rows


def unmatched_rows(state: State) -> list[tuple]:
    """Lines outside accepted matches: open items with their age and the preparer's notes; lines of a
    proposed auto-match name it in `candidates` (and are coloured green); a line the auto-match held for
    review lists its suggested candidates there with their reason (not green: never accepted). A Manual
    account's open items are its reconciling items."""
    if manual_layout.is_manual(state):
        from .manual import render as manual

        return manual.open_item_rows(state)
    end = state.period_end
    rows = []
    for ln in (*state.bank, *state.ledger):
        if ln.pending or (ln.match is not None and ln.match not in state.proposed_keys):
            continue
        cand = ""
        if ln.match is not None:
            m = state.match(ln.match)
            others = m.ledger if ln.side == "bank" else m.bank
            cand = f"proposed {m.key}: {', '.join(others)}" + unbalanced_note(state, m.bank, m.ledger)
        else:
            cand = "; ".join(f"suggested {x['key']}: {', '.join(x['ledger'] if ln.side == 'bank' else x['bank'])}"
                             f" ({x['reason']})" + unbalanced_note(state, x["bank"], x["ledger"])
                             for x in state.suggested_for(ln.side, ln.line_id)[:3])[:1000]
        rows.append((ln.side, ln.line_id, ln.date, ln.amount, ln.description, (end - ln.date).days,
                     ln.item_status, cand, ln.owner, ln.due_date, ln.notes))
    return rows


UNBALANCED_MARK = "Unbalanced"


def group_difference(state: State, bank_ids, ledger_ids) -> Decimal:
    """Bank total - GL total of a group of lines (0: the group balances)."""
    def total(side: str, ids) -> Decimal:
        return sum((ln.amount for ln in (state.line(side, i) for i in ids) if ln is not None), Decimal(0))

    return total("bank", bank_ids) - total("ledger", ledger_ids)


def unbalanced_note(state: State, bank_ids, ledger_ids) -> str:
    """" [Unbalanced: bank - GL = X]" for a group whose sides differ (a proposal or suggestion that would leave a
    difference to write off), else nothing."""
    diff = group_difference(state, bank_ids, ledger_ids)
    return f" [{UNBALANCED_MARK}: bank - GL = {diff:.2f}]" if diff else ""


def txn_rows(state: State) -> list[tuple]:
    return [(t.date, t.amount, t.currency, t.gl_account, t.description, t.kind, t.bank_line_id, t.rule,
             POSTED if state.posted(t) else TO_POST, t.id) for t in state.txns]


AUDIT_DETAIL_CHARS = 400


def readable(value, limit: int | None = None) -> str:
    """An audit row's JSON as a reviewer reads it: "status: In Review; comment: ok; lines: B1, B2"
    (nested objects as "carried_forward: bank_lines 3, gl_lines 0"; empty values left out).

    `limit`: the text is cut anyway past that many characters, so it stops once longer: the result is then a prefix
    of the whole text, longer than `limit` (an Accept's row lists 20,000 line ids; formatting them all cost more
    than the rest of the Audit sheet)."""
    if isinstance(value, dict):
        return _joined("; ", (_entry(k, v, limit) for k, v in value.items() if v not in _EMPTY), limit)
    if isinstance(value, list):
        return _joined(", ", (readable(v, limit) for v in value), limit)
    return json.dumps(value, default=str) if isinstance(value, bool) else str(value)


_EMPTY = (None, "", [], {})


def _entry(key, value, limit: int | None) -> str:
    if not isinstance(value, dict):
        return f"{key}: {readable(value, limit)}"
    return f"{key}: " + _joined(", ", (f"{k} {readable(v, limit)}" for k, v in value.items() if v not in _EMPTY),
                                limit)


def _joined(sep: str, pieces, limit: int | None) -> str:
    """sep.join(pieces), stopping after the piece that makes it longer than `limit` (None: no limit)."""
    out: list[str] = []
    size = -len(sep)
    for piece in pieces:
        out.append(piece)
        size += len(sep) + len(piece)
        if limit is not None and size > limit:
            break
    return sep.join(out)


def audit_rows(state: State) -> list[tuple]:
    out = []
    for a in state.audit:
        after = a.get("after")
        detail = f"{a['entity']} {a['entity_id']}"
        if after:
            detail += ": " + readable(after, AUDIT_DETAIL_CHARS)
        if len(detail) > AUDIT_DETAIL_CHARS:
            detail = detail[:AUDIT_DETAIL_CHARS - 4] + " ..."
        out.append((a["at"], a["actor"], a["action"], detail))
    return out


def _signed(lines: Sequence[Line]) -> tuple[Decimal, Decimal]:
    """(sum of the positive, sum of the negative) amounts of unmatched, booked lines."""
    amounts = [ln.amount for ln in lines if ln.match is None and not ln.pending]
    return (sum((a for a in amounts if a > 0), Decimal(0)), sum((a for a in amounts if a < 0), Decimal(0)))


SUMS = ("deposits_in_transit", "outstanding_payments", "bank_credits_not_in_gl", "bank_debits_not_in_gl")


def summary_sums(state: State) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Deposits in transit, outstanding payments, bank credits and debits not in the GL: added up here when
    the state holds the lines, else the server's sums of the same lines (a Refresh that redraws only the
    Summary then reads no line)."""
    if (state.holds(state.bank) and state.holds(state.ledger)) or state.sums is None:
        return (*_signed(state.ledger), *_signed(state.bank))
    return tuple(Decimal(state.sums[k]) for k in SUMS)


def proposed_count(state: State) -> int:
    """Auto-matches waiting to be accepted: counted here when the state holds the matches, else the server's."""
    if state.holds(state.matches) or state.sums is None:
        return len(state.proposed_keys)
    return state.sums["proposed_matches"]


def summary_rows(state: State) -> list[tuple]:
    if manual_layout.is_manual(state):
        from .manual import render as manual

        return manual.summary_rows(state)
    f = state.figure
    dit, outstanding, credits, debits = summary_sums(state)
    stmt, gl = f("statement_balance"), state.gl_balance
    return [
        ("Statement closing balance", stmt, statement_balance_note(state) if stmt is not None else "import a bank file"),
        ("Add: deposits in transit", dit, "GL receipts not yet on the statement"),
        ("Less: outstanding payments", outstanding, "GL payments not yet presented"),
        ("Adjusted bank balance", f("adjusted_bank"), ""),
        ("GL balance", gl, f"GL account {state.cash_account or '(not set)'} at {state.period_end}"
         if gl is not None else "import the GL template"),
        ("Add: bank credits not in GL", credits, "interest, unrecorded receipts"),
        ("Less: bank debits not in GL", debits, "fees, returned items, unrecorded payments"),
        ("Differences inside matches", f("match_differences"), "e.g. fees deducted from wires"),
        ("Adjusted GL balance", f("adjusted_gl"), ""),
        ("Difference", f("difference") if f("difference") is not None else "n/a", difference_note(state)),
    ]


def difference_note(state: State) -> str:
    """A zero difference alone is not "reconciled": the note says when review checks fail."""
    failing = [c["title"] for c in (state.review or {}).get("checks", []) if c["status"] == "fail"]
    if not failing:
        return "0.00 when reconciled"
    return f"0.00 when reconciled; {len(failing)} review check(s) fail (sheet Review): " + "; ".join(failing)


def statement_balance_note(state: State) -> str:
    """Where the statement balance comes from: only a balance the bank's file states is called the bank's."""
    origin = state.rec["figures"].get("statement_balance_origin") or {}
    source = origin.get("source")
    if source == "file":
        return f"closing balance stated in the bank's file (statement #{origin.get('statement')})"
    if source == "entered":
        at = (origin.get("entered_at") or "")[:19].replace("T", " ")
        return (f"closing balance entered by {origin.get('entered_by') or 'a user'} at {at} UTC "
                f"(statement #{origin.get('statement')}; the file states none)")
    if source == "lines":
        return ("no closing balance stated: opening balance + booked lines (a sum, not the bank's figure); "
                "enter the printed balance under Statement balances")
    return "closing balance of the last statement"


def match_rate(state: State) -> Decimal:
    figs = state.rec["figures"]
    total = figs["bank_lines"] + figs["gl_lines"]
    done = figs["matched_bank_lines"] + figs["matched_gl_lines"]
    return (Decimal(done) / total).quantize(Decimal("0.0001")) if total else Decimal(0)


def summary_cells(state: State) -> dict[str, object]:
    rec, figs = state.rec, state.rec["figures"]
    period = rec["period"]
    signoffs = "; ".join(f"{what} by {who}" for what, who in (("prepared", rec.get("prepared_by")),
                                                                ("reviewed", rec.get("reviewed_by")),
                                                                ("approved", rec.get("approved_by"))) if who)
    if rec.get("approved_at"):
        signoffs += f" at {rec['approved_at']}"
    proposed = proposed_count(state)
    values = {
        "Account": f"{state.account['name']} (bank account {state.account.get('bank_account') or 'not set'}, "
                   f"GL account {state.cash_account or 'not set'})",
        "Currency": state.account["currency"],
        "Period": f"{period['name']} ({period['start']} to {period['end']})",
        "Status": state.status,
        "Lines matched": f"bank {figs['matched_bank_lines']}/{figs['bank_lines']}, GL {figs['matched_gl_lines']}/"
                         f"{figs['gl_lines']}" + (f"; {proposed} proposed matches to accept" if proposed else ""),
        "Match rate": f"{match_rate(state) * 100:.1f}%",
        "Sign-offs": signoffs or "none yet",
        "Submitted data hash": rec.get("submitted_hash") or "",
        "Review comment": None,
        "Last comment": rec.get("comment") or "",
        "Reconciliation": f"#{state.id} on the Tieout server, last changed {rec.get('last_updated_at') or '-'}",
    }
    if manual_layout.is_manual(state):
        from .manual import render as manual

        values.update(manual.summary_values(state))
    cells: dict[str, object] = {"A1": "Manual reconciliation" if manual_layout.is_manual(state)
                                else "Bank reconciliation"}
    for label, ref in SUMMARY_CELLS.items():
        cells["A" + ref[1:]] = label
        cells[ref] = values[label]
    return cells


def sheet_rows(state: State, only: Sequence[str] | None = None) -> dict[str, list[tuple]]:
    """Each sheet's rows (`only` those sheets: the others cost as much to build, the review's a server call)."""
    if manual_layout.is_manual(state):
        from .manual import render as manual

        return manual.sheet_rows(state)
    built = state.__dict__.setdefault("_sheet_rows", {})  # once per state: Refresh compares them, then writes them
    return {sheet: built[sheet] if sheet in built else built.setdefault(sheet, rows(state))
            for sheet, rows in ROWS.items() if only is None or sheet in only}


ROWS = {"Summary": summary_rows, "Bank Statement": bank_rows, "GL Lines": gl_rows, "Matched": matched_rows,
        "Unmatched": unmatched_rows, "New Transactions": txn_rows, "Audit": audit_rows,
        "Review": review_sheet.check_rows}


# ---------------------------------------------------------------------------------------------- writing
def render(book: WorkbookAdapter, state: State, only: Collection[str] | None = None,
           untouched: Collection[str] = ()) -> dict[str, locking.TableLayout]:
    """Writes the sheets from the server's state, then applies the stage's locks to every sheet; returns the
    layouts of the sheets written.

    `only`: the sheets whose content may have changed (None: all). The others are left as they are, but their
    locks (a press that changes the stage locks every sheet); Summary, a missing sheet and a sheet the stage
    leaves input cells open on are always written (their open cells follow from their rows). `untouched`: sheets
    known to show this state with this stage's lock already (handlers/shown_sheets.py): neither written nor
    locked again, open cells or not. A Manual account's workbook is written whole."""
    if manual_layout.is_manual(state):
        from .manual import render as manual

        return manual.render(book, state)
    untouched = frozenset(untouched) - {"Summary", "Rules"}
    chosen = rendered_sheets(book, state, only) - untouched
    locking.release(book, [s for s in SHEET_NAMES if s not in untouched])
    rows = sheet_rows(state, chosen)
    shown_inputs.record(book, rows)  # the next press's inputs sync compares with it (handlers/shown_inputs.py)
    layouts: dict[str, locking.TableLayout] = {}
    summary_inputs: tuple[str, ...] = ()
    review_lines: list[str] = []
    for sheet in SHEET_NAMES:
        if sheet not in chosen and sheet != "Rules":  # Rules: written only when missing, whatever changed
            continue
        if sheet == "Rules":
            if "Rules" not in book.sheet_names():
                write_rules(book, state)
            elif not book.get_setting("ChartOfAccounts"):  # e.g. the demo workbook: rules, no chart yet
                header = book.read_range("Rules", "A1:CZ1")[0]
                used = max((i for i, v in enumerate(header, start=1) if v not in (None, "")), default=0)
                write_chart(book, state, used + 2)
            continue
        table, cols = SHEETS[sheet]
        if sheet == review_sheet.SHEET:
            checks = review_sheet.check_rows(state)
            book.write_table(sheet, table, cols, checks)
            review_sheet.write_blocks(book, state, review_sheet.blocks_row(state))
            review_lines = review_sheet.line_inputs(state, review_sheet.blocks_row(state))
            layouts[sheet] = locking.TableLayout(1, headers(sheet), len(checks))
            continue
        first = SUMMARY_TABLE_ROW if sheet == "Summary" else 1
        if sheet == "Summary":
            book.write_table(sheet, table, cols, rows[sheet], first_row=first)
            book.set_cells(sheet, summary_cells(state))
            summary_inputs = summary_blocks.write(book, state, SUMMARY_BLOCKS_ROW).inputs
        else:
            book.write_table(sheet, table, cols, rows[sheet])
        editable = None
        if sheet == "New Transactions":
            at = headers(sheet).index("status")
            editable = tuple(i for i, r in enumerate(rows[sheet]) if r[at] == TO_POST)
            # which unposted transactions the sheet shows: a row the user deletes is then deleted on the server
            book.set_setting(TXNS_SHOWN, ",".join(str(t.id) for t in state.txns if not state.posted(t)))
        layouts[sheet] = locking.TableLayout(first, headers(sheet), len(rows[sheet]), editable)
    _decorate(book, state, {s: len(r) for s, r in rows.items() if s in chosen})
    locking.apply(book, state.status, layouts, {"Summary": {locking.COMMENT_CELL: SUMMARY_CELLS["Review comment"],
                                                            locking.SUMMARY_INPUTS: summary_inputs},
                                                "Review": {locking.REVIEW_LINE_INPUTS: review_lines}},
                  leave=untouched)
    return layouts


def rendered_sheets(book: WorkbookAdapter, state: State, only: Collection[str] | None) -> frozenset[str]:
    """The sheets `render` writes: `only` (None: all), Summary (its figures follow every change), the sheets the
    workbook lacks and those whose lock at this stage leaves input cells open (the open cells follow the rows)."""
    if only is None:
        return frozenset(SHEET_NAMES)
    present = set(book.sheet_names())
    open_cells = {s for s, lock in locking.policy(state.status).items() if lock.inputs or lock.cells}
    return frozenset(s for s in SHEET_NAMES if s in only or s == "Summary" or s not in present or s in open_cells)


UNBALANCED = "F4B084"  # dark orange: a match group whose sides differ (Unbalanced)


def _decorate(book: WorkbookAdapter, state: State, n: dict[str, int]) -> None:
    """Status colours (conditional, so they follow the values) and drop-downs of the sheets written (`n`: their
    rows)."""
    decorate_summary(book, state, f"B{SUMMARY_TABLE_ROW + SUMMARY_FIGURES}")
    for sheet in ("Bank Statement", "GL Lines"):
        if sheet in n:
            book.colour_rules(sheet, equal_colours(column_span(sheet, "status", 1, n[sheet]), LINE_COLOURS))
    if "Unmatched" in n:
        last = get_column_letter(len(headers("Unmatched")))
        cand = column_letter("Unmatched", "candidates")
        rows = f"A2:{last}{1 + max(n['Unmatched'], 1)}"
        # a proposal or suggestion whose sides differ: dark orange (Unbalanced) before the green of proposals
        book.colour_rules("Unmatched", [
            ColourRule(rows, "formula", f'ISNUMBER(SEARCH("[{UNBALANCED_MARK}:",${cand}2))', UNBALANCED),
            ColourRule(rows, "formula", f'LEFT(${cand}2,8)="proposed"', GREEN)])
    if "New Transactions" in n:
        txn_status = column_span("New Transactions", "status", 1, n["New Transactions"])
        book.colour_rules("New Transactions", equal_colours(txn_status, TXN_COLOURS))
    if "Review" in n:
        decorate_review(book, n["Review"])
    if "Matched" in n:
        # Unbalanced: every row of a match group whose bank and GL sides differ (a write-off or fee not posted yet)
        last, gap = get_column_letter(len(headers("Matched"))), column_letter("Matched", "amount_difference")
        book.colour_rules("Matched", [ColourRule(f"A2:{last}{1 + max(n['Matched'], 1)}", "formula",
                                                 f'AND(${gap}2<>"",${gap}2<>0)', UNBALANCED)])
    if "Unmatched" in n:
        book.set_choices("Unmatched", [Choice(column_span("Unmatched", "status", 1, n["Unmatched"]),
                                              ITEM_STATUSES, prompt="open, investigating or resolved")])
    if "New Transactions" in n:
        k = n["New Transactions"]
        book.set_choices("New Transactions", [
            Choice(column_span("New Transactions", "gl_account", 1, k), named=CHART_NAME,
                   prompt="An account from the chart of accounts on the Rules sheet (you can add to it there)."),
            Choice(column_span("New Transactions", "kind", 1, k), TXN_KINDS,
                   prompt="custom, liability or cash entry")])


def decorate_summary(book: WorkbookAdapter, state: State, diff: str) -> None:
    """The status in its colour; the difference cell (`diff`) green at zero, red otherwise."""
    # A zero difference is green only when no review check fails: a balanced reconciliation can still be wrong.
    failing = any(c["status"] == "fail" for c in (state.review or {}).get("checks", []))
    book.colour_rules("Summary", equal_colours(SUMMARY_CELLS["Status"], STATUS_COLOURS) + [
        ColourRule(diff, "equal", "0", YELLOW if failing else "C6EFCE"), ColourRule(diff, "notEqual", "0", RED)])


def decorate_review(book: WorkbookAdapter, n: int) -> None:
    """The Review sheet's check statuses in colour and its tick drop-down (`n` checks)."""
    review_status = column_span("Review", "status", 1, n)
    book.colour_rules("Review", [ColourRule(review_status, "equal", '"fail"', RED),
                                 ColourRule(review_status, "equal", '"attention"', YELLOW),
                                 ColourRule(review_status, "equal", '"pass"', "C6EFCE")])
    book.set_choices("Review", [Choice(column_span("Review", "tick", 1, n), review_sheet.TICKS,
                                       prompt="yes when you have reviewed this check")])


def write_rules(book: WorkbookAdapter, state: State | None = None) -> str:
    """The Rules sheet: the rule library, started as the account's default (Save Rules as Default), else the
    built-in one (Auto-Match sends the table's rows, so
    edits here change what the server matches; an emptied table means the built-in library), and the chart
    of accounts the GL account drop-down lists (a plain column the user extends; a workbook name points at
    it). Returns the chart's range."""
    from ..server.matching import RULE_COLUMNS, default_rule_rows

    rules = list(state.default_rules) if state and state.default_rules else default_rule_rows()
    cols = tuple(Column(k, width=max(12, min(40, len(k) + 4))) for k in RULE_COLUMNS)
    book.write_table("Rules", SHEETS["Rules"][0], cols,
                     [tuple(_rule_cell(r.get(k, "")) for k in RULE_COLUMNS) for r in rules])
    return write_chart(book, state, len(cols) + 2)


def write_chart(book: WorkbookAdapter, state: State | None, column: int) -> str:
    """The chart of accounts list in `column` of the Rules sheet, started with the accounts the rule library
    proposes and the cash account; the user adds the rest."""
    from ..server.matching import default_rule_rows

    letter = get_column_letter(column)
    accounts = sorted({str(r.get(k)) for r in default_rule_rows() for k in ("gl_account", "fee_gl_account")
                       if r.get(k)})
    cash = state.cash_account if state else ""
    if cash and cash not in accounts:
        accounts.insert(0, cash)
    cells: dict[str, object] = {f"{letter}1": "chart_of_accounts"}
    cells.update({f"{letter}{i}": acc for i, acc in enumerate(accounts, start=2)})
    book.set_cells("Rules", cells)
    ref = f"{letter}2:{letter}{CHART_ROWS + 1}"
    book.define_range(CHART_NAME, "Rules", ref)
    book.set_setting("ChartOfAccounts", f"Rules!{ref}")
    return ref


def _rule_cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def rule_rows(book: WorkbookAdapter) -> list[dict]:
    """The Rules table's rows as the server takes them (one dict per rule keyed by column; numbers Excel
    holds as floats sent as exact text, dates as ISO); [] when there is no Rules sheet or its table is empty.
    The server numbers the rows it gets from sheet row 2 and skips blank ones, so each blank row of the
    sheet (left out by the adapters) is sent as a blank row: its messages then name the row the user sees."""
    if "Rules" not in book.sheet_names():
        return []
    out: list[dict] = []
    for sheet_row, row in book.read_table_rows("Rules"):
        rule = {str(k): _rule_value(v) for k, v in row.items() if k not in (None, "", "None")}
        out += [dict.fromkeys(rule) for _ in range(sheet_row - RULES_FIRST_ROW - len(out))]
        out.append(rule)
    return out


def _rule_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)  # the shortest decimal that round-trips
    if isinstance(v, Decimal):
        return format(v, "f")
    return text(v)


def chart_of_accounts(book: WorkbookAdapter) -> list[str]:
    """The accounts on the Rules sheet's list ([] when the workbook has none)."""
    where = book.get_setting("ChartOfAccounts")
    if not where or "!" not in where:
        return []
    sheet, ref = where.split("!", 1)
    if sheet not in book.sheet_names():
        return []
    return [text(v) for row in book.read_range(sheet, ref) for v in row if text(v)]


# ---------------------------------------------------------------------------------------------- reading back
def text(v) -> str:
    """A cell as text: Excel hands numbers over as floats (a GL account 6100 arrives as 6100.0)."""
    if type(v) is str:  # most cells: decided first (a submitted workbook's Refresh reads every key of four tables)
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10]
    return str(v).strip()


@dataclass(frozen=True)
class UnmatchedInput:
    row: int  # the sheet row, for messages
    side: str
    line_id: str
    owner: str
    due_date: dt.date | None
    status: str
    notes: str


@dataclass(frozen=True)
class TxnInput:
    row: int
    txn_id: int | None
    date: dt.date
    amount: Decimal
    gl_account: str
    description: str
    kind: str
    bank_line_id: str


def _table(book: WorkbookAdapter, sheet: str) -> list[dict] | None:
    return book.read_table(sheet) if sheet in book.sheet_names() else None


def read_unmatched_inputs(book: WorkbookAdapter) -> list[UnmatchedInput]:
    rows = _table(book, "Unmatched")
    out, problems = [], []
    for n, r in enumerate(rows or [], start=2):
        if not text(r.get("line_id")):
            continue
        where = f"Unmatched row {n}"
        status = text(r.get("status")).lower() or "open"
        if status not in ITEM_STATUSES:
            problems.append(f"{where}, field 'status': {status!r} is not one of {', '.join(ITEM_STATUSES)}")
        due = None
        if text(r.get("due_date")):
            try:
                due = parse_date(r.get("due_date"), f"{where}, field 'due_date'")
            except ActionError as exc:
                problems.append(exc.message)
        out.append(UnmatchedInput(n, text(r.get("side")), text(r.get("line_id")), text(r.get("owner")), due,
                                  status, text(r.get("notes"))))
    if problems:
        raise ActionError("; ".join(problems), "Correct those cells and press the button again.")
    return out


def read_txn_inputs(book: WorkbookAdapter) -> list[TxnInput]:
    rows = _table(book, "New Transactions")
    out, problems = [], []
    for n, r in enumerate(rows or [], start=2):
        if not any(text(r.get(k)) for k in ("date", "amount", "gl_account", "description", "txn_id")):
            continue
        where = f"New Transactions row {n}"
        try:
            txn_id = int(float(r["txn_id"])) if text(r.get("txn_id")) else None
            date = parse_date(r.get("date"), f"{where}, field 'date'")
            amount = parse_money(r.get("amount"), f"{where}, field 'amount'")
        except (ActionError, ValueError) as exc:
            problems.append(getattr(exc, "message", f"{where}, field 'txn_id': not a number"))
            continue
        kind = text(r.get("kind")).lower() or "custom"
        if kind not in TXN_KINDS:
            problems.append(f"{where}, field 'kind': {kind!r} is not one of {', '.join(TXN_KINDS)}")
            continue
        out.append(TxnInput(n, txn_id, date, amount, text(r.get("gl_account")), text(r.get("description")), kind,
                            text(r.get("bank_line_id"))))
    if problems:
        raise ActionError("; ".join(problems), "Correct those cells and press the button again.")
    return out


def txn_changes(t: Txn, row: TxnInput) -> dict:
    """What the user changed on a transaction's row (only the fields that differ)."""
    out = {}
    for name, old, new in (("date", t.date, row.date), ("amount", t.amount, row.amount),
                           ("gl_account", t.gl_account, row.gl_account), ("description", t.description,
                                                                          row.description),
                           ("kind", t.kind, row.kind)):
        if old != new:
            out[name] = new
    return out


def annotation_changes(ln: Line, row: UnmatchedInput) -> dict:
    out = {}
    for name, old, new in (("owner", ln.owner, row.owner), ("due_date", ln.due_date, row.due_date),
                           ("status", ln.item_status, row.status), ("notes", ln.notes, row.notes)):
        if old != new:
            out[name] = new
    return out


# ---------------------------------------------------------------------------------------------- agreement
CHECKED_FIELDS = {
    "Bank Statement": ("line_id", ("date", "amount", "currency", "reference", "description", "match_id")),
    "GL Lines": ("line_id", ("date", "amount", "currency", "reference", "description", "match_id")),
    "Matched": (("match_id", "side", "line_id"), ("date", "amount", "rule")),
    "New Transactions": ("txn_id", ("date", "amount", "gl_account", "description", "kind", "bank_line_id")),
    manual_layout.ITEMS_SHEET: ("item_id", ("date", "amount", "description", "owner", "due_date", "status")),
}


def _norm(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return Decimal(repr(v) if isinstance(v, float) else v).quantize(Decimal("0.0001"))
    if isinstance(v, str) and v.strip() == "":
        return None
    return v.strip() if isinstance(v, str) else v


def _same(shown, held) -> bool:
    """A sheet's value (as read back) shows the server's: _norm of both agree. The usual cases are decided
    first without it (an amount read back as the float of the server's Decimal, a date as a datetime at
    midnight): a submitted workbook's Refresh compares every cell of four tables."""
    if shown == held:
        return True
    if type(held) is Decimal and type(shown) is float and float(held) == shown:
        return True
    if type(held) is dt.date and type(shown) is dt.datetime:
        return shown.date() == held
    return _norm(shown) == _norm(held)


def _key(row: dict, key) -> tuple:
    if not isinstance(key, tuple):
        return (text(row.get(key)),)
    return tuple([text(row.get(k)) for k in key])


def disagreements(book: WorkbookAdapter, state: State, sheets: Sequence[str] | None = None,
                  limit: int = 12) -> list[str]:
    """Where the workbook's sheets differ from the server's data (missing, extra or changed rows), naming the
    cell of each changed value (by default on the sheets the submitted hash covers)."""
    if sheets is None:
        sheets = (manual_layout.ITEMS_SHEET,) if manual_layout.is_manual(state) else locking.HASHED_SHEETS
    rows = sheet_rows(state, sheets)
    out: list[str] = []
    for sheet in sheets:
        key, fields = CHECKED_FIELDS[sheet]
        if sheet not in book.sheet_names():
            out.append(f"sheet {sheet!r} is missing")
            continue
        names = headers(sheet)
        expected = {_key(d, key): d for d in (dict(zip(names, r)) for r in rows[sheet])}
        actual, where = {}, {}
        try:
            table = book.read_table_rows(sheet)
        except Exception as exc:  # noqa: BLE001 - a table deleted or broken by hand is itself a disagreement
            out.append(f"sheet {sheet!r}: its table cannot be read ({exc})")
            continue
        for row_number, d in table:
            k = _key(d, key)
            actual[k], where[k] = d, row_number
        for k in expected.keys() - actual.keys():
            out.append(f"{sheet}: {'/'.join(k)} is on the server but not on the sheet")
        for k in actual.keys() - expected.keys():
            out.append(f"{sheet}: {'/'.join(k)} is on the sheet but not on the server")
        for k in sorted(expected.keys() & actual.keys()):
            changed = [f"{f} {text(actual[k].get(f)) or '(blank)'} on the sheet (cell {column_letter(sheet, f)}{where[k]}), "
                       f"{text(expected[k].get(f)) or '(blank)'} on the server"
                       for f in fields if not _same(actual[k].get(f), expected[k].get(f))]
            if changed:
                out.append(f"{sheet}: {'/'.join(k)}: " + "; ".join(changed))
        if len(out) >= limit:
            return out[:limit] + ["..."]
    return out
