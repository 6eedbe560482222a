"""Realistic bank statement PDFs drawn with reportlab, plus the truth they were drawn from.

Three layouts modelled on the statements accountants receive:
- `us_retail_pdf`: a US retail bank, separate Withdrawals / Deposits columns, a running balance on every line,
  year-less "mm/dd" dates, a summary box with the totals, a "Daily ending balance" table after the transactions;
- `uk_bank_pdf`: a UK high-street bank, "Paid out / Paid in / Balance", dates like "14 Mar" printed once per day,
  the balance printed at the end of each day (with "D" when overdrawn), balance brought/carried forward rows;
- `business_pdf`: a business statement with one Amount column, credits marked "CR" or in parentheses,
  year-less "28 DEC" dates across a December -> January boundary, a Reference column, no balance column.

Eight more (`STYLES`, drawn by `styled_pdf`) are banks no template knows, read by an inferred layout: debit/credit
columns with decimal commas, a signed amount without balance, totals only, parenthesised credits with year-less
dates, dates printed once a day, a card statement, CR/DR balances, a long multi-page statement; `AMBIGUOUS` is
one no reading can be sure of.

Every generator is deterministic for a seed (reportlab's `invariant` mode) and returns a `Drawn` record holding
the PDF bytes and what a correct importer must find. Options make the malformed variants the tests need:
`tamper` prints one transaction's amount wrong, `wrong_total` prints a wrong total in the summary.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen import canvas

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Txn:
    """One transaction as drawn: its description wrapped over one or more printed lines."""

    date: dt.date
    amount: Decimal
    lines: tuple[str, ...]
    reference: str = ""

    @property
    def description(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Where:
    """Where a transaction's first line was drawn: page and line number counted from the top of the page."""

    page: int
    line: int


@dataclass(frozen=True)
class Drawn:
    """A generated statement: the PDF and the truth a correct importer must report."""

    layout: str
    pdf: bytes
    account: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    opening: Decimal
    closing: Decimal
    txns: tuple[Txn, ...]
    pages: int
    where: tuple[Where, ...] = ()  # one per txn
    mismatch_at: Where | None = None  # with `tamper`: the first printed balance that no longer adds up

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.txns), Decimal(0))

    @property
    def credits(self) -> Decimal:
        return sum((t.amount for t in self.txns if t.amount > 0), Decimal(0))

    @property
    def debits(self) -> Decimal:
        return -sum((t.amount for t in self.txns if t.amount < 0), Decimal(0))


def money(v: Decimal) -> str:
    return f"{abs(v):,.2f}"


def smoney(v: Decimal) -> str:
    return f"{v:,.2f}"


class Sheet:
    """A reportlab canvas that remembers the baselines it wrote on, to number lines as a reader counts them."""

    def __init__(self, pagesize, compress: bool = True, encrypt=None):
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=pagesize, pageCompression=1 if compress else 0,
                               invariant=1, encrypt=encrypt)
        self.width, self.height = pagesize
        self.page = 1
        self.baselines: dict[int, set[float]] = {1: set()}

    def text(self, x: float, y: float, s: str, size: float = 8.5, bold: bool = False, align: str = "left"):
        self.c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        draw = {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}
        draw[align](x, y, s)
        self.baselines[self.page].add(round(y, 1))

    def rule(self, x0: float, y: float, x1: float, width: float = 0.5):
        self.c.setLineWidth(width)
        self.c.line(x0, y, x1, y)

    def new_page(self):
        self.c.showPage()
        self.page += 1
        self.baselines[self.page] = set()

    def line_number(self, page: int, y: float) -> int:
        """1-based line number of baseline y on a page, counting every text baseline from the top."""
        return sorted(self.baselines[page], reverse=True).index(round(y, 1)) + 1

    def finish(self) -> bytes:
        self.c.save()
        return self.buf.getvalue()


def _dates(rng: random.Random, n: int, start: dt.date, end: dt.date) -> list[dt.date]:
    span = (end - start).days
    return sorted(start + dt.timedelta(days=rng.randint(1, span)) for _ in range(n))


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


def _paginate(blocks: list[int], first: int, rest: int) -> list[list[int]]:
    """Split blocks (each needing `blocks[i]` lines) into pages of `first`, then `rest`, lines; blocks never split."""
    pages, cur, room = [], [], first
    for i, need in enumerate(blocks):
        if need > room and cur:
            pages.append(cur)
            cur, room = [], rest
        cur.append(i)
        room -= need
    pages.append(cur)
    return pages


# --------------------------------------------------------------------------------------------- US retail bank

_US_MERCHANTS = ["WHOLE FOODS MARKET #10233", "SHELL OIL 57442", "AMAZON MKTPLACE PMTS", "TARGET T-1180",
                 "STARBUCKS STORE 08812", "HOME DEPOT #4410", "WALGREENS #06241", "NETFLIX.COM", "UBER TRIP"]
_US_CITIES = ["SPRINGFIELD IL", "CHICAGO IL", "SEATTLE WA", "LOS GATOS CA", "SAN FRANCISCO CA", "ATLANTA GA"]


def _us_description(rng: random.Random, credit: bool, check_no: list[int]) -> str:
    if credit:
        return rng.choice([
            f"DIRECT DEPOSIT ACME WIDGETS INC PAYROLL PPD ID: {rng.randint(1000000000, 9999999999)}",
            f"MOBILE DEPOSIT REF NUMBER {rng.randint(100000000, 999999999)}",
            f"ONLINE TRANSFER FROM SAVINGS XXXXXX{rng.randint(1000, 9999)}",
            "INTEREST PAYMENT",
            f"ZELLE PAYMENT FROM {rng.choice(['MARIA LOPEZ', 'DAVID CHEN', 'SAM PATEL'])} CONF# "
            f"{rng.randint(10**9, 10**10 - 1)}",
        ])
    kind = rng.random()
    if kind < 0.15:
        check_no[0] += 1
        return f"CHECK {check_no[0]}"
    if kind < 0.6:
        return (f"DEBIT CARD PURCHASE {rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} "
                f"{rng.choice(_US_MERCHANTS)} {rng.choice(_US_CITIES)} CARD {rng.randint(1000, 9999)}")
    if kind < 0.8:
        return (f"ACH DEBIT {rng.choice(['COMCAST CABLE', 'STATE FARM INS', 'CITY WATER DEPT', 'AT&T MOBILITY'])} "
                f"PAYMENT ID {rng.randint(100000, 999999)}")
    if kind < 0.93:
        return f"ATM WITHDRAWAL {rng.randint(100, 9999)} MAIN ST {rng.choice(_US_CITIES)}"
    return "MONTHLY SERVICE FEE"


def us_retail_pdf(seed: int = 1, n: int = 90, tamper: int | None = None, wrong_total: bool = False,
                  compress: bool = True) -> Drawn:
    rng = random.Random(seed)
    start, end = dt.date(2025, 2, 16), dt.date(2025, 3, 15)
    opening = _cents(rng, 1500, 6000)
    check_no = [1040]
    txns, balance = [], opening
    for d in _dates(rng, n, start, end):
        credit = rng.random() < (0.15 if balance > 800 else 0.7)  # pay days come when the money runs low
        amount = _cents(rng, 400, 3200) if credit else -_cents(rng, 3, 600)
        lines = tuple(textwrap.wrap(_us_description(rng, credit, check_no), 46))
        txns.append(Txn(d, amount, lines))
        balance += amount
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    account = "0012-3456-7890"

    s = Sheet(LETTER, compress=compress)
    w = s.width
    cols = {"date": 50, "desc": 92, "out": 430, "in": 500, "bal": 562}
    pitch = 11.5
    blocks = [len(t.lines) for t in txns]
    first_top, rest_top, bottom = 530, 680, 72
    per_first = int((first_top - bottom) / pitch) - 1  # one line for the beginning balance row
    per_rest = int((rest_top - bottom) / pitch)
    pages = _paginate(blocks, per_first, per_rest)
    if sum(blocks[i] for i in pages[-1]) + 7 > (per_rest if len(pages) > 1 else per_first):
        pages.append([])  # room for the ending balance row and the daily balances after it
    npages = len(pages)
    period = "Statement period: February 16, 2025 through March 15, 2025"
    credits = sum((t.amount for t in txns if t.amount > 0), Decimal(0))
    debits = -sum((t.amount for t in txns if t.amount < 0), Decimal(0))
    printed_credits = credits + (Decimal("1.00") if wrong_total else 0)

    def header(pageno: int) -> float:
        if pageno == 1:
            s.text(50, 752, "FIRST EXAMPLE BANK, N.A.", 15, bold=True)
            s.text(w - 50, 752, "Account Statement", 12, bold=True, align="right")
            s.text(50, 738, "P.O. Box 1000, Springfield, IL 62701 | examplebank.test | 1-800-555-0100", 7.5)
            for y, left, right in ((700, "JORDAN A. SAMPLE", f"Account number: {account}"),
                                   (688, "1420 ELM STREET APT 5", period),
                                   (676, "SPRINGFIELD, IL 62704", f"Page 1 of {npages}")):
                s.text(50, y, left, 9)
                s.text(330, y, right, 8.5)
            s.text(50, 640, "Account summary", 10, bold=True)
            for y, label, value in (
                    (626, "Beginning balance on February 16, 2025", f"${smoney(opening)}"),
                    (614, "Deposits and other credits", f"+{money(printed_credits)}"),
                    (602, "Withdrawals and other debits", f"-{money(debits)}"),
                    (590, "Ending balance on March 15, 2025", f"${smoney(closing)}")):
                s.text(50, y, label, 9)
                s.text(300, y, value, 9, align="right")
            s.text(50, 560, "Transaction history", 10, bold=True)
            top = 544
        else:
            s.text(50, 752, "FIRST EXAMPLE BANK, N.A.", 12, bold=True)
            s.text(w - 50, 752, f"Page {pageno} of {npages}", 8, align="right")
            s.text(50, 738, f"Account number: {account}", 8)
            s.text(w - 50, 738, period, 8, align="right")
            s.text(50, 710, "Transaction history (continued)", 10, bold=True)
            top = 694
        s.text(cols["date"], top, "Date", 8.5, bold=True)
        s.text(cols["desc"], top, "Description", 8.5, bold=True)
        s.text(cols["out"], top, "Withdrawals", 8.5, bold=True, align="right")
        s.text(cols["in"], top, "Deposits", 8.5, bold=True, align="right")
        s.text(cols["bal"], top, "Balance", 8.5, bold=True, align="right")
        s.rule(50, top - 4, w - 50)
        return top - 14

    def footer(pageno: int):
        s.text(50, 40, "Member FDIC. Equal Housing Lender.", 7)
        if pageno < npages:
            s.text(w - 50, 40, "Continued on next page", 7, align="right")

    where, mismatch_at = [], None
    balance = opening
    for pi, idxs in enumerate(pages, start=1):
        if pi > 1:
            s.new_page()
        y = header(pi)
        if pi == 1:
            s.text(cols["date"], y, start.strftime("%m/%d"), 8.5)
            s.text(cols["desc"], y, "Beginning balance", 8.5)
            s.text(cols["bal"], y, smoney(opening), 8.5, align="right")
            y -= pitch
        for i in idxs:
            t = txns[i]
            balance += t.amount
            shown = abs(t.amount) + (Decimal("10.00") if i == tamper else 0)
            s.text(cols["date"], y, t.date.strftime("%m/%d"), 8.5)
            s.text(cols["out" if t.amount < 0 else "in"], y, money(shown), 8.5, align="right")
            if i == tamper:
                mismatch_at = (pi, y)
            s.text(cols["bal"], y, smoney(balance), 8.5, align="right")
            where.append((pi, y))
            for text in t.lines:
                s.text(cols["desc"], y, text, 8.5)
                y -= pitch
        if pi == npages:
            s.text(cols["date"], y, end.strftime("%m/%d"), 8.5)
            s.text(cols["desc"], y, "Ending balance", 8.5)
            s.text(cols["bal"], y, smoney(closing), 8.5, align="right")
            y -= 20
            s.text(50, y, "Daily ending balance", 9, bold=True)
            y -= 13
            days = sorted({t.date for t in txns})[:9]
            run = opening
            for k, d in enumerate(days):
                run = opening + sum((t.amount for t in txns if t.date <= d), Decimal(0))
                x = 50 + (k % 3) * 180
                s.text(x, y, d.strftime("%m/%d"), 8.5)
                s.text(x + 110, y, smoney(run), 8.5, align="right")
                if k % 3 == 2:
                    y -= pitch
        footer(pi)
    pdf = s.finish()
    return Drawn("us_retail", pdf, account, "USD", start, end, opening, closing, tuple(txns), npages,
                 where=tuple(Where(p, s.line_number(p, y)) for p, y in where),
                 mismatch_at=mismatch_at and Where(mismatch_at[0], s.line_number(*mismatch_at)))


# --------------------------------------------------------------------------------------------------- UK bank

def _uk_description(rng: random.Random, credit: bool) -> tuple[str, ...]:
    if credit:
        return rng.choice([
            ("CR ACME LTD", f"SALARY {rng.choice(['MAR', 'PAYROLL'])} {rng.randint(1000, 9999)}"),
            ("BP J SMITH", "REF HOLIDAY SHARE"),
            ("CR HMRC TAX REFUND",),
            (f"TFR FROM SAVINGS {rng.randint(10000000, 99999999)}",),
        ])
    return rng.choice([
        ("DD BRITISH GAS", f"REF {rng.randint(10**9, 10**10 - 1)}"),
        (f"VIS TESCO STORES {rng.randint(1000, 9999)}", "LONDON GB"),
        ("))) PRET A MANGER", f"LONDON {rng.randint(10, 99)}/03"),
        ("SO LANDLORD RENT", f"FLAT {rng.randint(1, 40)} MARCH"),
        (f"CHQ {rng.randint(100200, 100299)}",),
        (f"ATM CASH NOTEMACHINE {rng.randint(100, 999)}", f"{rng.randint(1, 28):02d}MAR25 LONDON"),
        ("DD COUNCIL TAX", f"LBHF {rng.randint(100000, 999999)}"),
        (f"VIS AMAZON.CO.UK*{rng.randint(100, 999)}AB",),
    ])


def uk_bank_pdf(seed: int = 2, n: int = 80, tamper: int | None = None, wrong_total: bool = False,
                compress: bool = True) -> Drawn:
    rng = random.Random(seed)
    start, end = dt.date(2025, 3, 1), dt.date(2025, 3, 31)
    opening = _cents(rng, 150, 600)  # small: the account goes overdrawn at times
    txns, balance = [], opening
    for d in _dates(rng, n, start, end):
        credit = rng.random() < (0.12 if balance > -1500 else 0.6)
        amount = _cents(rng, 300, 2000) if credit else -_cents(rng, 2, 320)
        txns.append(Txn(d, amount, _uk_description(rng, credit)))
        balance += amount
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    account = "40-12-34 12345678"
    credits = sum((t.amount for t in txns if t.amount > 0), Decimal(0))
    debits = -sum((t.amount for t in txns if t.amount < 0), Decimal(0))

    s = Sheet(A4, compress=compress)
    w = s.width
    cols = {"date": 45, "desc": 95, "out": 400, "in": 470, "bal": 550}
    pitch = 11.0
    first_top, rest_top, bottom = 560, 730, 84
    per_first = int((first_top - bottom) / pitch) - 2  # brought + carried forward rows
    per_rest = int((rest_top - bottom) / pitch) - 2
    pages = _paginate([len(t.lines) for t in txns], per_first, per_rest)
    npages = len(pages)

    def bal(v: Decimal) -> str:
        return money(v) + (" D" if v < 0 else "")

    def header(pageno: int) -> float:
        if pageno == 1:
            s.text(45, 800, "EXAMPLE BANK UK PLC", 15, bold=True)
            s.text(w - 45, 800, "Your Statement", 12, bold=True, align="right")
            s.text(45, 786, "Customer Service 0345 000 0000 | examplebank.test", 7.5)
            for y, left, right in ((750, "MS ALEX CUSTOMER", "Account Name ALEX CUSTOMER"),
                                   (738, "1 HIGH STREET", "Sort Code 40-12-34 Account Number 12345678"),
                                   (726, "LONDON", "Sheet Number 43"),
                                   (714, "SW1A 1AA", "BIC EXMPGB2L IBAN GB29 EXMP 4012 3412 3456 78")):
                s.text(45, y, left, 9)
                s.text(320, y, right, 9)
            s.text(45, 690, "Your statement for 1 March to 31 March 2025", 10, bold=True)
            s.text(45, 670, "Account Summary", 10, bold=True)
            shown_in = credits + (Decimal("1.00") if wrong_total else 0)
            for y, label, value in ((656, "Opening Balance", "£" + bal(opening)),
                                    (644, "Payments In", "£" + money(shown_in)),
                                    (632, "Payments Out", "£" + money(debits)),
                                    (620, "Closing Balance", "£" + bal(closing))):
                s.text(45, y, label, 9)
                s.text(250, y, value, 9, align="right")
            s.text(45, 590, "Your transactions", 10, bold=True)
            top = 574
        else:
            s.text(45, 800, "EXAMPLE BANK UK PLC", 12, bold=True)
            s.text(w - 45, 800, "Your Statement", 10, bold=True, align="right")
            s.text(45, 786, "Sort Code 40-12-34 Account Number 12345678", 8)
            s.text(w - 45, 786, "1 March to 31 March 2025", 8, align="right")
            s.text(45, 760, "Your transactions (continued)", 10, bold=True)
            top = 744
        s.text(cols["date"], top, "Date", 8.5, bold=True)
        s.text(cols["desc"], top, "Payment type and details", 8.5, bold=True)
        s.text(cols["out"], top, "Paid out", 8.5, bold=True, align="right")
        s.text(cols["in"], top, "Paid in", 8.5, bold=True, align="right")
        s.text(cols["bal"], top, "Balance", 8.5, bold=True, align="right")
        s.rule(45, top - 4, w - 45)
        return top - 14

    def footer(pageno: int):
        s.text(45, 50, "Example Bank UK PLC. Registered in England and Wales (No. 0000000). "
                       "Registered Office: 1 Bank Street, London E14 5AA.", 6.5)
        s.text(45, 42, f"Authorised by the Prudential Regulation Authority. Page {pageno} of {npages}", 6.5)

    where, mismatch_at, pending_tamper = [], None, False
    balance = opening
    for pi, idxs in enumerate(pages, start=1):
        if pi > 1:
            s.new_page()
        y = header(pi)
        if pi == 1:
            s.text(cols["date"], y, start.strftime("%d %b"), 8.5)
        s.text(cols["desc"], y, "BALANCE BROUGHT FORWARD", 8.5)
        s.text(cols["bal"], y, bal(balance), 8.5, align="right")
        y -= pitch
        last_date = None
        for k, i in enumerate(idxs):
            t = txns[i]
            balance += t.amount
            shown = abs(t.amount) + (Decimal("10.00") if i == tamper else 0)
            pending_tamper = pending_tamper or i == tamper
            if t.date != last_date:
                s.text(cols["date"], y, t.date.strftime("%d %b"), 8.5)
                last_date = t.date
            end_of_day = k == len(idxs) - 1 or txns[idxs[k + 1]].date != t.date
            where.append((pi, y))
            line_ys = []
            for text in t.lines:
                s.text(cols["desc"], y, text, 8.5)
                line_ys.append(y)
                y -= pitch
            # The amount (and the day's balance) sit on the last line of a wrapped description, as HSBC prints them.
            s.text(cols["out" if t.amount < 0 else "in"], line_ys[-1], money(shown), 8.5, align="right")
            if end_of_day:
                s.text(cols["bal"], line_ys[-1], bal(balance), 8.5, align="right")
                if pending_tamper:
                    mismatch_at, pending_tamper = (pi, line_ys[-1]), False
        s.text(cols["desc"], y, "BALANCE CARRIED FORWARD", 8.5)
        s.text(cols["bal"], y, bal(balance), 8.5, align="right")
        footer(pi)
    pdf = s.finish()
    return Drawn("uk_bank", pdf, account, "GBP", start, end, opening, closing, tuple(txns), npages,
                 where=tuple(Where(p, s.line_number(p, y)) for p, y in where),
                 mismatch_at=mismatch_at and Where(mismatch_at[0], s.line_number(*mismatch_at)))


# ----------------------------------------------------------------------------------------- business statement

_COMPANIES = ["GLOBEX CORPORATION", "INITECH SOFTWARE LTD", "UMBRELLA LOGISTICS", "STARK INDUSTRIAL SUPPLY",
              "WAYNE ENTERPRISES", "HOOLI CLOUD SERVICES", "VANDELAY IMPORT EXPORT"]


def _business_description(rng: random.Random, credit: bool) -> str:
    who = rng.choice(_COMPANIES)
    if credit:
        return rng.choice([
            f"WIRE TRANSFER IN FROM {who} INVOICE {rng.randint(2024100, 2024999)} PAYMENT REMITTANCE ADVICE",
            f"ACH CREDIT {who} SETTLEMENT BATCH {rng.randint(1000, 9999)}",
            f"LOCKBOX DEPOSIT {rng.randint(10, 99)} ITEMS",
        ])
    return rng.choice([
        f"ACH DEBIT {who} VENDOR PAYMENT",
        f"WIRE TRANSFER OUT TO {who} FOR PURCHASE ORDER PO-{rng.randint(10000, 99999)} INCL BENEFICIARY BANK FEES",
        f"CHECK {rng.randint(5001, 5999)} PAID",
        "ACCOUNT ANALYSIS SERVICE CHARGE",
        f"CORPORATE CARD SETTLEMENT {rng.randint(1000, 9999)}",
        f"PAYROLL FUNDING ADP TOTALSOURCE {rng.randint(100000, 999999)}",
    ])


def business_pdf(seed: int = 3, n: int = 70, credit_style: str = "cr", tamper: int | None = None,
                 wrong_total: bool = False, compress: bool = True) -> Drawn:
    rng = random.Random(seed)
    start, end = dt.date(2024, 12, 15), dt.date(2025, 1, 14)
    opening = _cents(rng, 20000, 60000)
    txns, balance = [], opening
    for d in _dates(rng, n, start, end):
        credit = rng.random() < (0.3 if balance > 10000 else 0.8)
        amount = _cents(rng, 500, 25000) if credit else -_cents(rng, 40, 9000)
        balance += amount
        ref = f"FT{d:%y%j}{rng.choice('ABCDEFGHJK')}{rng.randint(1000, 9999)}"
        txns.append(Txn(d, amount, tuple(textwrap.wrap(_business_description(rng, credit), 38)), ref))
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    credits = sum((t.amount for t in txns if t.amount > 0), Decimal(0))
    debits = -sum((t.amount for t in txns if t.amount < 0), Decimal(0))
    ncredits = sum(1 for t in txns if t.amount > 0)
    account = "987654321"

    s = Sheet(LETTER, compress=compress)
    w = s.width
    cols = {"date": 50, "desc": 100, "ref": 340, "amt": 562}
    pitch = 11.5
    first_top, rest_top, bottom = 520, 682, 72
    pages = _paginate([len(t.lines) for t in txns], int((first_top - bottom) / pitch),
                      int((rest_top - bottom) / pitch))
    npages = len(pages)
    period = "Statement Period: 15 Dec 2024 - 14 Jan 2025"

    def amount_text(v: Decimal) -> str:
        if v < 0:
            return money(v)
        return f"({money(v)})" if credit_style == "parentheses" else f"{money(v)} CR"

    def header(pageno: int) -> float:
        if pageno == 1:
            s.text(50, 752, "NORTHWIND COMMERCIAL BANK", 15, bold=True)
            s.text(w - 50, 752, "Business Account Statement", 11, bold=True, align="right")
            s.text(50, 738, "Commercial Banking Centre, 200 Harbor Blvd, Oakland CA 94607", 7.5)
            for y, left, right in ((700, "ACME TRADING LLC", f"Account No. {account}"),
                                   (688, "ATTN: ACCOUNTS PAYABLE", "Currency: USD"),
                                   (676, "500 INDUSTRIAL WAY", period),
                                   (664, "OAKLAND CA 94607", f"Page 1 of {npages}")):
                s.text(50, y, left, 9)
                s.text(340, y, right, 9)
            s.text(50, 630, "Summary", 10, bold=True)
            shown_debits = debits + (Decimal("1.00") if wrong_total else 0)
            for y, label, value in ((616, "Opening Balance", smoney(opening)),
                                    (604, f"Total Credits ({ncredits})", money(credits)),
                                    (592, f"Total Debits ({len(txns) - ncredits})", money(shown_debits)),
                                    (580, "Closing Balance", smoney(closing))):
                s.text(50, y, label, 9)
                s.text(300, y, value, 9, align="right")
            s.text(50, 550, "Account Activity", 10, bold=True)
            top = 534
        else:
            s.text(50, 752, "NORTHWIND COMMERCIAL BANK", 12, bold=True)
            s.text(w - 50, 752, f"Page {pageno} of {npages}", 8, align="right")
            s.text(50, 738, f"Account No. {account} | {period}", 8)
            s.text(50, 712, "Account Activity (continued)", 10, bold=True)
            top = 696
        s.text(cols["date"], top, "Date", 8.5, bold=True)
        s.text(cols["desc"], top, "Transaction Details", 8.5, bold=True)
        s.text(cols["ref"], top, "Reference", 8.5, bold=True)
        s.text(cols["amt"], top, "Amount", 8.5, bold=True, align="right")
        s.rule(50, top - 4, w - 50)
        return top - 14

    where = []
    for pi, idxs in enumerate(pages, start=1):
        if pi > 1:
            s.new_page()
        y = header(pi)
        for i in idxs:
            t = txns[i]
            shown = (abs(t.amount) + (Decimal("10.00") if i == tamper else 0)) * (1 if t.amount > 0 else -1)
            s.text(cols["date"], y, t.date.strftime("%d %b").upper(), 8.5)
            s.text(cols["ref"], y, t.reference, 8.5)
            s.text(cols["amt"], y, amount_text(shown), 8.5, align="right")
            where.append((pi, y))
            for text in t.lines:
                s.text(cols["desc"], y, text, 8.5)
                y -= pitch
        if pi < npages:
            s.text(50, 40, "This statement is continued on the next page.", 7)
        else:
            s.text(w / 2, y - 12, "*** End of statement ***", 8, align="center")
        s.text(50, 30, "Northwind Commercial Bank. Member FDIC.", 7)
    pdf = s.finish()
    return Drawn("business", pdf, account, "USD", start, end, opening, closing, tuple(txns), npages,
                 where=tuple(Where(p, s.line_number(p, y)) for p, y in where))


# ------------------------------------------------------------------------------------------ not statements

def invoice_pdf() -> bytes:
    """A PDF with a table that is no bank statement (an unknown layout)."""
    s = Sheet(LETTER)
    s.text(50, 752, "ACME SUPPLIES INC.", 15, bold=True)
    s.text(50, 730, "INVOICE 2025-0042", 11, bold=True)
    s.text(50, 700, "Qty", 9, bold=True)
    s.text(100, 700, "Description", 9, bold=True)
    s.text(500, 700, "Total", 9, bold=True, align="right")
    for k in range(12):
        y = 686 - 12 * k
        s.text(50, y, str(k + 1), 9)
        s.text(100, y, f"Widget model {k}", 9)
        s.text(500, y, f"{(k + 1) * 12.5:,.2f}", 9, align="right")
    return s.finish()


def scanned_pdf(pages: int = 2) -> bytes:
    """A 'scanned' statement: every page is an image, there is no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    s = Sheet(LETTER)
    for p in range(pages):
        if p:
            s.new_page()
        img = Image.new("L", (612, 792), 255)
        draw = ImageDraw.Draw(img)
        for k in range(40):
            draw.rectangle((50, 60 + 17 * k, 50 + 40 + (k * 37) % 400, 68 + 17 * k), fill=40)
        s.c.drawImage(ImageReader(img), 0, 0, width=612, height=792)
    return s.finish()


def encrypted_pdf(user_password: str = "s3cret") -> bytes:
    """A statement protected with an open password (as some banks e-mail them)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    s = Sheet(LETTER, encrypt=StandardEncryption(user_password, ownerPassword="owner", strength=128))
    s.text(50, 752, "FIRST EXAMPLE BANK, N.A.", 15, bold=True)
    s.text(50, 700, "Account Statement", 12)
    return s.finish()


def heavy_pdf(lines: int = 3000, width: int = 100) -> bytes:
    """One page of tiny text, hundreds of thousands of characters: slow for any pure-Python reader."""
    s = Sheet(LETTER)
    s.c.setFont("Helvetica", 1)
    row = ("0123456789" * (width // 10 + 1))[:width]
    for k in range(lines):
        s.c.drawString(10, 780 - (k % 700), row)
    return s.finish()


# ------------------------------------------------------------------------------ layouts no template knows
# Statements for the layout inference (server/importers/pdf/infer.py): one generator drawing many banks' conventions, each a `Style`.
# None of them matches a built-in layout's markers, so every one is read by an inferred layout.

@dataclass(frozen=True)
class Style:
    """How one (made-up) bank prints its statement."""

    name: str
    bank: str
    title: str
    columns: tuple[str, ...]  # date, date2 (a second date column), desc, ref, debit, credit, amount, balance
    labels: dict  # column kind -> header label
    date_format: str  # strftime of a row's date
    period: str  # the period line, formatted with start= and end=
    summary: tuple[tuple[str, str], ...] = ()  # (label, figure): opening, closing, credits, debits
    money: str = "plain"  # amount column: "minus" (signed), "parentheses" (credits in parentheses), "card"
    balance_marks: bool = False  # balances printed "1,234.56 CR" / "12.00 DR"
    decimal: str = "."
    symbol: str = ""  # printed before figures in the summary
    currency: str = "USD"
    currency_line: bool = False  # "Currency: EUR" printed near the top
    once_a_day: bool = False  # the date printed on the first line of each day only
    card: bool = False
    pagesize: tuple = LETTER
    wrap: int = 40
    extra: tuple[str, ...] = ()  # more lines under the title (card statements: payment due)


def _fmt(v: Decimal, decimal: str) -> str:
    text = f"{abs(v):,.2f}"
    return text if decimal == "." else text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _generic_description(rng: random.Random, credit: bool, card: bool) -> str:
    if card:
        return ("PAYMENT RECEIVED - THANK YOU" if credit else
                f"{rng.choice(_US_MERCHANTS)} {rng.choice(_US_CITIES)}")
    who = rng.choice(_COMPANIES)
    if credit:
        return rng.choice([f"CREDIT TRANSFER FROM {who} INVOICE {rng.randint(1000, 9999)}",
                           f"CUSTOMER PAYMENT {who} REMITTANCE {rng.randint(10**5, 10**6 - 1)}",
                           "INTEREST EARNED"])
    return rng.choice([f"DIRECT DEBIT {who} MANDATE {rng.randint(10**6, 10**7 - 1)} MONTHLY SUBSCRIPTION",
                       f"CARD PAYMENT {rng.choice(_US_MERCHANTS)}",
                       f"STANDING ORDER RENT {rng.randint(1, 40)} HIGH STREET",
                       "ACCOUNT MAINTENANCE FEE",
                       f"TRANSFER TO {who} FOR ORDER {rng.randint(10000, 99999)} INCLUDING DELIVERY CHARGES"])


def styled_pdf(style: Style, seed: int = 1, n: int = 60, tamper: int | None = None,
               start: dt.date = dt.date(2025, 3, 1), end: dt.date = dt.date(2025, 3, 31)) -> Drawn:
    """A statement in `style`: every convention drawn from the truth it returns."""
    rng = random.Random(seed)
    opening = _cents(rng, 800, 5000)
    txns, balance = [], opening
    for d in _dates(rng, n, start, end):
        if style.card:
            credit = rng.random() < 0.06
            amount = _cents(rng, 100, 900) if credit else -_cents(rng, 3, 250)
        else:
            credit = rng.random() < (0.25 if balance > 1000 else 0.8)
            amount = _cents(rng, 200, 3000) if credit else -_cents(rng, 2, 700)
        ref = f"RF{rng.randint(100000, 999999)}" if "ref" in style.columns else ""
        txns.append(Txn(d, amount, tuple(textwrap.wrap(_generic_description(rng, credit, style.card), style.wrap)),
                        ref))
        balance += amount
    if style.card:
        opening = -_cents(rng, 300, 3000)  # owed: negative from the card holder's view
    closing = opening + sum((t.amount for t in txns), Decimal(0))
    credits = sum((t.amount for t in txns if t.amount > 0), Decimal(0))
    debits = -sum((t.amount for t in txns if t.amount < 0), Decimal(0))
    account = f"{rng.randint(10**7, 10**8 - 1)}"

    def fig(v: Decimal) -> str:
        return _fmt(v, style.decimal)

    def money_text(v: Decimal) -> str:
        """An amount-column figure (+ money in) as the style prints it."""
        if style.money == "minus":
            return ("-" if v < 0 else "") + fig(v)
        if style.money == "parentheses":
            return f"({fig(v)})" if v > 0 else fig(v)
        if style.money == "card":
            return ("-" if v > 0 else "") + "$" + fig(v)
        return fig(v)

    def balance_text(v: Decimal) -> str:
        if style.balance_marks:
            return f"{fig(v)} {'CR' if v >= 0 else 'DR'}"
        return ("-" if v < 0 else "") + fig(v)

    shown = {"opening": opening, "closing": closing, "credits": credits, "debits": debits}

    def summary_text(kind: str) -> str:
        v = shown[kind]
        if style.card and kind in ("opening", "closing"):
            v = -v  # a card statement prints what is owed
        return style.symbol + (fig(v) if kind in ("credits", "debits") or v >= 0 else "-" + fig(v))

    s = Sheet(style.pagesize)
    w, top_y = s.width, s.height - 40
    right = [w - 45 - 72 * k for k in range(4)]
    money_cols = [c for c in style.columns if c in ("debit", "credit", "amount", "balance")]
    x = {c: right[len(money_cols) - 1 - k] for k, c in enumerate(money_cols)}
    left = 45
    for c in style.columns:
        if c in ("date", "date2"):
            x[c] = left
            left += 62 if max(len(start.strftime(style.date_format)), len(style.labels[c])) > 6 else 40
        elif c == "desc":
            x[c] = left
            left += 200 if "ref" in style.columns else 0
        elif c == "ref":
            x[c] = left
    pitch = 11.5
    first_top, rest_top, bottom = top_y - 230, top_y - 70, 72
    pages = _paginate([len(t.lines) for t in txns], int((first_top - bottom) / pitch),
                      int((rest_top - bottom) / pitch))
    npages = len(pages)
    period = style.period.format(start=start, end=end)

    def header(pageno: int) -> float:
        s.text(45, top_y, style.bank, 14, bold=True)
        s.text(w - 45, top_y, f"Page {pageno} of {npages}", 8, align="right")
        if pageno == 1:
            s.text(45, top_y - 16, style.title, 11, bold=True)
            s.text(45, top_y - 40, "MS ALEX EXAMPLE", 9)
            s.text(45, top_y - 52, "12 SAMPLE ROAD, EXAMPLETOWN", 9)
            s.text(320, top_y - 40, f"Account number: {account}", 9)
            s.text(320, top_y - 52, period, 9)
            y = top_y - 64
            if style.currency_line:
                s.text(320, y, f"Currency: {style.currency}", 9)
                y -= 12
            for line in style.extra:
                s.text(320, y, line, 9)
                y -= 12
            y = top_y - 100
            s.text(45, y, "Summary", 10, bold=True)
            for label, kind in style.summary:
                y -= 12
                s.text(45, y, label, 9)
                s.text(300, y, summary_text(kind), 9, align="right")
            top = first_top + 14
        else:
            s.text(45, top_y - 14, f"Account number: {account}   {period}", 8)
            top = rest_top + 14
        for c in style.columns:
            if c in x:
                align = "right" if c in money_cols else "left"
                s.text(x[c], top, style.labels[c], 8.5, bold=True, align=align)
        s.rule(45, top - 4, w - 45)
        return top - 14

    where, mismatch_at, balance = [], None, opening
    for pi, idxs in enumerate(pages, start=1):
        if pi > 1:
            s.new_page()
        y = header(pi)
        last_date = None
        for i in idxs:
            t = txns[i]
            balance += t.amount
            printed = t.amount + (Decimal("10.00") * (1 if t.amount > 0 else -1) if i == tamper else 0)
            if not (style.once_a_day and t.date == last_date):
                s.text(x["date"], y, t.date.strftime(style.date_format), 8.5)
                if "date2" in x:
                    s.text(x["date2"], y, (t.date + dt.timedelta(days=1)).strftime(style.date_format), 8.5)
            last_date = t.date
            if "ref" in x:
                s.text(x["ref"], y, t.reference, 8.5)
            if "amount" in x:
                s.text(x["amount"], y, money_text(printed), 8.5, align="right")
            else:
                s.text(x["debit" if t.amount < 0 else "credit"], y, fig(printed), 8.5, align="right")
            if "balance" in x:
                s.text(x["balance"], y, balance_text(balance), 8.5, align="right")
                if i == tamper:
                    mismatch_at = (pi, y)
            where.append((pi, y))
            for text in t.lines:
                s.text(x["desc"], y, text, 8.5)
                y -= pitch
        s.text(45, 40, f"{style.bank} is authorised and regulated. Deposits are protected up to the limits of "
                       "the scheme.", 6.5)
        if pi < npages:
            s.text(w - 45, 30, "continued overleaf", 6.5, align="right")
    pdf = s.finish()
    return Drawn(style.name, pdf, account, style.currency, start, end, opening, closing, tuple(txns), npages,
                 where=tuple(Where(p, s.line_number(p, y)) for p, y in where),
                 mismatch_at=mismatch_at and Where(mismatch_at[0], s.line_number(*mismatch_at)))


_BALANCES = (("Opening balance", "opening"), ("Closing balance", "closing"))
STYLES = {
    # debit / credit / balance columns, dd.mm.yyyy dates, decimal commas, the currency printed on page 1
    "euro_giro": Style("euro_giro", "RHEINLAND GIROBANK AG", "Account statement",
                       ("date", "desc", "debit", "credit", "balance"),
                       {"date": "Date", "desc": "Transaction", "debit": "Debit", "credit": "Credit",
                        "balance": "Balance"}, "%d.%m.%Y", "Period: {start:%d.%m.%Y} - {end:%d.%m.%Y}",
                       _BALANCES, decimal=",", currency="EUR", currency_line=True),
    # one signed amount column (minus = money out), no running balance, dd/mm/yyyy, balances in the summary
    "signed_amount": Style("signed_amount", "THAMES VALLEY BUILDING SOCIETY", "Current account statement",
                           ("date", "desc", "amount"),
                           {"date": "Date", "desc": "Details", "amount": "Amount"}, "%d/%m/%Y",
                           "Statement period {start:%d/%m/%Y} to {end:%d/%m/%Y}", _BALANCES, money="minus",
                           symbol="£", currency="GBP", pagesize=A4),
    # debit / credit columns and a reference, no balances at all: only the printed totals tell them apart
    "totals_only": Style("totals_only", "PACIFIC TRADE BANK", "Transaction report",
                         ("date", "desc", "ref", "debit", "credit"),
                         {"date": "Value date", "desc": "Narrative", "ref": "Reference", "debit": "Withdrawals",
                          "credit": "Lodgements"}, "%Y-%m-%d", "Report period {start:%Y-%m-%d} to {end:%Y-%m-%d}",
                         (("Total debits", "debits"), ("Total credits", "credits")), wrap=34),
    # one amount column with credits in parentheses, a running balance, year-less "Mar 14" dates
    "parenthesised_credits": Style("parenthesised_credits", "GRANITE STATE SAVINGS", "Checking statement",
                                   ("date", "desc", "amount", "balance"),
                                   {"date": "Posted", "desc": "Activity", "amount": "Amount", "balance": "Balance"},
                                   "%b %d", "For the period {start:%B %d, %Y} - {end:%B %d, %Y}", _BALANCES,
                                   money="parentheses", symbol="$"),
    # money out / money in / balance, "14 Mar" dates printed once a day, wrapped descriptions
    "once_a_day": Style("once_a_day", "NORTHERN COUNTIES BANK", "Your account",
                        ("date", "desc", "debit", "credit", "balance"),
                        {"date": "Date", "desc": "Description", "debit": "Money out", "credit": "Money in",
                         "balance": "Balance"}, "%d %b", "{start:%d %B %Y} to {end:%d %B %Y}", _BALANCES,
                        once_a_day=True, symbol="£", currency="GBP", pagesize=A4, wrap=30),
    # a card statement: transaction and posting dates, charges plain, payments "-$", what is owed as balances
    "card": Style("card", "SUMMIT REWARDS VISA", "Credit card statement",
                  ("date", "date2", "desc", "amount"),
                  {"date": "Trans date", "date2": "Post date", "desc": "Description", "amount": "Amount"},
                  "%m/%d", "Billing period {start:%m/%d/%Y} - {end:%m/%d/%Y}",
                  (("Previous balance", "opening"), ("New balance", "closing")), money="card", symbol="$",
                  card=True, extra=("Minimum payment due $25.00", "Credit limit $5,000.00")),
    # debit / credit / balance with CR and DR marks on the balances, "05 Mar 2025" dates
    "cr_dr_balance": Style("cr_dr_balance", "TASMAN MUTUAL BANK", "Statement of account",
                           ("date", "desc", "debit", "credit", "balance"),
                           {"date": "Date", "desc": "Particulars", "debit": "Withdrawal", "credit": "Deposit",
                            "balance": "Balance"}, "%d %b %Y", "Statement period {start:%d %b %Y} to {end:%d %b %Y}",
                           (("Opening balance", "opening"),), balance_marks=True, currency="AUD"),
    # mm/dd/yyyy, debits / credits / balance, many pages (the benchmark's statement)
    "multi_page": Style("multi_page", "LAKESHORE COMMERCIAL BANK", "Business checking",
                        ("date", "desc", "debit", "credit", "balance"),
                        {"date": "Date", "desc": "Description", "debit": "Debits", "credit": "Credits",
                         "balance": "Balance"}, "%m/%d/%Y", "Statement period {start:%m/%d/%Y} - {end:%m/%d/%Y}",
                        (("Beginning balance", "opening"), ("Ending balance", "closing")), symbol="$"),
}
# Two figure columns both headed with the currency and no balance or total: either could be the debits.
AMBIGUOUS = Style("ambiguous", "HARBOUR PRIVATE BANK", "Account movements", ("date", "desc", "debit", "credit"),
                  {"date": "Date", "desc": "Text", "debit": "EUR", "credit": "EUR"}, "%d.%m.%Y",
                  "Period {start:%d.%m.%Y} - {end:%d.%m.%Y}", decimal=",", currency="EUR")
