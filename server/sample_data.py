"""A seeded sample month for the demo and the tests: a bank statement in a real bank's CSV style and the
GL cash lines of the same month, with what a real month holds (date lags, a batch deposit, checks still
outstanding, a deposit in transit, a wire received net of the bank's fee, bank fees, interest, an NSF return,
two identical payments to different vendors). The same seed always gives the same files."""
from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .records import GLBalance, LedgerLine

CENT = Decimal("0.01")

CUSTOMERS = ("Northwind Traders", "Contoso Ltd", "Fabrikam Inc", "Adventure Works", "Tailspin Toys",
             "Wide World Importers", "Litware Inc", "Proseware Inc", "Coho Winery", "Alpine Ski House")
VENDORS = ("Office Depot", "Staples", "Grainger", "Uline", "FedEx", "Amazon Business", "Verizon Wireless",
           "Comcast Business", "City Water Dept", "PG&E")


@dataclass(frozen=True)
class SampleTxn:
    """One economic event of the month and how it shows on each side (None: absent from that side)."""

    bank_date: dt.date | None
    gl_date: dt.date | None
    amount: Decimal  # account holder's sign
    bank_description: str
    bank_details: str  # Chase "Details": CREDIT, DEBIT, CHECK, DSLIP
    bank_type: str  # Chase "Type" code
    check_number: str = ""
    gl_reference: str = ""
    gl_description: str = ""
    gl_source: str = ""
    counterparty: str = ""
    gl_amount: Decimal | None = None  # when the GL books a different amount (wire net of fee)
    gl_parts: tuple[Decimal, ...] = ()  # a batch deposit: the bank line is one, the GL has these receipts


@dataclass(frozen=True)
class SampleMonth:
    account: str
    gl_account: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    opening_balance: Decimal
    txns: tuple[SampleTxn, ...]

    @property
    def bank_closing(self) -> Decimal:
        return self.opening_balance + sum((t.amount for t in self.txns if t.bank_date), Decimal(0))

    def ledger_lines(self) -> list[LedgerLine]:
        out: list[LedgerLine] = []
        for t in self.txns:
            if t.gl_date is None:
                continue
            parts = t.gl_parts or ((t.gl_amount if t.gl_amount is not None else t.amount),)
            for k, part in enumerate(parts, start=1):
                ref = f"{t.gl_reference}-{k}" if len(parts) > 1 else t.gl_reference
                out.append(LedgerLine(f"GL{len(out) + 1:04d}", t.gl_date, part, self.currency, ref,
                                      t.gl_description, t.gl_source, t.counterparty))
        return sorted(out, key=lambda ln: (ln.date, ln.line_id))

    def gl_balance(self) -> GLBalance:
        total = sum((ln.amount for ln in self.ledger_lines()), Decimal(0))
        return GLBalance(self.gl_account, self.period_end, self.opening_balance + total, self.currency)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


def build_sample_month(seed: int = 20261122, year: int = 2026, month: int = 10) -> SampleMonth:
    """A month of activity for one operating account; deterministic for a given seed."""
    rng = random.Random(seed)
    start = dt.date(year, month, 1)
    end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    days = (end - start).days

    def day(lo: int = 0, hi: int | None = None) -> dt.date:
        return start + dt.timedelta(days=rng.randint(lo, days - 4 if hi is None else hi))

    txns: list[SampleTxn] = []
    inv = 4100
    for _ in range(14):  # customer receipts by ACH, booked in the GL 0-3 days before the bank credits them
        cust = rng.choice(CUSTOMERS)
        amount = _money(rng, 400, 18000)
        bank = day(3)
        inv += rng.randint(1, 9)
        txns.append(SampleTxn(bank, bank - dt.timedelta(days=rng.randint(0, 3)), amount,
                              f"ORIG CO NAME:{cust.upper()[:16]} ORIG ID:{rng.randint(10**8, 10**9 - 1)} "
                              f"CO ENTRY DESCR:PAYMENT SEC:CCD IND NAME:INV {inv}",
                              "CREDIT", "ACH_CREDIT", gl_reference=f"INV-{inv}",
                              gl_description=f"Receipt {cust} invoice {inv}", gl_source="AR", counterparty=cust))
    # a batch deposit: three cheques from customers deposited together, one line on the statement
    parts = tuple(_money(rng, 300, 4000) for _ in range(3))
    bank = day(5)
    txns.append(SampleTxn(bank, bank - dt.timedelta(days=1), sum(parts, Decimal(0)),
                          "DEPOSIT  ID NUMBER 448120", "DSLIP", "DEPOSIT", gl_reference="DEP-448120",
                          gl_description="Counter deposit, 3 customer cheques", gl_source="AR",
                          counterparty="Various", gl_parts=parts))
    check = 10231
    for _ in range(12):  # checks to vendors: written (GL) 2-9 days before they clear (bank)
        vendor = rng.choice(VENDORS)
        amount = -_money(rng, 80, 6000)
        written = day(0, days - 12)
        check += 1
        txns.append(SampleTxn(written + dt.timedelta(days=rng.randint(2, 9)), written, amount, f"CHECK {check}",
                              "CHECK", "CHECK_PAID", check_number=str(check), gl_reference=str(check),
                              gl_description=f"Check {check} {vendor}", gl_source="AP", counterparty=vendor))
    for _ in range(2):  # outstanding checks: written late in the month, not yet presented
        vendor = rng.choice(VENDORS)
        check += 1
        txns.append(SampleTxn(None, end - dt.timedelta(days=rng.randint(0, 3)), -_money(rng, 150, 2500), "",
                              "", "", check_number=str(check), gl_reference=str(check),
                              gl_description=f"Check {check} {vendor}", gl_source="AP", counterparty=vendor))
    for _ in range(8):  # card purchases
        vendor = rng.choice(VENDORS)
        when = day(1)
        txns.append(SampleTxn(when, when - dt.timedelta(days=rng.randint(0, 2)), -_money(rng, 12, 900),
                              f"{vendor.upper()} {rng.randint(1000, 9999)} CARD 4417", "DEBIT", "DEBIT_CARD",
                              gl_reference=f"CC-{rng.randint(10000, 99999)}", gl_description=f"{vendor} purchase",
                              gl_source="AP", counterparty=vendor))
    for pay_day in (15, days - 1 if days - 1 < 28 else 28):  # payroll
        when = start + dt.timedelta(days=pay_day - 1)
        txns.append(SampleTxn(when, when, -_money(rng, 21000, 26000),
                              "ORIG CO NAME:ADP PAYROLL CO ENTRY DESCR:PAYROLL SEC:CCD", "DEBIT", "ACH_DEBIT",
                              gl_reference=f"PR-{when:%m%d}", gl_description="Payroll net pay",
                              gl_source="Payroll", counterparty="ADP"))
    # two identical payments to different vendors on nearby days: exact amount alone cannot tell them apart
    for vendor, offset in (("Grainger", 0), ("Uline", 1)):
        when = start + dt.timedelta(days=9 + offset)
        txns.append(SampleTxn(when, when - dt.timedelta(days=1), Decimal("-500.00"),
                              f"ORIG CO NAME:{vendor.upper()} CO ENTRY DESCR:ACH PMT SEC:CCD", "DEBIT", "ACH_DEBIT",
                              gl_reference=f"ACH-{vendor[:3].upper()}", gl_description=f"ACH payment {vendor}",
                              gl_source="AP", counterparty=vendor))
    # a wire received net of the bank's incoming wire fee: the GL books the invoice amount
    when = day(4)
    txns.append(SampleTxn(when, when, Decimal("24985.00"),
                          "WIRE TRANSFER VIA: BANK OF EXAMPLE/026009593 ORG: FABRIKAM INC REF: INV 5120",
                          "CREDIT", "WIRE_INCOMING", gl_reference="INV-5120",
                          gl_description="Receipt Fabrikam Inc invoice 5120", gl_source="AR",
                          counterparty="Fabrikam Inc", gl_amount=Decimal("25000.00")))
    # a deposit returned unpaid (NSF): the GL has the receipt, the bank the deposit and its return
    when = day(2, days - 10)
    nsf = _money(rng, 800, 2400)
    txns.append(SampleTxn(when, when, nsf, "REMOTE ONLINE DEPOSIT #          1", "DSLIP", "DEPOSIT",
                          gl_reference="INV-4990", gl_description="Receipt Coho Winery invoice 4990",
                          gl_source="AR", counterparty="Coho Winery"))
    txns.append(SampleTxn(when + dt.timedelta(days=4), None, -nsf, "DEPOSITED ITEM RETURNED NSF", "DEBIT",
                          "RETURN", counterparty="Coho Winery"))
    # bank-only items the GL does not have yet
    txns.append(SampleTxn(end, None, Decimal("-25.00"), "MONTHLY SERVICE FEE", "DEBIT", "FEE_TRANSACTION"))
    txns.append(SampleTxn(end, None, (Decimal(rng.randint(150, 900)) * CENT), "INTEREST PAYMENT", "CREDIT",
                          "MISC_CREDIT"))
    # a deposit in transit: booked in the GL on the last day, credited by the bank next month
    txns.append(SampleTxn(None, end, _money(rng, 900, 5000), "", "", "", gl_reference="DEP-448131",
                          gl_description="Counter deposit, customer cheque", gl_source="AR",
                          counterparty="Litware Inc"))
    return SampleMonth("000000123456789", "1010", "USD", start, end, Decimal("48250.00"), tuple(txns))


def write_chase_csv(month: SampleMonth, path: Path) -> Path:
    """The statement as Chase's business-account CSV download writes it: newest first, signed amounts,
    a running balance, MM/DD/YYYY dates."""
    rows = [t for t in month.txns if t.bank_date is not None]
    rows.sort(key=lambda t: (t.bank_date, t.bank_description))
    balance = month.opening_balance
    out = []
    for t in rows:
        balance += t.amount
        out.append((t.bank_details, t.bank_date.strftime("%m/%d/%Y"), t.bank_description, format(t.amount, "f"),
                    t.bank_type, format(balance, "f"), t.check_number))
    out.reverse()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"))
        w.writerows(out)
    return path
