"""Patterns for what a statement of unknown layout prints outside its table: its balances by their usual labels
("Previous balance", "Closing balance"), its printed totals, its period (two dates joined by "to" or a dash), its
account number and currency. Each is kept only where it matches a line, written as the pattern a user would.
"""
from __future__ import annotations

import re
from collections import Counter

from .infer_scan import money_cells
from .layout import MONEY as _MONEY

OPENING = ("opening balance", "beginning balance", "previous balance", "balance brought forward", "starting balance",
           "start balance", "balance forward", "previous statement balance")
CLOSING = ("closing balance", "ending balance", "new balance", "balance carried forward", "end balance",
           "statement balance", "current balance")
CREDIT_TOTALS = ("total credits", "total deposits", "deposits and other credits", "deposits and credits",
                 "total paid in", "payments in", "total money in", "money in")
DEBIT_TOTALS = ("total debits", "total withdrawals", "withdrawals and other debits", "withdrawals and debits",
                "total paid out", "payments out", "total money out", "money out")
CARD_DEBIT_TOTALS = ("purchases and adjustments", "total purchases", "purchases")
PERIOD_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d",
                  "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%y", "%d/%m/%y", "%d %B", "%d %b", "%B %d", "%b %d")
_DATE = (r"(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9}\.?(?: \d{4})?"
         r"|[A-Za-z]{3,9}\.? \d{1,2}(?:, ?\d{4})?)")
PERIOD = re.compile(rf"(?P<start>{_DATE})\s*(?:-|–|to|through|thru|until)\s*(?P<end>{_DATE})", re.IGNORECASE)


def _found(body: str, pattern: str) -> bool:
    """Whether the pattern matches a line of the text outside the table (one search over all its lines)."""
    return re.search(pattern.replace("{money}", _MONEY), body, re.IGNORECASE | re.MULTILINE) is not None


def _label_pattern(body: str, labels: tuple[str, ...], count: bool = False) -> str | None:
    """A pattern for the first of the labels printed with a figure after it."""
    for label in labels:
        words = r"[ \t]+".join(re.escape(w) for w in label.split())
        counted = r"(?:\s*\((?P<count>\d+)\))?" if count else ""
        pattern = rf"\b{words}\b{counted}[^\d$£€()+\n-]{{0,40}}?(?P<value>{{money}})"
        if _found(body, pattern):
            return pattern
    return None


def statement_fields(pages, skip: set[int], card: bool) -> tuple[dict, str]:
    """The [statement] table: patterns for what the statement prints outside its table, and its currency."""
    st: dict = {}
    text = "\n".join(line.text for lines in pages for line in lines)
    m = re.search(r"\bcurrency:?\s*([A-Z]{3})\b", text, re.IGNORECASE)
    if m:
        st["currency_code"] = r"\bcurrency:?\s*(?P<value>[A-Z]{3})\b"
    symbols = Counter(ch for ch in text if ch in "$£€¥")
    currency = {"£": "GBP", "€": "EUR", "¥": "JPY", "$": "USD"}.get(symbols.most_common(1)[0][0]) if symbols else ""
    st["decimal"] = _decimal(pages)
    body = "\n".join(line.text for lines in pages for line in lines if id(line) not in skip)
    acct = r"\b(?:account|acct)\.?[ \t]*(?:number|no\.?|#)[ \t]*:?[ \t]*(?P<value>[0-9X*][0-9X* -]{2,}[0-9])"
    if _found(body, acct):
        st["account"] = acct
    for m in PERIOD.finditer(body):
        if "\n" not in m.group() and re.search(r"\d{4}|[/.]\d\d$", m.group("end")):  # the end carries the year
            st["period"] = PERIOD.pattern
            st["period_formats"] = list(PERIOD_FORMATS)
            break
    for key, labels, count in (("opening_balance", OPENING, False), ("closing_balance", CLOSING, False),
                               ("total_credits", () if card else CREDIT_TOTALS, True),
                               ("total_debits", CARD_DEBIT_TOTALS if card else DEBIT_TOTALS, True)):
        pattern = _label_pattern(body, labels, count)
        if pattern:
            st[key] = pattern
    if "closing_balance" not in st and "opening_balance" not in st:
        bare = r"^balance:?\s*(?P<value>{money})$"
        if _found(body, bare):
            st["closing_balance"] = bare
    return st, currency


def _decimal(pages) -> str:
    """The decimal mark most figures use ("1.234,56" -> ",")."""
    marks = Counter(c.text.split()[0].rstrip(")-")[-3] for lines in pages for line in lines
                    for c in money_cells(line))
    return "," if marks.get(",", 0) > marks.get(".", 0) else "."
