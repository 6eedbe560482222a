"""The readings a statement of unknown layout may have, each written as a complete PDF layout: the money columns'
roles (debit, credit, amount, balance) and signs, the date format where "03/04" reads both ways, and whether
figures on undated lines are same-day transactions or subtotals. infer.py reads them all and keeps the one its
printed figures agree with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .infer_fields import statement_fields
from .infer_scan import Geometry, Header, dated_lines, find_header, table_geometry
from .infer_table import date_readings, table_lines
from .infer_toml import to_toml

NAME = "inferred"
CARD_CUES = ("minimum payment due", "payment due date", "credit limit", "credit line", "card statement",
             "credit card")
ROLE_WORDS = {
    "debit": ("withdrawal", "debit", "paid out", "money out", "payments", "charges", "out", "dr"),
    "credit": ("deposit", "credit", "paid in", "money in", "receipts", "lodgement", "in", "cr"),
    "balance": ("balance",),
    "amount": ("amount", "value", "sum"),
}
BANK_BALANCE = {"plain": 1, "minus": -1, "parentheses": -1, "dr": -1, "d": -1, "od": -1, "cr": 1}
CARD_BALANCE = {"plain": -1, "minus": 1, "parentheses": 1, "cr": 1, "dr": -1}  # a card balance is owed
AS_PRINTED = {"plain": 1, "minus": -1, "parentheses": -1, "cr": 1, "dr": -1, "d": -1}
BANKS_VIEW = {"plain": -1, "minus": 1, "parentheses": 1, "cr": 1, "dr": -1, "d": -1}  # plain = money out
DEBIT = {"plain": -1, "minus": -1, "parentheses": -1, "dr": -1}
CREDIT = {"plain": 1, "cr": 1}


@dataclass(frozen=True)
class Candidate:
    """One reading: its name in words, the layout TOML, how many header labels agree with its roles (minus those
    that contradict them)."""

    name: str
    toml: str
    labels: int
    shape: int = 0  # 1 for the amount-on-the-last-line reading, chosen only when it fits as well as the others


def _text_role(label: str) -> str:
    low = label.lower()
    if re.search(r"\b(?:che(?:ck|que)|chq)", low):
        return "check_number"
    if re.search(r"\b(?:ref|reference|number|no)\b", low):
        return "reference"
    return "ignore"


def _label_score(label: str, role: str) -> int:
    def says(r: str) -> bool:
        return any(re.search(rf"\b{w}", label.lower()) for w in ROLE_WORDS[r])

    if says(role):
        return 1
    return -1 if any(says(r) for r in ROLE_WORDS if r != role) else 0


def _money_roles(k: int) -> list[tuple[tuple[str, dict], ...]]:
    """The readings of k money columns, left to right: (role, signs) per column."""
    tail: list = []
    if k >= 3:
        tail = [(("debit", DEBIT), ("credit", CREDIT), ("balance", None)),
                (("credit", CREDIT), ("debit", DEBIT), ("balance", None))]
    elif k == 2:
        tail = [(("debit", DEBIT), ("credit", CREDIT)), (("credit", CREDIT), ("debit", DEBIT)),
                (("amount", AS_PRINTED), ("balance", None)), (("amount", BANKS_VIEW), ("balance", None))]
    elif k == 1:
        tail = [(("amount", AS_PRINTED),), (("amount", BANKS_VIEW),)]
    lead = (("ignore", None),) * max(0, k - 3)
    return [lead + t for t in tail]


def _markers(pages, header: Header | None) -> list[str]:
    """Digit-free lines near the top of page 1 (the bank's name, the statement's title) recognise the layout."""
    found = [ln.text.lower() for ln in pages[0][:12]
             if not re.search(r"\d", ln.text) and 2 <= len(ln.words) <= 8]
    if header is not None and header.line.page <= 2:
        found.insert(0, header.line.text.lower())
    if not found and pages[0]:
        found = [pages[0][0].text.lower()]
    return found[:2] or ["statement"]


@dataclass(frozen=True)
class Scan:
    """Everything the candidate readings share."""

    geo: Geometry | None
    header: Header | None
    statement: dict
    currency: str
    card: bool
    markers: list[str]


def scan_pages(pages) -> Scan:
    text = "\n".join(ln.text for lines in pages for ln in lines).lower()
    card = any(cue in text for cue in CARD_CUES)
    geo = table_geometry(dated_lines(pages))
    header = find_header(pages, geo) if geo else None
    skip = {id(d.line) for d in geo.rows} if geo else set()
    statement, currency = statement_fields(pages, skip, card)
    return Scan(geo, header, statement, currency, card, _markers(pages, header))


def _spec(scan: Scan, columns: list[dict], table: dict, signs: dict) -> dict:
    st = dict(scan.statement)
    if "period" in st:  # "01/03/2025 to 31/03/2025" reads day first when the rows do
        family = table["date_formats"][0][:2]
        st["period_formats"] = sorted(st["period_formats"], key=lambda c: 0 if c.startswith(family) else 1)
    if scan.currency and "currency" not in st:
        st = {"currency": scan.currency, **st}
    return {"name": NAME, "kind": "pdf",
            "description": "inferred from one statement's geometry and checked against its printed figures",
            "identify": {"all": scan.markers}, "statement": st, "table": table, "signs": signs}


def _wrappings(geo: Geometry, lines) -> list[tuple[str, bool]]:
    """(amount_line, date_carry) readings of wrapped transactions: the amount on the first line (figures on
    undated lines are subtotals, or same-day transactions when dates are printed once a day), or, when some dated
    lines carry no figure, on the last line of each transaction (HSBC-style)."""
    if not lines.carry:
        return [("first", False)]
    out = [("first", False), ("first", True)]
    if any(not d.money for d in geo.rows):
        out.append(("last", True))
    return out


def candidates(scan: Scan, pages) -> list[Candidate]:
    geo, header = scan.geo, scan.header
    balance_signs = CARD_BALANCE if scan.card else BANK_BALANCE
    if geo is None:  # no table: the statement's balances alone (a statement without activity)
        columns = [{"label": "Date", "role": "date"}, {"label": "Description", "role": "description"},
                   {"label": "Amount", "role": "amount", "align": "right"}]
        table = {"columns": columns, "date_formats": ["%Y-%m-%d"]}
        return [Candidate("no transaction table", to_toml(_spec(scan, columns, table, {"balance": balance_signs})),
                           0)]
    # Of a post date and a transaction date, a card holder's records follow the transaction date.
    booking = next((k for k, lb in enumerate(header.dates)
                    if "trans" in f"{header.above[k] if header.above else ''} {lb.text}".lower()), 0)
    texts = [d.dates[booking][0] for d in geo.rows]
    lines = table_lines(pages, geo, header)
    out = []
    readings = date_readings(texts, geo.rows[0].dates[booking][2])
    for codes in readings:
        base = [{"label": lb.text, "role": "date" if k == booking else "ignore"} for k, lb in enumerate(header.dates)]
        base.append({"label": header.texts[0].text, "role": "description"})
        used = set()
        for lb in header.texts[1:]:
            role = _text_role(lb.text)
            role = "ignore" if role in used else role
            used.add(role)
            base.append({"label": lb.text, "role": role})
        for roles in _money_roles(len(header.money)):
            columns = base + [{"label": lb.text, "role": role, "align": "right"}
                              for lb, (role, _) in zip(header.money, roles)]
            signs = {role: sign for role, sign in roles if sign is not None} | {"balance": balance_signs}
            name = ", ".join(f"{lb.text}={role}" for lb, (role, _) in zip(header.money, roles) if role != "ignore")
            if ("amount", BANKS_VIEW) in roles:
                name += " (plain figures are money out)"
            labels = sum(_label_score(lb.text, role) for lb, (role, _) in zip(header.money, roles) if role != "ignore")
            for amount_line, carry in _wrappings(geo, lines):
                table = {"columns": columns, "date_formats": list(codes), "amount_line": amount_line,
                         "date_carry": carry, "max_row_gap": lines.max_row_gap,
                         "ignore": lines.ignore + ([] if carry else lines.carry), "balance_rows": lines.balance_rows,
                         "end": lines.end}
                label = name + {("first", True): " (undated figures are same-day transactions)",
                                ("last", True): " (the amount on a transaction's last line)"}.get((amount_line, carry), "")
                if len(readings) > 1:
                    label += f" (dates {codes[0]})"
                # Dated lines without a figure and figures on undated lines: the amount closes each transaction.
                shape = int(amount_line == "last")
                out.append(Candidate(label, to_toml(_spec(scan, columns, table, signs)), labels, shape))
    return out
