"""Realistic bank statement PDFs drawn with reportlab, plus the truth they were drawn from.

Three layouts modelled on the statements accountants receive:
- `us_retail_pdf`: a US retail bank, separate Withdrawals / Deposits columns, a running balance on every line,
  year-less "mm/dd" dates, a summary box with the totals, a "Daily ending balance" table after the transactions;
- `uk_bank_pdf`: a UK high-street bank, "Paid out / Paid in / Balance", dates like "14 Mar" printed once per day,
  the balance printed at the end of each day (with "D" when overdrawn), balance brought/carried forward rows;
- `business_pdf`: a business statement with one Amount column, credits marked "CR" or in parentheses,
  year-less "28 DEC" dates across a December -> January boundary, a Reference column, no balance column.

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
