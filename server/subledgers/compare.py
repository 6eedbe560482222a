"""GL against subledger: the GL account's lines and the subledger's open items compared document by document,
and the balances compared; every disagreement becomes an exception with the action to take.

Per document (compared as a number: items.document_key) the GL lines' net (an invoice and its part payments
net out) is held against the subledger's open amount:
- equal, same month: agreed; equal but booked in different months: `timing` (a cut-off to check);
- different: `amount_difference`;
- only in the GL (net not zero): `in_gl_not_subledger`; only in the subledger: `in_subledger_not_gl`; an item
  dated after the period end on one side only is `timing` (the other side books it next period).
What the exceptions do not explain of the balance difference is one `balance_difference` exception.
Exact Decimal sums throughout."""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from ..records import LedgerLine
from ..store.types import money_str
from .items import Comparison, SubledgerException, SubledgerItem, document_key

ACTIONS = {
    "in_gl_not_subledger": "Find why the subledger does not hold it: post the document in the {kind} subledger, "
                           "or reverse the manual GL entry and post it through the subledger.",
    "in_subledger_not_gl": "Post the {kind} document to the GL (its interface posting is missing), or close the "
                           "item in the subledger if it was settled.",
    "amount_difference": "Correct the amount on the side that is wrong (difference {difference}); check part "
                         "payments and credit notes posted to one side only.",
    "timing": "Cut-off: {detail}. No entry if it books in the next period on the other side; otherwise accrue it.",
    "balance_difference": "Unexplained by the items: check GL lines without a document number, the opening "
                          "balances and entries posted to the account directly.",
}


def period_end(period: str) -> dt.date:
    year, month = map(int, period.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def gl_document(line: LedgerLine) -> str:
    """The GL line's document number: its reference, else a number in its description ('AR invoice 1003')."""
    if line.reference.strip():
        return line.reference.strip()
    return line.description.strip() if any(ch.isdigit() for ch in line.description) else ""


def compare(items: Sequence[SubledgerItem], gl: Sequence[LedgerLine], *, account: str, legal_entity: str,
            period: str, currency: str, kind: str = "AR", gl_balance: Decimal | None = None,
            subledger_balance: Decimal | None = None) -> Comparison:
    end = period_end(period)
    subs: dict[str, list[SubledgerItem]] = defaultdict(list)
    gls: dict[str, list[LedgerLine]] = defaultdict(list)
    for it in items:
        subs[document_key(it.document)].append(it)
    no_document = []
    for ln in gl:
        key = document_key(gl_document(ln))
        (gls[key] if key else no_document).append(ln)

    out: list[SubledgerException] = []

    def add(what: str, document: str, gl_amount, sub_amount, gl_date, sub_date, party: str, detail: str = ""):
        difference = (gl_amount or Decimal(0)) - (sub_amount or Decimal(0))
        out.append(SubledgerException(
            what, account, legal_entity, period, document, currency, gl_amount, sub_amount, difference, gl_date,
            sub_date, party, ACTIONS[what].format(kind=kind, difference=money_str(difference), detail=detail)))

    matched = 0
    for key in sorted(set(subs) | set(gls)):
        s, g = subs.get(key, []), gls.get(key, [])
        s_total, g_total = sum((i.amount for i in s), Decimal(0)), sum((ln.amount for ln in g), Decimal(0))
        s_date, g_date = (min(i.date for i in s) if s else None), (min(ln.date for ln in g) if g else None)
        document = s[0].document if s else gl_document(g[0])
        party = s[0].party if s else (g[0].counterparty if g else "")
        if s and g:
            if s_total != g_total:
                add("amount_difference", document, g_total, s_total, g_date, s_date, party)
            elif (s_date.year, s_date.month) != (g_date.year, g_date.month):
                add("timing", document, g_total, s_total, g_date, s_date, party,
                    f"dated {s_date} in the subledger and {g_date} in the GL")
            else:
                matched += 1
        elif g and g_total != 0:
            if g_date > end:
                add("timing", document, g_total, None, g_date, None, party,
                    f"dated {g_date} in the GL, after the period end {end}")
            else:
                add("in_gl_not_subledger", document, g_total, None, g_date, None, party)
        elif s:
            if s_date > end:
                add("timing", document, None, s_total, None, s_date, party,
                    f"dated {s_date} in the subledger, after the period end {end}")
            else:
                add("in_subledger_not_gl", document, None, s_total, None, s_date, party)
    for ln in no_document:
        add("in_gl_not_subledger", "", ln.amount, None, ln.date, None, ln.counterparty)
    gl_bal = gl_balance if gl_balance is not None else sum((ln.amount for ln in gl), Decimal(0))
    sub_bal = subledger_balance if subledger_balance is not None else sum((i.amount for i in items), Decimal(0))
    result = Comparison(account, legal_entity, period, currency, gl_bal, sub_bal, matched, tuple(out))
    unexplained = result.difference - result.explained
    if unexplained:
        add("balance_difference", "", gl_bal, sub_bal, None, None, "")
        out[-1] = _with_difference(out[-1], unexplained)
        result = Comparison(account, legal_entity, period, currency, gl_bal, sub_bal, matched, tuple(out))
    return result


def _with_difference(e: SubledgerException, difference: Decimal) -> SubledgerException:
    return replace(e, difference=difference)
