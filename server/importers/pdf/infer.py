"""A layout for a PDF statement no template knows, inferred from the page geometry and chosen by the statement's
own figures.

infer_scan finds the rows (lines starting with a date), the money columns (figures lined up on their right
edge) and the header that labels them. Which money column is the debit, the credit, the amount or the running
balance, and which sign a plain figure has, cannot be read off the page: every plausible reading is written as an
ordinary PDF layout (the TOML a user could have written) and read like any layout; the reading whose lines agree
with the most printed figures (running balances, opening and closing balance, printed totals) wins, the header
labels breaking ties. Two readings that fit equally well and disagree about the lines are refused, naming both:
a guess would make a wrong reconciliation look right. The winning layout can be saved and edited
(`infer_pdf_layout`), and imports the statement as the inference did.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ...errors import BankFileError, Problem
from ..base import ImportOptions
from .infer_scan import (DatedLine, Geometry, Header, dated_lines, find_header, generalise, leading_dates,
                             money_cells, table_geometry)
from .layout import MONEY as _MONEY
from .layout import parse_layout
from .reading import Reading, read_statement
from .table import TextLine

NAME = "inferred"
CARD_CUES = ("minimum payment due", "payment due date", "credit limit", "credit line", "card statement",
             "credit card")
OPENING = ("opening balance", "beginning balance", "previous balance", "balance brought forward", "starting balance",
           "start balance", "balance forward", "previous statement balance")
CLOSING = ("closing balance", "ending balance", "new balance", "balance carried forward", "end balance",
           "statement balance", "current balance")
CREDIT_TOTALS = ("total credits", "total deposits", "deposits and other credits", "deposits and credits",
                 "total paid in", "payments in", "total money in", "money in")
DEBIT_TOTALS = ("total debits", "total withdrawals", "withdrawals and other debits", "withdrawals and debits",
                "total paid out", "payments out", "total money out", "money out")
CARD_DEBIT_TOTALS = ("purchases and adjustments", "total purchases", "purchases")
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
PERIOD_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d",
                  "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%y", "%d/%m/%y", "%d %B", "%d %b", "%B %d", "%b %d")
_DATE = (r"(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9}\.?(?: \d{4})?"
         r"|[A-Za-z]{3,9}\.? \d{1,2}(?:, ?\d{4})?)")
PERIOD = re.compile(rf"(?P<start>{_DATE})\s*(?:-|–|to|through|thru|until)\s*(?P<end>{_DATE})", re.IGNORECASE)


@dataclass(frozen=True)
class Proof:
    """Why the inferred layout was chosen: the checks its lines passed and how its rivals fared."""

    layout: str  # the roles, e.g. "Withdrawals=debit, Deposits=credit, Balance=balance"
    lines: int
    held: int
    checks: int
    confidence: float
    rivals: tuple[tuple[str, str], ...]  # (reading, how it fared)

    def __str__(self) -> str:
        out = [f"reading: {self.layout}", f"lines: {self.lines}",
               f"printed figures the lines agree with: {self.held} of {self.checks}",
               f"confidence: {self.confidence}"]
        out += [f"rival: {name}: {fate}" for name, fate in self.rivals]
        return "\n".join(out)


@dataclass(frozen=True)
class _Candidate:
    name: str  # the reading in words
    toml: str
    labels: int  # how many header labels agree with the roles given (minus those that contradict them)
    prior: int  # card statements: 1 when most lines come out as money out (charges)


# ------------------------------------------------------------------------------------------------- toml

def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    return "[" + ", ".join(_value(x) for x in v) + "]"


def to_toml(spec: dict) -> str:
    """The layout as TOML a user can edit (tables of scalars, lists and inline tables only)."""
    head = [f"{k} = {_value(v)}" for k, v in spec.items() if not isinstance(v, dict)]
    out = ["# A PDF layout inferred by Tieout from one statement; check it, rename it, keep it in a profile folder.",
           *head]
    for k, v in spec.items():
        if isinstance(v, dict):
            out += ["", f"[{k}]"]
            for key, x in v.items():
                if key == "columns":
                    out.append("columns = [\n" + "".join(f"    {_value(c)},\n" for c in x) + "]")
                else:
                    out.append(f"{key} = {_value(x)}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ fields

def _first(pages, pattern: re.Pattern, skip: set[int]):
    for lines in pages:
        for line in lines:
            if id(line) not in skip and (m := pattern.search(line.text)):
                return m
    return None


def _label_pattern(pages, labels: tuple[str, ...], skip: set[int], count: bool = False) -> str | None:
    """A pattern for the first line where one of the labels is followed by a figure."""
    for label in labels:
        words = r"\s+".join(re.escape(w) for w in label.split())
        counted = r"(?:\s*\((?P<count>\d+)\))?" if count else ""
        pattern = rf"\b{words}\b{counted}[^\d$£€()+-]{{0,40}}?(?P<value>{{money}})"
        compiled = re.compile(pattern.replace("{money}", _MONEY), re.IGNORECASE)
        if _first(pages, compiled, skip):
            return pattern
    return None


def _fields(pages, skip: set[int], card: bool) -> tuple[dict, str]:
    """The [statement] table: patterns for what the statement prints outside its table, and its currency."""
    st: dict = {}
    text = "\n".join(line.text for lines in pages for line in lines)
    m = re.search(r"\bcurrency:?\s*([A-Z]{3})\b", text, re.IGNORECASE)
    if m:
        st["currency_code"] = r"\bcurrency:?\s*(?P<value>[A-Z]{3})\b"
    symbols = Counter(ch for ch in text if ch in "$£€¥")
    currency = {"£": "GBP", "€": "EUR", "¥": "JPY", "$": "USD"}.get(symbols.most_common(1)[0][0]) if symbols else ""
    st["decimal"] = _decimal(pages)
    acct = re.compile(r"\b(?:account|acct)\.?\s*(?:number|no\.?|#)\s*:?\s*(?P<value>[0-9X*][0-9X* -]{2,}[0-9])",
                      re.IGNORECASE)
    if _first(pages, acct, skip):
        st["account"] = acct.pattern
    for line in (ln for lines in pages for ln in lines if id(ln) not in skip):
        m = PERIOD.search(line.text)
        if m and re.search(r"\d{4}|[/.]\d\d$", m.group("end")):  # the end carries the year
            st["period"] = PERIOD.pattern
            st["period_formats"] = list(PERIOD_FORMATS)
            break
    for key, labels, count in (("opening_balance", OPENING, False), ("closing_balance", CLOSING, False),
                               ("total_credits", () if card else CREDIT_TOTALS, True),
                               ("total_debits", CARD_DEBIT_TOTALS if card else DEBIT_TOTALS, True)):
        pattern = _label_pattern(pages, labels, skip, count)
        if pattern:
            st[key] = pattern
    if "closing_balance" not in st and "opening_balance" not in st:
        bare = r"^balance:?\s*(?P<value>{money})$"
        if _first(pages, re.compile(bare.replace("{money}", _MONEY), re.IGNORECASE), skip):
            st["closing_balance"] = bare
    return st, currency


def _decimal(pages) -> str:
    """The decimal mark most figures use ("1.234,56" -> ",")."""
    marks = Counter(c.text.split()[0].rstrip(")-")[-3] for lines in pages for line in lines
                    for c in money_cells(line))
    return "," if marks.get(",", 0) > marks.get(".", 0) else "."


# ------------------------------------------------------------------------------------------------- table

def _parses(text: str, code: str) -> bool:
    try:
        if "%y" in code.lower():
            dt.datetime.strptime(text, code)
        else:
            dt.datetime.strptime(f"{text} 2000", f"{code} %Y")  # a leap year: 02/29 is a date
        return True
    except ValueError:
        return False


def _date_readings(texts: list[str], codes: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The date formats every row's date reads in, grouped by reading: "03/04" is March 4 or 3 April, and when
    both read every row, the one that keeps the rows in date order is kept; both when both do."""
    texts = list(dict.fromkeys(texts))  # a month of rows has ~30 distinct dates
    ok = [c for c in codes if all(_parses(t, c) for t in texts)]
    families: dict[str, list[str]] = {}
    for c in ok:
        families.setdefault(re.sub(r"[^dmbBY]", "", c.replace("%y", "%Y")).replace("B", "b")[:2], []).append(c)
    readings = [tuple(v) for v in families.values()]
    if len(readings) > 1:
        def ordered(codes_: tuple[str, ...]) -> bool:
            parsed = [dt.datetime.strptime(f"{t} 2000", f"{codes_[0]} %Y") if "%y" not in codes_[0].lower()
                      else dt.datetime.strptime(t, codes_[0]) for t in texts]
            return all(a <= b for a, b in zip(parsed, parsed[1:])) or all(a >= b for a, b in zip(parsed, parsed[1:]))
        kept = [r for r in readings if ordered(r)]
        readings = kept or readings
    return readings


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


@dataclass
class _TableLines:
    """Lines inside the table that are no transaction, as patterns; and the table's line pitch."""

    ignore: list[str]
    carry: list[str]  # figures on undated lines below a complete row: subtotals, or same-day transactions
    balance_rows: list[str]
    max_row_gap: float


def _is_header(line: TextLine, header: Header) -> bool:
    text, pos = line.text.lower(), 0
    for label in header.dates + header.texts + header.money:
        pos = text.find(label.text.lower(), pos)
        if pos < 0:
            return False
        pos += len(label.text)
    return True


def _table_lines(pages, geo: Geometry, header: Header) -> _TableLines:
    rows = {id(d.line): d for d in geo.rows}
    gaps = sorted(b.line.baseline - a.line.baseline for a, b in zip(geo.rows, geo.rows[1:])
                  if a.line.page == b.line.page and b.line.baseline > a.line.baseline)
    pitch = gaps[len(gaps) // 4] if gaps else 12.0
    max_gap = round(max(1.7 * pitch, pitch + 4), 1)
    desc_x = Counter(round(d.line.words[len(d.dates)].x0) for d in geo.rows
                     if len(d.line.words) > len(d.dates)).most_common(1)
    desc_x = desc_x[0][0] if desc_x else header.texts[0].x0
    money_left = header.money[0].x0
    out = _TableLines([], [], [], max_gap)
    for lines in pages:
        in_table, previous, open_row = False, 0.0, None
        for line in lines:
            if _is_header(line, header):
                in_table, previous, open_row = True, line.baseline, None
                continue
            if not in_table:
                continue
            if line.baseline - previous > max_gap:
                in_table = False
                continue
            previous = line.baseline
            if id(line) in rows:
                open_row = bool(rows[id(line)].money)
                continue
            cells = money_cells(line)
            words = [w.text for w in line.words if not any(w.x0 >= c.x0 - 0.5 and w.x1 <= c.x1 + 0.5 for c in cells)]
            if cells and re.search(r"\bbalance\b", line.text, re.IGNORECASE) and len(cells) == 1:
                dates = leading_dates(line)
                text = " ".join(words[sum(len(d[0].split()) for d in dates):])
                out.balance_rows.append("^" + re.escape(text) + r"\b")
            elif cells and open_row is False:
                open_row = True  # the amount of a row whose dated line has none
            elif cells:
                out.carry.append(generalise(line.text))
            elif not (line.words[0].x0 >= desc_x - 4 and line.words[-1].x1 < money_left):
                out.ignore.append(generalise(line.text))
    out.ignore = list(dict.fromkeys(out.ignore))
    out.carry = list(dict.fromkeys(out.carry))
    out.balance_rows = list(dict.fromkeys(out.balance_rows))
    return out


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
class _Scan:
    """Everything the candidate readings share."""

    geo: Geometry | None
    header: Header | None
    statement: dict
    currency: str
    card: bool
    markers: list[str]


def _scan(pages) -> _Scan:
    text = "\n".join(ln.text for lines in pages for ln in lines).lower()
    card = any(cue in text for cue in CARD_CUES)
    geo = table_geometry(dated_lines(pages))
    header = find_header(pages, geo) if geo else None
    skip = {id(d.line) for d in geo.rows} if geo else set()
    statement, currency = _fields(pages, skip, card)
    return _Scan(geo, header, statement, currency, card, _markers(pages, header))


def _spec(scan: _Scan, columns: list[dict], table: dict, signs: dict) -> dict:
    st = dict(scan.statement)
    if "period" in st:  # "01/03/2025 to 31/03/2025" reads day first when the rows do
        family = table["date_formats"][0][:2]
        st["period_formats"] = sorted(st["period_formats"], key=lambda c: 0 if c.startswith(family) else 1)
    if scan.currency and "currency" not in st:
        st = {"currency": scan.currency, **st}
    return {"name": NAME, "kind": "pdf",
            "description": "inferred from one statement's geometry and checked against its printed figures",
            "identify": {"all": scan.markers}, "statement": st, "table": table, "signs": signs}


def _candidates(scan: _Scan, pages) -> list[_Candidate]:
    geo, header = scan.geo, scan.header
    balance_signs = CARD_BALANCE if scan.card else BANK_BALANCE
    if geo is None:  # no table: the statement's balances alone (a statement without activity)
        columns = [{"label": "Date", "role": "date"}, {"label": "Description", "role": "description"},
                   {"label": "Amount", "role": "amount", "align": "right"}]
        table = {"columns": columns, "date_formats": ["%Y-%m-%d"]}
        return [_Candidate("no transaction table", to_toml(_spec(scan, columns, table, {"balance": balance_signs})),
                           0, 0)]
    # Of a post date and a transaction date, a card holder's records follow the transaction date.
    booking = next((k for k, lb in enumerate(header.dates)
                    if "trans" in f"{header.above[k] if header.above else ''} {lb.text}".lower()), 0)
    texts = [d.dates[booking][0] for d in geo.rows]
    lines = _table_lines(pages, geo, header)
    out = []
    readings = _date_readings(texts, geo.rows[0].dates[booking][2])
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
            for carry in ((False, True) if lines.carry else (False,)):
                table = {"columns": columns, "date_formats": list(codes), "amount_line": "first",
                         "date_carry": carry, "max_row_gap": lines.max_row_gap,
                         "ignore": lines.ignore + ([] if carry else lines.carry), "balance_rows": lines.balance_rows}
                label = name + (" (undated figures are same-day transactions)" if carry else "")
                if len(readings) > 1:
                    label += f" (dates {codes[0]})"
                out.append(_Candidate(label, to_toml(_spec(scan, columns, table, signs)), labels, 0))
    return out


# ---------------------------------------------------------------------------------------------- choosing

def _key(reading: Reading, cand: _Candidate, card: bool) -> tuple:
    net = 2 * reading.held - reading.checks
    prior = 0
    if card and reading.statement is not None and reading.statement.lines:
        out = sum(1 for ln in reading.statement.lines if ln.amount < 0)
        prior = 1 if out * 2 > len(reading.statement.lines) else 0  # card statements: charges are money out
    return (net, cand.labels, prior)


def _fate(reading: Reading) -> str:
    if reading.statement is None:
        return "unreadable: " + "; ".join(p.describe() if hasattr(p, "describe") else str(p)
                                          for p in reading.problems[:2])
    return f"agrees with {reading.held} of {reading.checks} printed figures"


def _choose(pages, path: Path, options: ImportOptions) -> tuple[Reading, Proof, str]:
    scan = _scan(pages)
    if scan.geo is not None and scan.header is None:
        first = scan.geo.rows[0].line
        raise BankFileError(path, Problem("lines start with dates and carry figures, but no header line above them "
                                          "names the columns, so the table's layout cannot be inferred; add a PDF "
                                          "layout template (TOML, kind = \"pdf\") to a profile folder",
                                          record=f"page {first.page} line {first.number}"))
    if scan.geo is not None and "period" not in scan.statement and not any(
            "%y" in code.lower() for code in scan.geo.rows[0].dates[0][2]):
        raise BankFileError(path, Problem("the rows' dates print no year and no statement period (two dates, "
                                          "e.g. 'March 1, 2025 - March 31, 2025') was found to take it from",
                                          field="period"))
    tried = []
    for cand in _candidates(scan, pages):
        layout = parse_layout(Path(f"<{NAME}>"), tomllib.loads(cand.toml))
        tried.append((read_statement(pages, layout, path, options), cand))
    usable = sorted(((r, c) for r, c in tried if r.statement is not None), key=lambda rc: _key(*rc, scan.card),
                    reverse=True)
    if not usable:
        if scan.geo is None:
            raise BankFileError(path, "no lines of this PDF start with a date and carry an amount, and it prints no "
                                      "balance: no transaction table was found; this PDF statement's layout is not "
                                      "one Tieout knows or can infer. Add a PDF layout template (TOML, kind = \"pdf\") "
                                      "to a profile folder, or import a CSV export")
        reading, cand = min(tried, key=lambda rc: len(rc[0].problems))
        raise BankFileError(path, [Problem(f"the layout inferred for this PDF ({cand.name}) cannot read it: "
                                           + reading.problems[0].problem, record=reading.problems[0].record,
                                           field=reading.problems[0].field), *reading.problems[1:10]])
    best, cand = usable[0]
    for other, ocand in usable[1:]:
        if _key(other, ocand, scan.card) != _key(best, cand, scan.card):
            break
        if [(ln.date, ln.amount) for ln in other.statement.lines] != [(ln.date, ln.amount)
                                                                      for ln in best.statement.lines]:
            raise BankFileError(path, Problem(
                f"the layout of this PDF statement cannot be inferred for sure: two readings fit it equally well, "
                f"'{cand.name}' ({_fate(best)}) and '{ocand.name}' ({_fate(other)}), and they give different "
                "lines; add a PDF layout template (tieout profile infer, then edit the roles) or import a CSV"))
    confidence = round(best.held / best.checks, 2) if best.checks else 0.5
    rivals = tuple((c.name, _fate(r)) for r, c in tried if c is not cand)
    proof = Proof(cand.name, len(best.statement.lines), best.held, best.checks, confidence, rivals)
    return best, proof, cand.toml


def infer_reading(pages, path: Path, options: ImportOptions) -> tuple[Reading, float]:
    """The statement as the best inferred layout reads it, with the inference's confidence (0..1)."""
    reading, proof, _ = _choose(pages, path, options)
    return reading, proof.confidence


def infer_pdf_layout(path: str | Path) -> tuple[str, Proof]:
    """(the inferred layout as PDF layout TOML, the proof it was chosen by) for `tieout profile infer FILE.pdf`.
    BankFileError when the PDF cannot be read or its layout cannot be inferred for sure."""
    from .table import text_lines
    from .text import read_pages

    path = Path(path)
    pages = [text_lines(p) for p in read_pages(path)]
    _, proof, toml = _choose(pages, path, ImportOptions())
    slug = re.sub(r"[^0-9a-z]+", "_", path.stem.lower()).strip("_") or "my_bank"
    return toml.replace(f'name = "{NAME}"', f'name = "{slug}"', 1), proof
