"""Seeded generator of a European business's books: one bank line for many ledger lines, structured
references, FX, and the traps of issue 18, every property on a dial, every true group labelled by category.

Why a third generator: tests/books_data.py is US-shaped (checks, batch deposits, ACH); on European books half
of all links sit in settlements (a card acquirer's payout, a direct-debit collection, a payment run, payroll)
and most receipts carry a creditor reference with a check digit. Categories (`truth.kind`):

- card_payout: an acquirer pays one credit per sale day (Saturday and Sunday together), 1..3 business days
  later: the day's 20..300 card sales (booked one by one at sale date, source CARD) less chargebacks netted
  in, less a fee of rate_min..rate_max of the sales plus per_item per sale (a proposed fee line);
- dd_collection: one credit = the mandate debits of one collection date (source DD) less the items
  rejected before settlement (rejects: ledger-only, with their reversal); dd_return: a returned debit,
  weeks later, with its SEPA reason code, against the ledger's reversal (same creditor reference);
- payment_run / payroll: one debit = the supplier payments of one run date / the salaries of one month;
- tax: monthly VAT and social security, 1:1 with an RF reference;
- sref: receipts whose bank text holds a valid RF / OGM / Swiss QR / Finnish / KID reference, the payer
  named or not; third_party: paid by someone else, only the reference ties them;
- fee_deducted: receipts less a bank charge, the reference on the bank line (a proposed charge line);
- fx: invoices in USD/GBP/CHF booked in EUR at the booking rate; the bank credits at its own rate (up to
  fx_max off), quoting the original amount (a proposed FX gain/loss line);
- late: receipts the ledger books 1..5 business days after the bank credit;
- subscription: many customers paying the same 49.00 / 19.00 / 99.00, people sharing first names; a bank
  text naming only the first name must not be paired on it;
- plain: SEPA transfers naming the counterparty.
Negatives (no true group): bad_ref (a bank credit quoting a look-alike reference with a wrong check digit,
near an open invoice's amount), dd_reject, bank_only, ledger_only.

Sizes: `n` is about the number of ledger lines; the bank has far fewer (settlements). Amounts in cents.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from books_data import _company_names, strs
from match_data import EPOCH, MatchData, _Builder, _finish

from tieout.server.matching import references as refs

FIRST = ("ANNA", "MARIA", "JAN", "PETER", "LUKAS", "SOFIA", "EMMA", "LAURA", "THOMAS", "MARC", "JULIA", "ELENA",
         "DAVID", "SARA", "MIKA", "NOAH", "LEA", "TOM", "EVA", "PAUL")
LAST = ("SCHMIDT", "MUELLER", "PEETERS", "JANSSENS", "VIRTANEN", "KORHONEN", "HANSEN", "JOHANSEN", "DUBOIS",
        "MARTIN", "ROSSI", "BIANCHI", "GARCIA", "NOVAK", "WAGNER", "BECKER", "HOFFMANN", "KLEIN", "WOLF",
        "NIEMINEN", "LARSEN", "BERG", "MOREAU", "LAMBERT", "FISCHER", "WEBER", "MEYER", "SCHULZ", "KOCH", "BAUER")
ACQUIRERS = ("WORLDLINE SA", "ADYEN NV", "NEXI PAYMENTS", "PAYONE GMBH")
SCHEMES = ("rf", "ogm", "qr", "fi", "kid")
RETURN_REASONS = ("AC04", "AC06", "AM04", "MD01", "MD06", "MS02", "MS03", "SL01")
CATEGORIES = ("card_payout", "dd_collection", "dd_return", "payment_run", "payroll", "tax", "sref", "third_party",
              "fee_deducted", "fx", "late", "subscription", "plain")
SETTLEMENTS = ("card_payout", "dd_collection", "payment_run", "payroll")
NEGATIVES = ("bad_ref", "dd_reject", "bank_only", "ledger_only")


@dataclass(frozen=True)
class SettlementDials:
    """Shares are of the ledger lines (n)."""

    card: float = 0.30
    acquirers: int = 3
    sales_min: int = 20
    sales_max: int = 300
    rate_min: str = "0.012"  # acquirer fee as a fraction of the day's sales ...
    rate_max: str = "0.019"
    per_item_cents: tuple[int, ...] = (0, 5, 10)  # ... plus this per sale (one value per acquirer)
    lag_max: int = 3  # business days from the sale day to the payout
    chargeback: float = 0.25  # payouts with a chargeback netted in
    collection: float = 0.12
    items_min: int = 10
    items_max: int = 200
    reject_max: int = 3  # items rejected before settlement, per collection
    returned: float = 0.02  # settled items returned later (of the collection items)
    run: float = 0.08
    run_min: int = 5
    run_max: int = 60
    payroll: float = 0.06
    staff_min: int = 10
    staff_max: int = 200
    tax: float = 0.004
    sref: float = 0.12
    third_party: float = 0.02
    fee_deducted: float = 0.015
    fee_max_cents: int = 2500
    fx: float = 0.02
    fx_max: str = "0.005"
    late: float = 0.04
    late_max: int = 5
    subscription: float = 0.04
    first_name_only: float = 0.1  # subscription bank texts naming only the first name
    plain: float = 0.08
    bad_ref: float = 0.005
    bank_only: float = 0.005
    ledger_only: float = 0.01
    span_days: int | None = None  # default: max(40, n / 250)


@dataclass
class SettlementData(MatchData):
    dials: SettlementDials = field(default_factory=SettlementDials)


def _amounts(rng, k, lo, hi):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), k)).astype(np.int64)


def _fmt(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _make_ref(rng, scheme: str, serial: int) -> str:
    """A valid reference of `scheme` for invoice `serial`, as the creditor prints it."""
    if scheme == "rf":
        r = refs.rf_make(f"{serial}")
        return " ".join(r[i:i + 4] for i in range(0, len(r), 4))
    if scheme == "ogm":
        d = refs.ogm_make(f"{serial:010d}")
        return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"
    if scheme == "qr":
        d = refs.qr_make(f"{int(rng.integers(100000, 999999))}{serial:010d}")
        return d[:2] + "".join(f" {d[i:i + 5]}" for i in range(2, 27, 5))
    if scheme == "fi":
        return refs.fi_make(f"{serial}")
    return refs.kid_make(f"{serial}", 10 if serial % 2 else 11)


def _bank_spelling(scheme: str, printed: str) -> str:
    """How the payer's bank passes the reference on: RF/OGM/QR as printed, Finnish and KID after a label."""
    if scheme == "fi":
        return f"VIITE {printed}"
    if scheme == "kid":
        return f"KID {printed}"
    return printed


def _bad(printed: str) -> str:
    """A look-alike: the last digit changed, so the check fails."""
    i = max(k for k, c in enumerate(printed) if c.isdigit())
    return printed[:i] + str((int(printed[i]) + 3) % 10) + printed[i + 1:]


def generate_settlements(n: int, seed: int = 18, dials: SettlementDials = SettlementDials(),
                         start: dt.date = dt.date(2024, 1, 1)) -> SettlementData:
    rng = np.random.default_rng(seed)
    dl = dials
    span = dl.span_days or max(40, n // 250)
    day0 = int((np.datetime64(start) - EPOCH).astype(np.int64))
    bdays = np.array([d for d in range(day0, day0 + span) if (d + 3) % 7 < 5], dtype=np.int64)  # Mon..Fri
    companies = _company_names(rng, max(300, n // 30))
    people = np.array(sorted({f"{f} {ln}" for f in FIRST for ln in LAST}), dtype=object)
    bld = _Builder()
    gid = [0]
    serials = iter(rng.permutation(np.arange(10_000_000, 10_000_000 + 20 * n + 10_000)))

    def group() -> int:
        gid[0] += 1
        return gid[0] - 1

    def count(share) -> int:
        return int(round(n * share))

    def bshift(day, k):
        """Day moved k business days forward (a weekend day first rolls to Monday)."""
        d = np.busday_offset(np.asarray(day, dtype=np.int64).astype("datetime64[D]"), k, roll="forward")
        return (d - EPOCH).astype(np.int64)

    def ref_pair(scheme=None):
        s = scheme or SCHEMES[int(rng.integers(0, len(SCHEMES)))]
        return s, _make_ref(rng, s, int(next(serials)))

    pairs: dict[bool, list[tuple]] = {False: [], True: []}  # 1:1 pairs, added in one go (by proposal flag)

    def one(kind, lday, bday, lamt, bamt, lref, ldesc, src, cp, bdesc, btype, proposal=False):
        pairs[bool(proposal)].append((group(), kind, lday, bday, lamt, bamt, lref, ldesc, src, cp, bdesc, btype))

    def flush_pairs():
        for proposal, rows in pairs.items():
            if not rows:
                continue
            g, kind, lday, bday, lamt, bamt, lref, ldesc, src, cp, bdesc, btype = (strs(c) for c in zip(*rows))
            g, lday, bday = g.astype(np.int64), lday.astype(np.int64), bday.astype(np.int64)
            bld.add_ledger(len(rows), lday, lamt.astype(np.int64), "EUR", lref, ldesc, src, cp, g, kind)
            bld.add_bank(len(rows), bday, bamt.astype(np.int64), "EUR", "", bdesc, btype, "", g, kind,
                         proposal=proposal)

    # ---- card acquirer payouts: per acquirer a payout for each sale day (the weekend together)
    rate_lo, rate_hi = float(dl.rate_min), float(dl.rate_max)
    per_acq = count(dl.card) // max(1, dl.acquirers)
    for a in range(dl.acquirers):
        acq, per_item = ACQUIRERS[a % len(ACQUIRERS)], dl.per_item_cents[a % len(dl.per_item_cents)]
        lag, d, made = 1 + a % dl.lag_max, day0, 0
        while made < per_acq:
            wd = (d + 3) % 7  # 0 = Monday
            days = [d, d + 1] if wd == 5 else [d]
            k = int(rng.integers(dl.sales_min, dl.sales_max + 1))
            sale_day = rng.choice(np.array(days), k)
            amt = _amounts(rng, k, 300, 30000)
            gross = int(amt.sum())
            fee = int(round(gross * rng.uniform(rate_lo, rate_hi))) + per_item * k
            g = group()
            bld.add_ledger(k, sale_day, amt, "EUR", "", strs(f"Card sale POS{a + 1} {int(x)}" for x in
                                                             rng.integers(100000, 999999, k)),
                           "CARD", acq.title(), g, "card_payout")
            net = gross - fee
            if rng.random() < dl.chargeback:
                cb = int(rng.integers(1000, 20000))
                bld.add_ledger(1, days[-1], -cb, "EUR", "", "Card chargeback", "CARD", acq.title(), g, "card_payout")
                net -= cb
            pay = int(bshift(days[-1], lag + (1 if rng.random() < 0.1 else 0)))
            bld.add_bank(1, pay, net, "EUR", "", f"{acq} SETTLEMENT {dt.date(1970, 1, 1) + dt.timedelta(days[-1])}"
                         f" MID {4471 + a}", "transfer", "", g, "card_payout", proposal=True)
            made += k + 1
            d += len(days)

    # ---- direct-debit collections, rejects left out, returns weeks later
    k_coll = min(len(bdays), max(1, count(dl.collection) // ((dl.items_min + dl.items_max) // 2)))
    for c, cday in enumerate(np.sort(rng.choice(bdays, k_coll, replace=False))):
        k = int(rng.integers(dl.items_min, dl.items_max + 1))
        cust = rng.choice(people, k)
        amt = _amounts(rng, k, 1500, 60000)
        printed = [ref_pair("rf")[1] for _ in range(k)]
        rejected = np.zeros(k, dtype=bool)
        rejected[rng.choice(k, int(rng.integers(0, dl.reject_max + 1)), replace=False)] = True
        returned = ~rejected & (rng.random(k) < dl.returned)
        g = group()
        coll_id = f"COLL{c + 1:05d}"
        grp = np.where(rejected, -1, g)
        bld.add_ledger(k, cday, amt, "EUR", strs(printed), strs(f"SEPA DD {coll_id} {x}" for x in cust), "DD", cust,
                       grp, np.where(rejected, "dd_reject", "dd_collection").astype(object))
        for i in np.flatnonzero(rejected):  # the ledger reverses the reject: both lines stay ledger-only
            bld.add_ledger(1, int(bshift(cday, 1)), -int(amt[i]), "EUR", printed[i],
                           f"DD reject {rng.choice(RETURN_REASONS)} {cust[i]}", "DD", cust[i], -1, "dd_reject")
        bld.add_bank(1, int(bshift(cday, int(rng.integers(0, 2)))), int(amt[~rejected].sum()), "EUR", "",
                     f"SEPA DD COLLECTION CORE {coll_id} {int((~rejected).sum())} ITEMS", "direct_debit", "", g,
                     "dd_collection")
        for i in np.flatnonzero(returned):
            rday = int(bshift(cday, int(rng.integers(5, 30))))
            reason = rng.choice(RETURN_REASONS)
            one("dd_return", int(bshift(rday, int(rng.integers(0, 3)))), rday, -int(amt[i]), -int(amt[i]),
                printed[i], f"DD return {reason} {cust[i]}", "DD", cust[i],
                f"SEPA DD RETURN {reason} {printed[i]} {cust[i]}", "return")

    # ---- payment runs and payroll: one debit for the run's lines, one run per date of its journal
    for kind, share, lo, hi, src, names_ in (("payment_run", dl.run, dl.run_min, dl.run_max, "AP-RUN", companies),
                                             ("payroll", dl.payroll, dl.staff_min, dl.staff_max, "PAYROLL", people)):
        k_runs = min(len(bdays), max(1, count(share) // ((lo + hi) // 2)))
        for r, rday in enumerate(np.sort(rng.choice(bdays, k_runs, replace=False))):
            k = int(rng.integers(lo, hi + 1))
            cp = rng.choice(names_, k, replace=len(names_) < k)
            amt = _amounts(rng, k, 5000, 900000) if kind == "payment_run" else _amounts(rng, k, 150000, 600000)
            g = group()
            run_id = f"{'RUN' if kind == 'payment_run' else 'SAL'}{r + 1:05d}"
            ref = strs(ref_pair()[1] for _ in range(k)) if kind == "payment_run" else ""
            bld.add_ledger(k, rday, -amt, "EUR", ref, strs(f"{'Payment' if kind == 'payment_run' else 'Salary'} "
                                                           f"{run_id} {x}" for x in cp), src, cp, g, kind)
            text = (f"SEPA BATCH {run_id} {k} TRANSACTIONS" if kind == "payment_run"
                    else f"SALARIES {run_id} {k} TRANSFERS")
            bld.add_bank(1, int(bshift(rday, int(rng.integers(0, 2)))), -int(amt.sum()), "EUR", "", text,
                         "transfer", "", g, kind)

    # ---- 1:1 shapes
    def cust_and_ref(k, scheme=None):
        return [(companies[int(rng.integers(0, len(companies)))], *ref_pair(scheme)) for _ in range(k)]

    for i in range(count(dl.tax)):
        _, printed = ref_pair("rf")
        d, a = int(rng.choice(bdays)), int(_amounts(rng, 1, 100000, 5000000)[0])
        who = ("TAX OFFICE VAT", "SOCIAL SECURITY")[i % 2]
        one("tax", d, int(bshift(d, int(rng.integers(0, 3)))), -a, -a, printed, f"{who} {i}", "TAX", who.title(),
            f"{who} {printed}", "transfer")

    for kind, share in (("sref", dl.sref), ("third_party", dl.third_party), ("fee_deducted", dl.fee_deducted)):
        for cp, scheme, printed in cust_and_ref(count(share)):
            d, a = int(rng.choice(bdays)), int(_amounts(rng, 1, 2000, 3000000)[0])
            named = kind == "sref" and rng.random() < 0.5
            payer = (companies[int(rng.integers(0, len(companies)))] if rng.random() < 0.5 else
                     people[int(rng.integers(0, len(people)))]) if kind == "third_party" else cp
            fee = int(rng.integers(50, dl.fee_max_cents + 1)) if kind == "fee_deducted" else 0
            text = f"SEPA CREDIT {payer.upper()[:24] + ' ' if (named or kind != 'sref') else ''}" \
                   f"{_bank_spelling(scheme, printed)}"
            one(kind, d, int(bshift(d, int(rng.integers(0, 3)))), a, a - fee, printed, f"Invoice {cp}", "AR", cp,
                text, "transfer", proposal=bool(fee))

    fx_max = float(dl.fx_max)
    for cp, _, _ in cust_and_ref(count(dl.fx)):
        cur = ("USD", "GBP", "CHF")[int(rng.integers(0, 3))]
        orig = int(_amounts(rng, 1, 50000, 5000000)[0])
        book = orig * {"USD": 0.92, "GBP": 1.16, "CHF": 1.04}[cur]
        bank_amt = int(round(book * (1 + rng.uniform(-fx_max, fx_max))))
        inv = int(next(serials))
        d = int(rng.choice(bdays))
        one("fx", d, int(bshift(d, int(rng.integers(0, 3)))), int(round(book)), bank_amt, f"INV {inv}",
            f"Invoice {inv} {cp} {cur} {_fmt(orig)}", "AR", cp,
            f"SWIFT CREDIT {cp.upper()[:24]} {cur} {_fmt(orig)} INV {inv}", "wire", proposal=bank_amt != round(book))

    for cp, _, _ in cust_and_ref(count(dl.late)):
        d, a, inv = int(rng.choice(bdays)), int(_amounts(rng, 1, 2000, 2000000)[0]), int(next(serials))
        one("late", int(bshift(d, int(rng.integers(1, dl.late_max + 1)))), d, a, a, f"INV {inv}", f"Receipt {cp}",
            "AR", cp, f"SEPA CREDIT {cp.upper()[:24]}" + (f" INV {inv}" if rng.random() < 0.5 else ""), "transfer")

    for _ in range(count(dl.subscription)):
        who = people[int(rng.integers(0, len(people)))]
        a = int(rng.choice([1900, 4900, 4900, 4900, 9900]))
        d, custno = int(rng.choice(bdays)), int(rng.integers(100000, 999999))
        text = (f"SEPA CREDIT {who.split()[0]} ABO" if rng.random() < dl.first_name_only
                else f"SEPA CREDIT {who} ABO CUST {custno}")
        one("subscription", d, int(bshift(d, int(rng.integers(0, 2)))), a, a, f"CUST {custno}",
            f"Subscription {who}", "AR", who, text, "transfer")

    for cp, _, _ in cust_and_ref(count(dl.plain)):
        d, a, inv = int(rng.choice(bdays)), int(_amounts(rng, 1, 2000, 3000000)[0]), int(next(serials))
        sign = 1 if rng.random() < 0.5 else -1
        one("plain", d, int(bshift(d, int(rng.integers(0, 3)))), sign * a, sign * a, f"INV {inv}",
            f"{'Receipt' if sign > 0 else 'Payment'} {cp}", "AR" if sign > 0 else "AP", cp,
            f"SEPA {'CREDIT' if sign > 0 else 'DEBIT'} {cp.upper()[:24]} INV {inv}", "transfer")

    flush_pairs()

    # ---- negatives
    for cp, scheme, printed in cust_and_ref(count(dl.bad_ref)):
        d, a = int(rng.choice(bdays)), int(_amounts(rng, 1, 5000, 2000000)[0])
        bld.add_ledger(1, d, a, "EUR", printed, f"Invoice {cp}", "AR", cp, -1, "ledger_only")
        bld.add_bank(1, int(bshift(d, 1)), a - int(rng.integers(50, 2000)), "EUR", "",
                     f"SEPA CREDIT {_bank_spelling(scheme, _bad(printed))}", "transfer", "", -1, "bad_ref")
    for _ in range(count(dl.bank_only)):
        cp = companies[int(rng.integers(0, len(companies)))]
        bld.add_bank(1, int(rng.choice(bdays)), int(rng.choice([-1, 1]) * _amounts(rng, 1, 2000, 500000)[0]), "EUR",
                     "", f"SEPA DEBIT {cp.upper()[:24]}", "transfer", "", -1, "bank_only")
    for _ in range(count(dl.ledger_only)):
        cp = companies[int(rng.integers(0, len(companies)))]
        bld.add_ledger(1, int(rng.choice(bdays)), int(_amounts(rng, 1, 2000, 500000)[0]), "EUR",
                       f"INV {int(next(serials))}", f"Invoice {cp}", "AR", cp, -1, "ledger_only")
    data = _finish(bld, rng, 0, trim=False)
    return SettlementData(data.bank, data.ledger, data.truth, data.proposals, line_kinds=data.line_kinds, dials=dl)
