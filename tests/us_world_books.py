"""Seeded generator of a US company's operating bank account and its cash GL account for a year, written blind.

Why a third books generator: the engine scores 0.99 on tests/books_data.py but about 0.80 on independent US books,
so that generator is easier than the world in ways nobody had named. This one is written from US bookkeeping as it
is practised (issue 12, blindus14), without reading the engine or the other generator's internals:

- the GL side is a QuickBooks/NetSuite/Sage export of the cash account: Num (reference), Name (counterparty), Memo
  (description, typed by people: "Deposit", "Customer payment", "inv 10234 pmt", typos in names), Type (source);
- the bank side as BAI2, OFX and US CSV exports write it: ALL CAPS, names abbreviated (INTL, CORP, SVCS) and cut
  at NACHA's 16 characters, OFX NAME cut at 32, ACH CCD addenda "ORIG CO NAME:... CO ENTRY DESCR:... IND ID:...",
  "FEDWIRE CREDIT VIA: ... B/O: ... REF: ...", bare "DEPOSIT", "CHECK PAID";
- receipts: customer ACH, single checks, lockbox and branch deposits of many checks (booked receipt by receipt or
  as one deposit), card-processor payouts net of fees over one to three sales days, wires net of an intermediary
  fee; payments: checks cleared days to weeks later, out of order, voided and reissued, stale; vendor ACH, bill-pay
  runs in one debit, payroll (net pay, taxes, fees; per-employee lines in small companies), loan payments split
  principal/interest, card payments, transfers, sweeps (daily, or one net GL line a month), sales tax, monthly
  analysis fees, NSF returns and redeposits, rent and subscriptions of equal amounts every month;
- the negatives a cash account really has: duplicated entries, keyed amounts with transposed digits, outstanding
  items, items cut off at the year's ends.

Every difficulty is a field of `USDials` (default: a realistic mid-size company; `hard_dials()` turns them up).
Scored with tests/books_data.py's `evaluate_by_kind` (one category per true group kind, negatives by line kind).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
from match_data import MatchData, _Builder, _finish

# Words of made-up company names and the abbreviations banks print for them.
STEMS = ("HARBOR POINT SUMMIT RIDGE CEDAR FALCON GRANITE LIBERTY PIONEER MAPLE EAGLE BEACON KEYSTONE COPPER "
         "MERIDIAN NORTHSTAR ATLAS ORCHARD SILVERLINE BLUEWATER REDWOOD IRONGATE LAKESHORE PRAIRIE HIGHLAND "
         "CRESCENT TRINITY VANGUARD STERLING ALPINE CANYON COASTAL FRONTIER HERITAGE MONARCH PINNACLE "
         "RIVERBEND SADDLEBACK TIMBERLINE WESTGATE").split()
NOUNS = ("International Corporation|Industrial Services|Manufacturing Company|Technologies|Associates|"
         "Distribution|Logistics|Supply|Holdings|Construction|Medical Group|Foods|Electric|Partners|Systems|"
         "Engineering|Consulting Group|Equipment Rental|Building Products|Auto Parts").split("|")
LEGAL = (", Inc.", " LLC", ", Inc", " Corp.", " Co.", "", " L.P.", ", LLC")
ABBREV = {"INTERNATIONAL": "INTL", "CORPORATION": "CORP", "SERVICES": "SVCS", "COMPANY": "CO",
          "MANUFACTURING": "MFG", "TECHNOLOGIES": "TECH", "ASSOCIATES": "ASSOC", "DISTRIBUTION": "DIST",
          "CONSTRUCTION": "CONSTR", "ENGINEERING": "ENGR", "EQUIPMENT": "EQUIP", "PRODUCTS": "PROD",
          "INDUSTRIAL": "INDL", "CONSULTING": "CONSLT", "MEDICAL": "MED", "HOLDINGS": "HLDGS"}
US = "WESTLAKE PRECISION INC"  # the account holder, as its bank prints it
RECEIPT_MEMOS = ("", "", "Customer payment", "Deposit", "payment", "Pmt", "ACH")
RETURN_TEXTS = ("RETURNED ITEM", "DEPOSITED ITEM RETURNED NSF", "RETURN ITEM CHARGEBACK", "NSF RETURN",
                "ACH RETURN R01", "RETURNED DEPOSIT ITEM R02")

# Share of bank events by category (the rest of a category's lines follow from its shape).
MIX = {
    "ach_in": 0.16, "check_in": 0.09, "wire_in": 0.03, "wire_net": 0.012, "lockbox": 0.03, "deposit_batch": 0.03,
    "merchant": 0.06, "ap_check": 0.14, "ap_ach": 0.12, "ap_batch": 0.02, "payroll": 0.006, "loan": 0.004,
    "card_pay": 0.01, "transfer": 0.02, "sweep": 0.008, "tax": 0.01, "bank_fee": 0.005, "nsf": 0.006,
    "recurring": 0.05, "bank_only": 0.01, "duplicate": 0.005, "typo": 0.005, "ledger_only": 0.015,
    "stale_check": 0.01, "void": 0.005,
}
NEGATIVES = ("duplicate", "typo", "ledger_only", "bank_only", "stale_check", "void", "cutoff")


@dataclass(frozen=True)
class USDials:
    """Every difficulty of US books on a dial; the defaults are a realistic mid-size company."""
    span_days: int = 365
    mix: dict = field(default_factory=lambda: dict(MIX))
    text_style: tuple = (0.4, 0.3, 0.3)  # BAI2 with addenda, OFX NAME cut at 32, US CSV export
    type_other: float = 0.3  # bank lines whose type says only "other" (CSV exports without a type column)
    name_typo: float = 0.05  # GL names typed with a typo
    name_cut: int = 16  # NACHA company-name field
    ledger_after: float = 0.12  # 1:1 pairs the GL books 3..7 days after the bank
    invoice_in_bank: float = 0.5  # ACH/wire receipts whose bank text carries an invoice number
    invoice_in_memo: float = 0.4  # ... and whose GL memo or Num does
    check_num_missing: float = 0.15  # cleared checks with the serial only in the text (or nowhere)
    check_clear_max: int = 45  # days a check may take to clear
    batch_booked_single: float = 0.35  # lockbox/branch deposits the GL books as one deposit line (1:1)
    batch_max: int = 12
    batch_offset: int = 3  # GL books a deposit's receipts this many days either side of the bank
    merchant_fee_booked: float = 0.5  # payouts whose fee the GL books as a line (else fees monthly: net differs)
    merchant_single: float = 0.3  # payouts the GL books as one net deposit
    wire_fee_max_cents: int = 4500
    payroll_per_employee: float = 0.15
    sweep_monthly: float = 0.3  # sweeps the GL books as one line a month (n:1)
    loan_split: float = 0.5  # loan payments the GL books as principal and interest lines
    recurring_same_amount: float = 0.5  # recurring vendors sharing a round amount with another one


def hard_dials(d: USDials = USDials()) -> USDials:
    """Every difficulty turned up (the 'dialled-up' setting)."""
    mix = dict(d.mix, lockbox=0.05, deposit_batch=0.05, merchant=0.08, nsf=0.015, duplicate=0.012, typo=0.01,
               wire_net=0.025, void=0.01)
    return replace(d, mix=mix, type_other=0.6, name_typo=0.12, ledger_after=0.25, invoice_in_bank=0.35,
                   check_num_missing=0.35, batch_booked_single=0.1, merchant_single=0.1, batch_offset=5,
                   payroll_per_employee=0.3, sweep_monthly=0.5, recurring_same_amount=0.8, text_style=(0.2, 0.5, 0.3))


def dense_dials(d: USDials = USDials()) -> USDials:
    """The same lines over 5 weeks instead of a year (the density sweep)."""
    return replace(d, span_days=35)


@dataclass
class USWorldData(MatchData):
    dials: USDials = field(default_factory=USDials)


class _Books:
    """Collects lines as rows; `group` ties a true match (-1: none). Dates are day numbers since the epoch."""

    def __init__(self):
        self.bank: list[tuple] = []
        self.ledger: list[tuple] = []
        self.proposal: set[int] = set()
        self.groups = 0

    def group(self) -> int:
        self.groups += 1
        return self.groups

    def b(self, day, cents, ref, desc, typ, chk, group, kind, proposal=False):
        if proposal:
            self.proposal.add(len(self.bank))
        self.bank.append((int(day), int(cents), ref, desc, typ, chk, group, kind))

    def g(self, day, cents, num, memo, source, name, group, kind):
        self.ledger.append((int(day), int(cents), num, memo, source, name, group, kind))


class _World:
    """The company's counterparties, numbering and the random choices every category shares."""

    def __init__(self, rng, n, d: USDials, start: dt.date):
        self.rng, self.d = rng, d
        self.day0 = (start - dt.date(1970, 1, 1)).days
        self.n = n
        self.customers = np.array(self._names(max(40, n // 25)), dtype=object)
        self.vendors = np.array(self._names(max(30, n // 40)), dtype=object)
        self.invoice = int(rng.integers(1000, 60000))
        self.check = int(rng.integers(1001, 9000))
        self.deposit_id = int(rng.integers(100000, 900000))
        self.round_amounts = [int(a) for a in rng.choice([4900, 9900, 19900, 50000, 100000, 250000, 500000], 12)]
        self.settled: dict[str, set[int]] = {}  # a processor's sales days already paid (each once)

    def _names(self, k):
        rng = self.rng
        out = {f"{a.title()} {b}{c}" for a, b, c in zip(rng.choice(STEMS, 3 * k), rng.choice(NOUNS, 3 * k),
                                                       rng.choice(LEGAL, 3 * k))}
        return sorted(out)[:k] if len(out) >= k else sorted(out)

    # --- dates -------------------------------------------------------------------------------------------
    def business_day(self) -> int:
        while True:
            day = self.day0 + int(self.rng.integers(0, self.d.span_days))
            if dt.date.fromordinal(day + 719163).weekday() < 5:
                return day

    def after(self, day, k) -> int:
        """k business days after (or before, k < 0) day."""
        step = 1 if k >= 0 else -1
        while k:
            day += step
            if dt.date.fromordinal(day + 719163).weekday() < 5:
                k -= step
        return day

    def gl_lag(self) -> int:
        """Days from the bank date to the GL date of a 1:1 pair: mostly 0..2 either way, sometimes a week late."""
        r = self.rng.random()
        if r < self.d.ledger_after:
            return int(self.rng.integers(3, 8))
        return int(self.rng.choice([0, 0, 0, 0, 1, 1, 2, -1, -1, -2]))

    # --- texts -------------------------------------------------------------------------------------------
    def bank_name(self, name, cut=None) -> str:
        words = [w.strip(".,&") for w in name.upper().replace(",", " ").split()]
        words = [ABBREV.get(w, w) for w in words if w]
        text = " ".join(words)
        return text[: cut or self.d.name_cut].strip()

    def typed_name(self, name) -> str:
        """The name as a bookkeeper typed it: usually right, sometimes a letter dropped or swapped."""
        if self.rng.random() >= self.d.name_typo or len(name) < 6:
            return name
        i = int(self.rng.integers(1, len(name) - 2))
        return name[:i] + name[i + 1] + name[i] + name[i + 2:] if self.rng.random() < 0.5 else name[:i] + name[i + 1:]

    def style(self) -> int:
        return int(self.rng.choice(3, p=self.d.text_style))

    def btype(self, kind) -> str:
        return "other" if self.rng.random() < self.d.type_other else kind

    def amount(self, lo=2000, hi=2_500_000) -> int:
        """Log-normal cents; out of [lo, hi] drawn again uniformly (clipping would heap equal amounts at the ends)."""
        a = int(np.exp(self.rng.normal(np.log(180000), 1.3)))
        return a if lo <= a <= hi else int(self.rng.integers(lo, hi + 1))

    def pick(self, names) -> str:
        return str(names[int(self.rng.integers(0, len(names)))])

    def inv(self) -> int:
        self.invoice += int(self.rng.integers(1, 4))
        return self.invoice

    def inv_bank(self, inv) -> str:
        return str(self.rng.choice([f"INV {inv}", f"INV{inv}", f"{inv}", f"INV-{inv}", f"INVOICE {inv}",
                                    f"0000{inv}"]))

    def inv_memo(self, inv) -> str:
        return str(self.rng.choice([f"Inv {inv}", f"Invoice #{inv}", f"inv {inv} pmt", f"#{inv}", f"INV{inv}"]))

    def yymmdd(self, day) -> str:
        return dt.date.fromordinal(day + 719163).strftime("%y%m%d")

    def digits(self, k) -> str:
        return "".join(str(x) for x in self.rng.integers(0, 10, k))

    def ach_text(self, name, descr, ind_id, day) -> str:
        """A CCD/PPD entry as BAI2, OFX or a CSV export prints it."""
        co = self.bank_name(name, 16)
        s = self.style()
        if s == 0:
            return (f"ORIG CO NAME:{co} ORIG ID:{self.digits(10)} DESC DATE:{self.yymmdd(day)} CO ENTRY "
                    f"DESCR:{descr[:10]} SEC:CCD TRACE#:{self.digits(15)} EED:{self.yymmdd(day)} "
                    f"IND ID:{ind_id[:15]} IND NAME:{US[:22]}")
        if s == 1:
            return f"{co:<16} {descr[:10]}"[:32].rstrip()
        return f"ACH CREDIT {co} {descr[:10]} {ind_id}".strip()


def generate_usworld(n: int, seed: int = 14, dials: USDials = USDials(),
                     start: dt.date = dt.date(2024, 1, 1)) -> USWorldData:
    """About n bank lines of a year's operating account and the cash GL lines that go with them."""
    rng = np.random.default_rng(seed)
    w = _World(rng, n, dials, start)
    books = _Books()
    cats = list(dials.mix)
    p = np.array([dials.mix[c] for c in cats], dtype=float)
    p /= p.sum()
    for spec in _recurring_vendors(w):
        _recurring(w, books, spec)
    cum = np.cumsum(p)
    while len(books.bank) < n:
        MAKERS[cats[min(int(np.searchsorted(cum, rng.random())), len(cats) - 1)]](w, books)
    return _finish_books(books, w, rng, dials)


# --- receipts -------------------------------------------------------------------------------------------------
def _ach_in(w: _World, bk: _Books, kind="ach_in"):
    cust, day, amt, inv = w.pick(w.customers), w.business_day(), w.amount(), w.inv()
    g = bk.group()
    ind = w.inv_bank(inv) if w.rng.random() < w.d.invoice_in_bank else w.digits(8)
    descr = w.pick(["PAYMENT", "ACH PMT", "VENDOR PMT", "EDI PYMNTS", "PAYABLES", "CORP PAY"])
    bk.b(day, amt, "", w.ach_text(cust, descr, ind, day), w.btype("ach"), "", g, kind)
    memo_has = w.rng.random() < w.d.invoice_in_memo
    bk.g(day + w.gl_lag(), amt, str(inv) if memo_has and w.rng.random() < 0.5 else "",
         w.inv_memo(inv) if memo_has else w.pick(RECEIPT_MEMOS), "Payment", w.typed_name(cust), g, kind)


def _check_in(w: _World, bk: _Books, kind="check_in"):
    cust, day, amt = w.pick(w.customers), w.business_day(), w.amount(hi=400_000)
    g = bk.group()
    w.deposit_id += 1
    desc = w.pick(["DEPOSIT", "REMOTE DEPOSIT", "MOBILE DEPOSIT", f"DEPOSIT ID NUMBER {w.deposit_id}",
                             "BRANCH DEPOSIT"])
    bk.b(day, amt, "", desc, w.btype("deposit"), "", g, kind)
    single = w.rng.random() < 0.5  # QuickBooks: a Deposit from undeposited funds, no name
    bk.g(day + w.gl_lag(), amt, "" if single else w.digits(int(w.rng.integers(3, 7))),
         "Deposit" if single else w.pick(RECEIPT_MEMOS), "Deposit" if single else "Payment",
         "" if single else w.typed_name(cust), g, kind)
    return day, amt, cust


def _wire_in(w: _World, bk: _Books, kind="wire_in", fee=0):
    cust, day, amt, inv = w.pick(w.customers), w.business_day(), w.amount(lo=50_000, hi=9_000_000), w.inv()
    g = bk.group()
    ref = w.inv_bank(inv) if w.rng.random() < w.d.invoice_in_bank else w.digits(10)
    bank_cust = w.bank_name(cust, 35)
    s = w.style()
    via = w.pick(["JPMORGAN CHASE BANK/021000021", "BANK OF AMERICA N.A./026009593",
                            "WELLS FARGO BANK/121000248", "CITIBANK N.A./021000089", "HSBC BANK USA/021001088"])
    text = (f"FEDWIRE CREDIT VIA: {via} B/O: {bank_cust} REF: CHASE NYC/CTR/BNF={US}/{ref} IMAD: "
            f"{w.yymmdd(day)}B1QGC01R{w.digits(6)}" if s == 0 else
            f"WIRE IN {bank_cust}"[:32] if s == 1 else f"INCOMING WIRE {bank_cust} {ref}")
    bk.b(day, amt - fee, f"{w.yymmdd(day)}{w.digits(6)}", text, w.btype("wire"), "", g, kind)
    memo_has = w.rng.random() < w.d.invoice_in_memo
    bk.g(day + w.gl_lag(), amt, str(inv) if memo_has else "", w.inv_memo(inv) if memo_has else "Wire received",
         "Payment", w.typed_name(cust), g, kind)
    if fee and w.rng.random() < 0.3:  # the fee booked as its own line of the same receipt
        bk.g(day + w.gl_lag(), -fee, "", "Wire fee", "Journal Entry", "", g, kind)


def _wire_net(w: _World, bk: _Books):
    _wire_in(w, bk, "wire_net", fee=int(w.rng.integers(800, w.d.wire_fee_max_cents + 1)))


def _receipts_batch(w: _World, bk: _Books, kind, bank_desc, typ):
    k = int(w.rng.integers(2, w.d.batch_max + 1))
    day, g = w.business_day(), bk.group()
    amts = [w.amount(hi=500_000) for _ in range(k)]
    bk.b(day, sum(amts), "", bank_desc(k), w.btype(typ), "", g, kind)
    if w.rng.random() < w.d.batch_booked_single:
        bk.g(day + w.gl_lag(), sum(amts), "", w.pick(["Deposit", "Lockbox deposit", "deposit"]),
             "Deposit", "", g, kind)
        return
    gl_day = day + int(w.rng.integers(-w.d.batch_offset, w.d.batch_offset + 1))
    for a in amts:
        bk.g(gl_day, a, w.digits(int(w.rng.integers(3, 7))), w.pick(RECEIPT_MEMOS), "Payment",
             w.typed_name(w.pick(w.customers)), g, kind)


def _lockbox(w: _World, bk: _Books):
    box = w.digits(4)
    _receipts_batch(w, bk, "lockbox", lambda k: w.pick(
        [f"LOCKBOX DEPOSIT {box}", f"LOCKBOX {box} DEP {k} ITEMS", "LOCKBOX DEPOSIT", f"WHOLESALE LOCKBOX {box}"]),
        "deposit")


def _deposit_batch(w: _World, bk: _Books):
    _receipts_batch(w, bk, "deposit_batch", lambda k: w.pick(
        ["DEPOSIT", "REMOTE DEPOSIT CAPTURE", f"DEPOSIT {k} ITEMS", "BRANCH DEPOSIT"]), "deposit")


def _merchant(w: _World, bk: _Books):
    """A card processor's payout: one to three sales days (Monday: the weekend), net of the processor's fees.

    A processor settles each sales day once: a payout whose days another payout of the same processor already
    covered is drawn again (a real processor never pays one day's sales twice). The company has one merchant account
    per processor, so larger books hold no more payouts than a year has sales days (several locations booked under
    one processor's name in the GL are not generated: the fee-band rule cannot tell their days apart)."""
    proc = w.pick(["STRIPE", "SQUARE", "BANKCARD", "AMEX"])
    paid = w.settled.setdefault(proc, set())
    for _ in range(20):
        day = w.business_day()
        days = 3 if dt.date.fromordinal(day + 719163).weekday() == 0 else int(w.rng.choice([1, 1, 2]))
        sales_days = {w.after(day, -(days - i)) for i in range(days)}
        if not sales_days & paid:
            break
    else:
        return  # every sales day of this processor near the draws is paid: the year is full
    paid |= sales_days
    g = bk.group()
    gross = [[w.amount(lo=5_000, hi=1_500_000) for _ in range(int(w.rng.integers(1, 3)))] for _ in range(days)]
    total = sum(sum(x) for x in gross)
    # 2.9% plus 30 cents per card charge, the charges being the day's sales over an average ticket of 40-200.00
    charges = sum(max(1, a // int(w.rng.integers(4_000, 20_001))) for amts in gross for a in amts)
    fee = int(round(total * 0.029)) + 30 * charges
    text = {"STRIPE": f"STRIPE TRANSFER ST-{w.digits(4)}X{w.digits(6)}", "SQUARE": f"SQUARE INC {w.yymmdd(day)}P2 L{w.digits(6)}",
            "BANKCARD": f"BANKCARD DEPOSIT {w.digits(9)}", "AMEX": f"AMERICAN EXPRESS SETTLEMENT {w.digits(10)}"}[proc]
    kind = "merchant" if w.rng.random() < w.d.merchant_fee_booked else "merchant_net"
    bk.b(day, total - fee, "", text[:32] if w.style() == 1 else text, w.btype("deposit"), "", g, kind)
    if w.rng.random() < w.d.merchant_single:
        bk.g(day + w.gl_lag(), total - fee, "", f"{proc.title()} payout", "Deposit", proc.title(), g, kind)
        return
    for i, amts in enumerate(gross):
        sale_day = w.after(day, -(days - i))
        for a in amts:
            bk.g(sale_day, a, "", w.pick(["Daily sales", "Sales receipt", "Card sales"]), "Sales Receipt",
                 proc.title(), g, kind)
    if kind == "merchant":
        bk.g(day, -fee, "", "Merchant fees", "Journal Entry", proc.title(), g, kind)
    # else the fees are booked once a month: the bank is short of the sales by the fees (a fee-deducted group)


# --- payments ---------------------------------------------------------------------------------------------------
def _clear_day(w: _World, day) -> int:
    return w.after(day, int(min(w.d.check_clear_max, w.rng.gamma(2.0, 4.0)) + 1))


def _check_text(w: _World, serial) -> tuple[str, str]:
    """(text, check_number field) of a cleared check."""
    if w.rng.random() < w.d.check_num_missing:
        return w.pick([f"CHECK {serial}", f"CHK #{serial:010d}", "CHECK PAID", f"CHECK # {serial}"]), ""
    return w.pick(["CHECK", "CHECK PAID", f"CHECK {serial}", "CHECK POSTED"]), str(serial)


def _ap_check(w: _World, bk: _Books, kind="ap_check", cleared=True):
    vend, day, amt = w.pick(w.vendors), w.business_day(), w.amount(hi=1_000_000)
    w.check += 1
    g = bk.group() if cleared else -1
    bk.g(day, -amt, str(w.check), w.pick(["", "", f"Acct {w.digits(6)}", w.inv_memo(w.inv())]),
         w.pick(["Bill Payment (Check)", "Check"]), w.typed_name(vend), g, kind)
    if cleared:
        text, chk = _check_text(w, w.check)
        bk.b(_clear_day(w, day), -amt, "", text, w.btype("check"), chk, g, kind)
    return day, amt, vend


def _stale_check(w: _World, bk: _Books):
    _ap_check(w, bk, "stale_check", cleared=False)


def _void(w: _World, bk: _Books):
    """A check voided (reversing entry) and reissued under a new serial; only the new one clears."""
    day, amt, vend = _ap_check(w, bk, "void", cleared=False)
    serial = w.check
    bk.g(w.after(day, int(w.rng.integers(3, 20))), amt, str(serial), f"VOID chk {serial}", "Journal Entry",
         vend, -1, "void")
    w.check += 1
    g, re_day = bk.group(), w.after(day, int(w.rng.integers(4, 22)))
    bk.g(re_day, -amt, str(w.check), "reissue", "Bill Payment (Check)", vend, g, "ap_check")
    text, chk = _check_text(w, w.check)
    bk.b(_clear_day(w, re_day), -amt, "", text, w.btype("check"), chk, g, "ap_check")


def _ap_ach(w: _World, bk: _Books):
    vend, day, amt = w.pick(w.vendors), w.business_day(), w.amount(hi=800_000)
    g = bk.group()
    descr = w.pick(["PAYMENT", "AUTOPAY", "WEB PMT", "INS PREM", "UTILITY", "BILLPAY"])
    text = w.ach_text(vend, descr, w.digits(10), day).replace("ACH CREDIT", "ACH DEBIT")
    bk.b(day, -amt, "", text, w.btype("ach"), "", g, "ap_ach")
    bk.g(day + w.gl_lag(), -amt, "", w.pick(["", "ACH", "autopay", w.inv_memo(w.inv())]),
         w.pick(["Bill Payment", "Expense"]), w.typed_name(vend), g, "ap_ach")


def _ap_batch(w: _World, bk: _Books):
    """A bill-pay run the bank originates as one ACH batch debit; the GL books one bill payment per vendor."""
    k, day, g = int(w.rng.integers(2, 16)), w.business_day(), bk.group()
    amts = [w.amount(hi=600_000) for _ in range(k)]
    bk.b(w.after(day, int(w.rng.integers(0, 3))), -sum(amts), "",
         w.pick([f"ACH ORIG BATCH {w.yymmdd(day)} VENDOR PMTS", "ACH DEBIT BATCH", "BILL PAY BATCH"]),
         w.btype("ach"), "", g, "ap_batch")
    for a in amts:
        bk.g(day, -a, "", "", "Bill Payment", w.typed_name(w.pick(w.vendors)), g, "ap_batch")


def _payroll(w: _World, bk: _Books):
    """One pay date: net pay, taxes and the provider's fee, each a bank debit of its own."""
    pay, prov = w.business_day(), w.pick(["ADP", "GUSTO", "PAYCHEX"])
    ident = w.digits(6)
    net = [w.amount(lo=80_000, hi=600_000) for _ in range(int(w.rng.integers(5, 26)))]
    tax = int(sum(net) * w.rng.uniform(0.28, 0.4))
    texts = {"ADP": (f"ADP WAGE PAY WAGE PAY {w.yymmdd(pay)} {ident}", f"ADP TAX ADP TAX {w.yymmdd(pay)}"),
             "GUSTO": (f"GUSTO NET {ident}", f"GUSTO TAX {ident}"),
             "PAYCHEX": (f"PAYCHEX INC PAYROLL {ident}", f"PAYCHEX TPS TAXES {ident}")}[prov]
    g = bk.group()
    bk.b(w.after(pay, -1), -sum(net), "", texts[0], w.btype("ach"), "", g, "payroll")
    if w.rng.random() < w.d.payroll_per_employee:
        for a in net:
            bk.g(pay, -a, "DD", "Direct deposit", "Paycheck", f"{w.pick(STEMS).title()} {w.digits(2)}", g,
                 "payroll")
    else:
        bk.g(pay, -sum(net), "", f"Payroll {dt.date.fromordinal(pay + 719163):%m/%d} net", "Journal Entry", prov.title(), g,
             "payroll")
    g = bk.group()
    bk.b(w.after(pay, -int(w.rng.integers(0, 2))), -tax, "", texts[1], w.btype("ach"), "", g, "payroll")
    bk.g(pay, -tax, "", "Payroll taxes", "Journal Entry", prov.title(), g, "payroll")
    g, fee = bk.group(), int(w.rng.integers(4_000, 30_000))
    bk.b(w.after(pay, int(w.rng.integers(0, 5))), -fee, "", f"{prov} PAYROLL FEES {ident}", w.btype("ach"), "", g,
         "payroll")
    bk.g(pay + int(w.rng.integers(0, 10)), -fee, "", "payroll service fee", "Bill Payment", prov.title(), g, "payroll")


def _loan(w: _World, bk: _Books):
    day, g = w.business_day(), bk.group()
    prin, intr = w.amount(lo=100_000, hi=900_000), int(w.rng.integers(20_000, 300_000))
    bk.b(day, -(prin + intr), "", f"LOAN PAYMENT ACCT {w.digits(10)}", w.btype("transfer"), "", g, "loan")
    if w.rng.random() < w.d.loan_split:
        bk.g(day, -prin, "", "Loan principal", "Journal Entry", "First National Bank", g, "loan")
        bk.g(day, -intr, "", "Loan interest", "Journal Entry", "First National Bank", g, "loan")
    else:
        bk.g(day + w.gl_lag(), -(prin + intr), "", "Loan pmt", "Check", "First National Bank", g, "loan")


def _simple(kind, payees, memo, source, typ, lo=5_000, hi=2_000_000, sign=-1):
    """A 1:1 payment to one of a few payees, each (bank text template, the name the GL knows it by)."""
    def make(w: _World, bk: _Books):
        day, amt, g = w.business_day(), w.amount(lo=lo, hi=hi), bk.group()
        text, name = payees[int(w.rng.integers(0, len(payees)))]
        bk.b(day, sign * amt, "", text.format(d=w.digits(10), y=w.yymmdd(day)), w.btype(typ), "", g, kind)
        bk.g(day + w.gl_lag(), sign * amt, "", memo, source, name, g, kind)
    return make


_card_pay = _simple("card_pay", (("AMEX EPAYMENT ACH PMT {d}", "American Express"),
                                 ("CHASE CREDIT CRD AUTOPAY {y}", "Chase Ink Card"),
                                 ("CAPITAL ONE ONLINE PMT", "Capital One Spark")),
                    "Credit card payment", "Credit Card Payment", "ach")
_tax = _simple("tax", (("IRS USATAXPYMT {d}", "United States Treasury"),
                       ("CA DEPT TAX FEE CDTFA EPMT {d}", "California Department of Tax and Fee Administration"),
                       ("TX COMPTROLLER TAX PYMT {y}", "Texas Comptroller")),
               "Sales tax payment", "Sales Tax Payment", "ach")


def _transfer(w: _World, bk: _Books):
    day, amt, g = w.business_day(), w.amount(lo=100_000, hi=5_000_000), bk.group()
    out = w.rng.random() < 0.6
    bk.b(day, -amt if out else amt, "",
         w.pick([f"ONLINE TRANSFER {'TO' if out else 'FROM'} SAV XXXXXX{w.digits(4)}",
                           f"BOOK TRANSFER {'DEBIT' if out else 'CREDIT'} A/C: {w.digits(10)}"]),
         w.btype("transfer"), "", g, "transfer")
    bk.g(day - int(w.rng.integers(0, 6)), -amt if out else amt, "",
         "Transfer to savings" if out else "Transfer from savings", "Transfer", "", g, "transfer")


def _sweep(w: _World, bk: _Books):
    """Daily sweeps of one month: booked one by one, or as a single net line at month end."""
    first = w.business_day()
    first = first - (dt.date.fromordinal(first + 719163).day - 1)
    days = [d for d in range(first, first + 28) if dt.date.fromordinal(d + 719163).weekday() < 5]
    days = sorted(int(x) for x in w.rng.choice(days, int(w.rng.integers(3, 9)), replace=False))
    amts = [int(w.rng.choice([-1, 1])) * w.amount(lo=50_000, hi=3_000_000) for _ in days]
    monthly = w.rng.random() < w.d.sweep_monthly
    g = bk.group()
    for d, a in zip(days, amts):
        if not monthly:
            g = bk.group()
        bk.b(d, a, "", "SWEEP TO MMDA" if a < 0 else "SWEEP FROM MMDA", w.btype("transfer"), "", g, "sweep")
        if not monthly:
            bk.g(d, a, "", "Sweep", "Transfer", "", g, "sweep")
    if monthly and sum(amts):
        bk.g(days[-1] + 2, sum(amts), "", "Sweep activity - month", "Journal Entry", "", g, "sweep")


def _bank_fee(w: _World, bk: _Books):
    """The monthly analysis fee, charged early next month; the GL books it at month end or not at all."""
    day = w.business_day()
    day = day - dt.date.fromordinal(day + 719163).day + 1 + int(w.rng.integers(1, 8))
    fee = int(w.rng.integers(2_000, 40_000))
    booked = w.rng.random() < 0.7
    g = bk.group() if booked else -1
    bk.b(day, -fee, "", w.pick(["ACCOUNT ANALYSIS FEE", "SERVICE CHARGE", "ANALYSIS SERVICE CHARGE"]),
         w.btype("fee"), "", g, "bank_fee" if booked else "bank_only", proposal=not booked)
    if booked:
        bk.g(day - int(w.rng.integers(1, 10)), -fee, "", "Bank service charges", "Journal Entry", "", g, "bank_fee")


def _nsf(w: _World, bk: _Books):
    """A deposited check returned unpaid, the GL's reversal, the bank's fee, and sometimes the redeposit."""
    day, amt, cust = _check_in(w, bk)
    back = w.after(day, int(w.rng.integers(2, 8)))
    g = bk.group()
    bk.b(back, -amt, "", w.pick(RETURN_TEXTS), "other" if w.rng.random() < 0.5 else "return", "", g, "nsf")
    bk.g(back + int(w.rng.integers(0, 6)), -amt, "", w.pick(["NSF check", f"Bounced check - {cust}",
                                                                       "Returned item", "NSF"]),
         "Journal Entry", cust, g, "nsf")
    bk.b(back, -int(w.rng.choice([1200, 1500, 2500, 3600])), "", "RETURN ITEM FEE", w.btype("fee"), "", -1,
         "bank_only", proposal=True)
    if w.rng.random() < 0.5:
        g, again = bk.group(), w.after(back, int(w.rng.integers(3, 15)))
        bk.b(again, amt, "", "REDEPOSIT ITEM", w.btype("deposit"), "", g, "nsf")
        bk.g(again + w.gl_lag(), amt, "", "redeposit", "Payment", cust, g, "nsf")


def _recurring_vendors(w: _World) -> list[tuple[str, int, int]]:
    """Rent, leases, subscriptions: (vendor, cents, day of month); some share one round amount."""
    k = max(2, round(w.d.mix["recurring"] * w.n / 12))
    out = []
    for i in range(k):
        amt = (w.round_amounts[i % len(w.round_amounts)] if w.rng.random() < w.d.recurring_same_amount
               else w.amount(lo=3_000, hi=1_500_000))
        out.append((w.pick(w.vendors), amt, int(w.rng.integers(1, 28))))
    return out


def _recurring(w: _World, bk: _Books, spec):
    vend, amt, dom = spec
    day = w.day0 + dom - 1
    while day < w.day0 + w.d.span_days:
        g = bk.group()
        bday = day if dt.date.fromordinal(day + 719163).weekday() < 5 else w.after(day, 1)
        bk.b(bday, -amt, "", w.ach_text(vend, w.pick(["RENT", "LEASE", "SUBSCRIPT", "MONTHLY"]),
                                        w.digits(8), bday).replace("ACH CREDIT", "ACH DEBIT"),
             w.btype("ach"), "", g, "recurring")
        bk.g(day + w.gl_lag(), -amt, "", w.pick(["Rent", "Monthly", "", "Subscription"]), "Expense",
             w.typed_name(vend), g, "recurring")
        dt_day = dt.date.fromordinal(day + 719163)
        nxt = (dt_day.replace(day=1) + dt.timedelta(days=32)).replace(day=dt_day.day)
        day = nxt.toordinal() - 719163


# --- negatives ----------------------------------------------------------------------------------------------------
def _bank_only(w: _World, bk: _Books):
    day = w.business_day()
    if w.rng.random() < 0.5:
        bk.b(day, int(w.rng.integers(100, 20_000)), "", "INTEREST PAYMENT", w.btype("interest"), "", -1, "bank_only",
             proposal=True)
    else:
        bk.b(day, -w.amount(), "", w.ach_text(w.pick(w.vendors), "PAYMENT", w.digits(9), day), w.btype("ach"),
             "", -1, "bank_only")


def _ledger_only(w: _World, bk: _Books):
    cust, day = w.pick(w.customers), w.business_day()
    bk.g(day, w.amount(), "", w.pick(RECEIPT_MEMOS), "Payment", cust, -1, "ledger_only")


def _duplicate(w: _World, bk: _Books):
    """A receipt keyed twice: the bank has it once."""
    _ach_in(w, bk)
    day, amt, num, memo, src, name, _, _ = bk.ledger[-1]
    bk.g(day + int(w.rng.integers(0, 4)), amt, num, memo, src, name, -1, "duplicate")


def _typo(w: _World, bk: _Books):
    """An amount keyed with two digits swapped: must not auto-match."""
    cust, day, amt = w.pick(w.customers), w.business_day(), w.amount(lo=10_000)
    s = str(amt)
    i = int(w.rng.integers(0, len(s) - 1))
    if s[i] == s[i + 1]:
        return
    bad = int(s[:i] + s[i + 1] + s[i] + s[i + 2:])
    bk.b(day, amt, "", "DEPOSIT", w.btype("deposit"), "", -1, "typo")
    bk.g(day + w.gl_lag(), bad, "", "Customer payment", "Payment", cust, -1, "typo")


MAKERS = {
    "ach_in": _ach_in, "check_in": _check_in, "wire_in": _wire_in, "wire_net": _wire_net, "lockbox": _lockbox,
    "deposit_batch": _deposit_batch, "merchant": _merchant, "ap_check": _ap_check, "ap_ach": _ap_ach,
    "ap_batch": _ap_batch, "payroll": _payroll, "loan": _loan, "card_pay": _card_pay, "transfer": _transfer,
    "sweep": _sweep, "tax": _tax, "bank_fee": _bank_fee, "nsf": _nsf, "recurring": lambda w, bk: None,
    "bank_only": _bank_only, "duplicate": _duplicate, "typo": _typo, "ledger_only": _ledger_only,
    "stale_check": _stale_check, "void": _void,
}


def _finish_books(bk: _Books, w: _World, rng, d: USDials) -> USWorldData:
    """Cut both sides to the year (lines whose partners fall outside become 'cutoff'), drop groups that do not add
    up (merchant payouts with fees booked monthly stay as negatives), and shuffle into canonical frames."""
    lo, hi = w.day0, w.day0 + d.span_days
    bank = [r for r in bk.bank if lo <= r[0] < hi]
    ledger = [r for r in bk.ledger if lo <= r[0] < hi]
    total: dict[int, int] = {}
    count: dict[int, list[int]] = {}
    for rows, sign, side in ((bank, 1, 0), (ledger, -1, 1)):
        for r in rows:
            if r[6] >= 0:
                total[r[6]] = total.get(r[6], 0) + sign * r[1]
                count.setdefault(r[6], [0, 0])[side] += 1
    every = {r[6]: 0 for r in bk.bank + bk.ledger if r[6] >= 0}
    for r in bk.bank + bk.ledger:
        if r[6] >= 0:
            every[r[6]] += 1
    bank_kind = {r[6]: r[7] for r in bank if r[6] >= 0}
    gross: dict[int, int] = {}
    for r in ledger:
        gross[r[6]] = gross.get(r[6], 0) + r[1]
    kept = {gid for gid, t in total.items()
            if count[gid][0] and count[gid][1] and sum(count[gid]) == every[gid]
            and (t == 0 or _short_by_fees(bank_kind[gid], t, gross[gid], d))}

    def fix(r):
        if r[6] >= 0 and r[6] not in kept:
            return r[:6] + (-1, "cutoff" if sum(count.get(r[6], [0, 0])) < every[r[6]] else r[7] + "_unbalanced")
        return r
    bank, ledger = [fix(r) for r in bank], [fix(r) for r in ledger]
    proposal_ids = {id(r) for i, r in enumerate(bk.bank) if i in bk.proposal}
    bld = _Builder()
    b, g = list(zip(*bank)), list(zip(*ledger))
    bld.add_bank(len(bank), b[0], b[1], "USD", b[2], b[3], b[4], b[5], b[6], b[7])
    bld.proposal_rows = [np.asarray([i for i, r in enumerate(bank) if id(r) in proposal_ids], dtype=np.int64)]
    bld.add_ledger(len(ledger), g[0], g[1], "USD", g[2], g[3], g[4], g[5], g[6], g[7])
    m = _finish(bld, rng, len(bank), trim=False)
    return USWorldData(m.bank, m.ledger, m.truth, m.proposals, m.decimals, m.line_kinds, dials=d)


def _short_by_fees(kind, diff, gross, d: USDials) -> bool:
    """Groups received net of fees stay true groups: wires short by an intermediary fee, card payouts whose fees
    the GL books monthly (short of the gross sales by about 3%)."""
    if kind == "wire_net":
        return -d.wire_fee_max_cents <= diff < 0
    return kind == "merchant_net" and 0 < -diff <= gross * 0.05
