"""Seeded generator of bank and ledger lines shaped like real books, every hard property on a dial.

Why a second generator: tests/match_data.py is easy (one customer per batch, references spelled alike,
fixed fee schedule, bank types the engine knows); the engine scored 99% there and about 80% on independent
books. This one is written from what real books do (issue 12); each property is a field of `Dials`:

- batch deposits of 2..`batch_max` receipts from different customers, booked on one day, the bank posting
  up to `batch_offset` days before or after; a deposit slip number on some receipts only, mostly in the
  ledger description; the bank line names none of them;
- split payments of 2..4 parts over up to a week, some parts with a truncated or missing reference;
- returned items with bank type codes the engine does not know (NSF, R01, RTN, RETURNED ITEM, 555...);
- wires received net of a fee outside any fixed schedule;
- 1:1 pairs where the ledger books days *after* the bank, transfers lagging 4..5 days, check serials only in
  the bank text, generic bank texts ("CHECK PAID"), document numbers spelled many ways on both sides;
- names cut to 16 characters, look-alike counterparties sharing a generic word or differing by legal
  suffix, clusters of equal round amounts across customers, decoys (same customer, near amount, other
  invoice), transposed digits, and bank-only / ledger-only lines;
- checks whose bank text names a serial that conflicts with the ledger's, same amount and window (must not
  match), and single-check deposits whose amount equals a receipt of a nearby batch (the 1:1 rule must not
  give the batch's receipt to the single deposit, nor the single's receipt to the batch).

`truth.kind` names each true group's category; `evaluate_by_kind` scores each category on its own.
Amounts are integer cents; vectorised where it matters so that a million lines a side take seconds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from match_data import EPOCH, SYLLABLES, MatchData, _Builder, _finish, _transpose

GENERIC = ("SUPPLY", "SERVICES", "HOLDINGS", "GROUP", "TRADING", "INDUSTRIES", "LOGISTICS", "PARTNERS",
           "SYSTEMS", "FOODS")
SUFFIXES = ("LLC", "INC", "LTD", "CORP", "CO", "GMBH")
RETURN_CODES = ("NSF", "R01", "R02", "RTN", "RETURNED ITEM", "RETURN", "REVERSAL", "555", "RRTN")
PLAIN_TYPES = {"ach": ("ach", "ACH CREDIT", "CCD", "PPD"), "wire": ("wire", "FEDWIRE", "WIRE IN"),
               "transfer": ("transfer", "TRF", "BOOK TRANSFER"), "card": ("card", "POS")}
CATEGORIES = ("plain", "lagged", "reference", "check", "batch", "split", "returned", "fee_deducted", "cluster",
              "single_deposit")
NEGATIVES = ("decoy", "typo", "lookalike", "bank_only", "ledger_only", "check_conflict")


@dataclass(frozen=True)
class Dials:
    """Shares are of the bank lines (n); each property can be turned down to 0 or up."""

    span_days: int = 365
    batch: float = 0.015  # deposits; each holds 2..batch_max receipts
    batch_max: int = 8
    batch_offset: int = 7  # bank posts up to this many days before or after the receipts' booking day
    slip_share: float = 0.6  # deposits with a slip number
    slip_on_receipt: float = 0.7  # receipts of such a deposit that carry it
    slip_in_description: float = 0.8  # where it is: description (else reference)
    split: float = 0.01
    split_ref_missing: float = 0.3  # parts with a truncated or missing reference
    returned: float = 0.006
    fee_deducted: float = 0.012
    fee_max_cents: int = 2500
    lagged: float = 0.08  # 1:1 pairs the ledger books 2..5 business days after the bank
    transfer_lag: float = 0.03  # transfers lagging 4..5 days
    reference: float = 0.20  # 1:1 pairs identified by document number only, in every spelling
    number_shared: float = 0.67  # of those, pairs whose bank text holds the number at all
    check: float = 0.12
    check_serial_in_text_only: float = 0.3
    check_paid_text: float = 0.15
    cluster: float = 0.02
    decoy: float = 0.01
    typo: float = 0.005
    lookalike: float = 0.01
    bank_only: float = 0.01
    ledger_only: float = 0.015
    name_cut: int = 16
    check_conflict: float = 0.003  # bank check text with another serial than the ledger's, same amount
    single_deposit: float = 0.005  # single-check deposits, each as large as a receipt of a nearby batch
    cluster_bank_early: float = 0.0  # cluster credits the bank posts 1..2 days before the ledger's booking


@dataclass
class BooksData(MatchData):
    dials: Dials = field(default_factory=Dials)


def strs(seq) -> np.ndarray:
    return np.array(list(seq), dtype=object)


def _company_names(rng, n):
    """Names of the form 'KORVEX SUPPLY LLC': many share the generic word; some differ by suffix only."""
    a = rng.choice(SYLLABLES, n) + rng.choice(SYLLABLES, n) + rng.choice(SYLLABLES, n)
    names = np.array([f"{x} {y} {z}" for x, y, z in
                      zip(a, rng.choice(GENERIC, n), rng.choice(SUFFIXES, n))], dtype=object)
    names = np.unique(names)
    return names[rng.permutation(len(names))]


def _amounts(rng, n, lo=500, hi=5_000_000):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n)).astype(np.int64)


def _bank_name(names, cut):
    return np.array([c[:cut].upper().rstrip() for c in names], dtype=object)


def _spell_bank(rng, nums):
    """The bank's spelling of a document number: INV-143572, INV143572, REF INV143572, 143572, 0143572."""
    forms = rng.integers(0, 5, len(nums))
    pat = ("INV-{}", "INV{}", "REF INV{}", "{}", "0{}")
    return np.array([pat[f].format(x) for f, x in zip(forms, nums)], dtype=object)


def _spell_ledger(rng, nums):
    forms = rng.integers(0, 3, len(nums))
    pat = ("Inv {}", "Invoice {}", "INV-{}")
    return np.array([pat[f].format(x) for f, x in zip(forms, nums)], dtype=object)


def _weekday_forward(day, k):
    """Day numbers (since 1970) moved k business days forward."""
    d = np.busday_offset(day.astype("datetime64[D]"), k, roll="forward")
    return (d - EPOCH).astype(np.int64)


def generate_books(n: int, seed: int = 7, dials: Dials = Dials(), start: dt.date = dt.date(2024, 1, 1)) -> BooksData:
    """Exactly `n` bank and `n` ledger lines over `dials.span_days` days."""
    rng = np.random.default_rng(seed)
    dl = dials
    day0 = (np.datetime64(start) - EPOCH).astype(np.int64)
    names = _company_names(rng, max(400, n // 20))
    bld = _Builder()
    gid = [0]
    numbers = iter(rng.permutation(np.arange(100000, 100000 + 30 * n + 5000)))

    def groups(k):
        g = np.arange(gid[0], gid[0] + k)
        gid[0] += k
        return g

    def days(k):
        return day0 + rng.integers(0, dl.span_days, k)

    def nums(k):
        return np.array([next(numbers) for _ in range(k)], dtype=np.int64)

    def count(share):
        return int(round(n * share))

    # ---- plain 1:1 pairs: the counterparty named in the bank text (cut), the document number perhaps
    k = max(1, n - sum(count(getattr(dl, s)) for s in ("batch", "returned", "fee_deducted", "lagged", "reference",
                                                       "check", "cluster", "typo", "lookalike", "bank_only",
                                                       "check_conflict", "single_deposit"))
            - count(dl.split) * 2 - count(dl.transfer_lag)) + n // 20 + 10
    _one_to_one(bld, rng, dl, k, groups(k), days(k), names, nums(k), "plain", lag=(0, 3))
    k = count(dl.lagged)
    _one_to_one(bld, rng, dl, k, groups(k), days(k), names, nums(k), "lagged", ledger_after=True)
    k = count(dl.transfer_lag)
    _one_to_one(bld, rng, dl, k, groups(k), days(k), names, nums(k), "lagged", lag=(4, 5), kind_of="transfer")
    k = count(dl.reference)
    _one_to_one(bld, rng, dl, k, groups(k), days(k), names, nums(k), "reference", lag=(0, 3), by_number=True)

    # ---- checks: serial in the check-number field, or only in the text; some texts say just CHECK PAID
    k = count(dl.check)
    g, d, cp, amt = groups(k), days(k), rng.choice(names, k), _amounts(rng, k)
    serial = rng.permutation(np.arange(1000, 1000 + 4 * k + 10))[:k]
    text_only = rng.random(k) < dl.check_serial_in_text_only
    paid = (rng.random(k) < dl.check_paid_text) & ~text_only
    bld.add_ledger(k, d, -amt, "USD", strs(f"CHK {s}" if i % 2 else str(s) for i, s in enumerate(serial)),
                   strs(f"Check to {c}" for c in cp), "AP", cp, g, "check")
    bld.add_bank(k, d + rng.integers(1, 31, k), -amt, "USD", "",
                 strs("CHECK PAID" if p else f"CHECK {s}" for s, p in zip(serial, paid)), "check",
                 np.where(text_only, "", serial.astype(str)).astype(object), g, "check")

    # ---- batch deposits: receipts of different customers, one booking day, slip mostly in descriptions
    k = count(dl.batch)
    g, d = groups(k), days(k)
    sizes = rng.integers(2, dl.batch_max + 1, k)
    parts = int(sizes.sum())
    pg = np.repeat(g, sizes)
    pamt = _amounts(rng, parts, 2000, 2_000_000)
    totals = np.zeros(k, dtype=np.int64)
    np.add.at(totals, np.repeat(np.arange(k), sizes), pamt)
    slip = rng.integers(100000, 999999, k)
    has_slip = np.repeat(rng.random(k) < dl.slip_share, sizes) & (rng.random(parts) < dl.slip_on_receipt)
    in_desc = rng.random(parts) < dl.slip_in_description
    p_slip = np.repeat(slip, sizes)
    p_cp = rng.choice(names, parts)
    p_inv = _spell_ledger(rng, nums(parts))
    ref = np.where(has_slip & ~in_desc, strs(f"DEP {s}" for s in p_slip), p_inv)
    desc = np.where(has_slip & in_desc, strs(f"Receipt {c} dep slip {s}" for c, s in zip(p_cp, p_slip)),
                    strs(f"Receipt {c}" for c in p_cp))
    bld.add_ledger(parts, np.repeat(d, sizes), pamt, "USD", ref, desc, "AR", p_cp, pg, "batch")
    batch_receipts = (np.repeat(d, sizes), pamt)
    bank_day = d + rng.integers(-dl.batch_offset, dl.batch_offset + 1, k)
    bld.add_bank(k, bank_day, totals, "USD", "", rng.choice(strs(["DEPOSIT", "BRANCH DEPOSIT", "COUNTER DEPOSIT",
                                                                   "REMOTE DEPOSIT CAPTURE"]), k),
                 "deposit", "", g, "batch")

    # ---- split payments: one receipt paid in 2..4 parts over up to a week
    k = count(dl.split)
    g, d, cp, inv = groups(k), days(k), rng.choice(names, k), nums(k)
    sizes = rng.integers(2, 5, k)
    parts = int(sizes.sum())
    pamt = _amounts(rng, parts, 10000, 2_000_000)
    totals = np.zeros(k, dtype=np.int64)
    np.add.at(totals, np.repeat(np.arange(k), sizes), pamt)
    bld.add_ledger(k, d, totals, "USD", _spell_ledger(rng, inv), strs(f"Receipt {c}" for c in cp), "AR", cp, g,
                   "split")
    p_inv, p_cp = np.repeat(inv, sizes), _bank_name(np.repeat(cp, sizes), dl.name_cut)
    cut = rng.random(parts) < dl.split_ref_missing
    p_ref = np.where(cut, np.where(rng.random(parts) < 0.5, strs(str(x)[:4] for x in p_inv), ""),
                     _spell_bank(rng, p_inv))
    bld.add_bank(parts, np.repeat(d, sizes) + rng.integers(0, 8, parts), pamt, "USD", "",
                 strs(f"ACH CREDIT {c} {r}".rstrip() for c, r in zip(p_cp, p_ref)), "ach", "", np.repeat(g, sizes),
                 "split")

    # ---- returned items: the bank's code is one the engine may not know; the ledger reverses the receipt
    k = count(dl.returned)
    g, d, cp, amt, inv = groups(k), days(k), rng.choice(names, k), _amounts(rng, k), nums(k)
    code = rng.choice(strs(RETURN_CODES), k)
    bld.add_ledger(k, d + rng.integers(1, 6, k), -amt, "USD", _spell_ledger(rng, inv),
                   rng.choice(strs(["NSF reversal", "Returned check", "Chargeback", "Reverse receipt"]), k), "AR",
                   cp, g, "returned")
    bld.add_bank(k, d, -amt, "USD", "", strs(f"RETURNED ITEM {c}" if i % 2 else f"{t} {c}" for i, (c, t) in
                                             enumerate(zip(_bank_name(cp, dl.name_cut), code))),
                 code, "", g, "returned")

    # ---- wires received net of a fee outside any schedule
    k = count(dl.fee_deducted)
    g, d, cp, amt, inv = groups(k), days(k), rng.choice(names, k), _amounts(rng, k, 50000), nums(k)
    fee = rng.integers(50, dl.fee_max_cents + 1, k)
    with_ref = rng.random(k) < 0.7
    bld.add_ledger(k, d, amt, "USD", _spell_ledger(rng, inv), strs(f"Receipt {c}" for c in cp), "AR", cp, g,
                   "fee_deducted")
    bld.add_bank(k, d + rng.integers(0, 4, k), amt - fee, "USD", "",
                 strs(f"WIRE IN {c}" + (f" {r}" if w else "") for c, r, w in
                      zip(_bank_name(cp, dl.name_cut), _spell_bank(rng, inv), with_ref)),
                 rng.choice(strs(PLAIN_TYPES["wire"]), k), "", g, "fee_deducted", proposal=True)  # the fee line

    # ---- clusters of equal round amounts across customers
    k = count(dl.cluster)
    n_cl = max(1, k // 8)
    size = rng.integers(4, 13, n_cl)
    total = int(size.sum())
    g, cp, inv = groups(total), rng.choice(names, total), nums(total)
    c_amt = np.repeat(rng.integers(1, 40, n_cl) * 25000, size)
    c_day = np.repeat(days(n_cl), size) + rng.integers(0, 3, total)
    named = rng.random(total) < 0.7
    bld.add_ledger(total, c_day, c_amt, "USD", _spell_ledger(rng, inv), strs(f"Receipt {c}" for c in cp), "AR",
                   cp, g, "cluster")
    c_lag = rng.integers(0, 3, total)
    if dl.cluster_bank_early:  # drawn only when dialled, so the default stream of lines is unchanged
        c_lag = np.where(rng.random(total) < dl.cluster_bank_early, -rng.integers(1, 3, total), c_lag)
    bld.add_bank(total, c_day + c_lag, c_amt, "USD", "",
                 np.where(named, strs(f"ACH CREDIT {c} {r}" for c, r in
                                      zip(_bank_name(cp, dl.name_cut), _spell_bank(rng, inv))), "ACH CREDIT"),
                 "ach", "", g, "cluster")

    # ---- decoys: the same customer, a near amount, another invoice (ledger only), next to a true pair
    k = count(dl.decoy)
    d, cp, amt = days(k), rng.choice(names, k), _amounts(rng, k, 5000)
    bld.add_ledger(k, d, amt + rng.choice([-1, 1], k) * rng.integers(1, 2500, k), "USD",
                   _spell_ledger(rng, nums(k)), strs(f"Receipt {c}" for c in cp), "AR", cp, -1, "decoy")
    g, inv = groups(k), nums(k)
    bld.add_ledger(k, d, amt, "USD", _spell_ledger(rng, inv), strs(f"Receipt {c}" for c in cp), "AR", cp, g,
                   "plain")
    bld.add_bank(k, d + 1, amt, "USD", "", strs(f"ACH CREDIT {c} {r}" for c, r in
                                                zip(_bank_name(cp, dl.name_cut), _spell_bank(rng, inv))),
                 "ach", "", g, "plain")

    # ---- transposed digits: must never auto-match
    k = count(dl.typo)
    d, cp, amt, inv = days(k), rng.choice(names, k), _amounts(rng, k, 100000), nums(k)
    bld.add_ledger(k, d, np.array([_transpose(int(a), rng) for a in amt], dtype=np.int64), "USD",
                   _spell_ledger(rng, inv), strs(f"Receipt {c}" for c in cp), "AR", cp, -1, "typo")
    bld.add_bank(k, d + 1, amt, "USD", "", strs(f"ACH CREDIT {c}" for c in _bank_name(cp, dl.name_cut)), "ach",
                 "", -1, "typo")

    # ---- look-alikes: the bank names another known company, one that shares a generic word with the
    # ledger's, or (spelled in full) one whose name differs from the ledger's by the legal suffix only
    k = count(dl.lookalike)
    d, amt = days(k), _amounts(rng, k)
    cp = rng.choice(names, k)
    by_suffix = rng.random(k) < 0.5
    other = strs(_other_company(rng, c, s, names) for c, s in zip(cp, by_suffix))
    bld.add_ledger(k, d, -amt, "USD", _spell_ledger(rng, nums(k)), strs(f"Payment {c}" for c in cp), "AP", cp,
                   -1, "lookalike")
    bld.add_ledger(k, days(k), -_amounts(rng, k), "USD", _spell_ledger(rng, nums(k)),
                   strs(f"Payment {c}" for c in other), "AP", other, -1, "ledger_only")  # the other is known
    shown = np.where(by_suffix, strs(c.upper() for c in other), _bank_name(other, dl.name_cut))
    bld.add_bank(k, d + rng.integers(0, 3, k), -amt, "USD", "", strs(f"ACH DEBIT {c}" for c in shown),
                 "ach", "", -1, "lookalike")

    # ---- bank-only and ledger-only lines
    k = count(dl.bank_only)
    cp = rng.choice(names, k)
    bld.add_bank(k, days(k), rng.choice([-1, 1], k) * _amounts(rng, k), "USD", "",
                 strs(f"ACH DEBIT {c}" for c in _bank_name(cp, dl.name_cut)), "ach", "", -1, "bank_only")
    k = count(dl.ledger_only)
    cp = rng.choice(names, k)
    bld.add_ledger(k, days(k), rng.choice([-1, 1], k) * _amounts(rng, k), "USD", _spell_ledger(rng, nums(k)),
                   strs(f"Receipt {c}" for c in cp), "AR", cp, -1, "ledger_only")
    _check_conflicts(bld, rng, count(dl.check_conflict), days, names)
    _single_deposits(bld, rng, count(dl.single_deposit), groups, names, *batch_receipts, dl.batch_offset)
    data = _finish(bld, rng, n)
    return BooksData(data.bank, data.ledger, data.truth, data.proposals, line_kinds=data.line_kinds, dials=dl)


def _check_conflicts(bld, rng, k, days, names):
    """A check paid whose bank text names serial S, against a ledger check of the same amount and window with
    another serial (two digits swapped or another number): evidence against the pair; neither has a partner."""
    if not k:
        return
    d, cp, amt = days(k), rng.choice(names, k), _amounts(rng, k)
    serial = rng.integers(2000, 99999, k)
    other = np.where(rng.random(k) < 0.5, [_transpose(int(x), rng) for x in serial], serial + rng.integers(1, 50, k))
    bld.add_ledger(k, d, -amt, "USD", strs(f"CHK {x}" for x in other), strs(f"Check to {c}" for c in cp), "AP", cp,
                   -1, "check_conflict")
    bld.add_bank(k, d + rng.integers(1, 15, k), -amt, "USD", "", strs(f"CHECK {x}" for x in serial), "check", "",
                 -1, "check_conflict")


def _single_deposits(bld, rng, k, groups, names, receipt_day, receipt_amt, offset):
    """Single-check deposits (one receipt, one bank deposit) as large as a receipt of a batch booked within
    the deposit's window: by amount and date alone the single deposit could take the batch's receipt."""
    k = min(k, len(receipt_amt))
    if not k:
        return
    twin = rng.choice(len(receipt_amt), k, replace=False)
    g, cp, amt = groups(k), rng.choice(names, k), receipt_amt[twin]
    d = receipt_day[twin] + rng.integers(-offset // 2, offset // 2 + 1, k)
    bld.add_ledger(k, d, amt, "USD", _spell_ledger(rng, rng.integers(100000, 999999, k)),
                   strs(f"Receipt {c} check" for c in cp), "AR", cp, g, "single_deposit")
    bld.add_bank(k, d + rng.integers(0, 3, k), amt, "USD", "", rng.choice(strs(["DEPOSIT", "MOBILE DEPOSIT"]), k),
                 "deposit", "", g, "single_deposit")


def _other_company(rng, name, by_suffix, names):
    """Another company that looks like `name`: the same words with another legal suffix, or another known
    name with the same generic word."""
    first, generic, suffix = name.split(" ")
    if by_suffix:
        return f"{first} {generic} {rng.choice([s for s in SUFFIXES if s != suffix])}"
    while True:
        other = names[int(rng.integers(0, len(names)))]
        if other.split(" ")[1] == generic and other.split(" ")[0] != first:
            return other


def _one_to_one(bld, rng, dl, k, g, d, names, inv, kind, lag=(0, 3), ledger_after=False, by_number=False,
                kind_of=None):
    """1:1 pairs by channel: ACH, wire, transfer, card; the bank text names the counterparty (cut to
    name_cut) unless `by_number`, where only the document number (in some spelling, or none) ties them."""
    if not k:
        return
    cp, amt = rng.choice(names, k), _amounts(rng, k)
    channel = np.full(k, kind_of, dtype=object) if kind_of else rng.choice(strs(("ach", "wire", "card")), k,
                                                                          p=[0.6, 0.2, 0.2])
    sign = np.where(channel == "card", -1, rng.choice([-1, 1], k, p=[0.45, 0.55]))
    types = np.array([rng.choice(PLAIN_TYPES[c]) for c in channel], dtype=object)
    bank_name = _bank_name(cp, dl.name_cut)
    if by_number:
        shared = rng.random(k) < dl.number_shared
        label = np.where(sign > 0, "CREDIT", "DEBIT")
        desc = np.array([f"{lb} {r}" if s else f"{lb} PAYMENT" for lb, r, s in
                         zip(label, _spell_bank(rng, inv), shared)], dtype=object)
        sign = np.where(channel == "card", -1, sign)
    else:
        with_ref = rng.random(k) < 0.5
        desc = np.array([f"{c.upper()} {n}" + (f" {r}" if w else "") for c, n, r, w in
                         zip(channel, bank_name, _spell_bank(rng, inv), with_ref)], dtype=object)
    if ledger_after:
        bday = d
        lday = _weekday_forward(d, rng.integers(2, 6, k))
    else:
        lday = d
        bday = d + rng.integers(lag[0], lag[1] + 1, k)
    bld.add_ledger(k, lday, sign * amt, "USD", _spell_ledger(rng, inv),
                   np.array([f"{'Receipt' if s > 0 else 'Payment'} {c}" for s, c in zip(sign, cp)], dtype=object),
                   np.where(sign > 0, "AR", "AP"), cp, g, kind)
    bld.add_bank(k, bday, sign * amt, "USD", "", desc, types, "", g, kind)


def dense_dials(dials: Dials = Dials()) -> Dials:
    """The same lines over 5 weeks instead of a year (the density sweep)."""
    return replace(dials, span_days=35)


def evaluate_by_kind(data: MatchData, rows: pd.DataFrame) -> dict[str, dict]:
    """Per category: true pairs, matched pairs touching it, right ones, precision, recall, wrong groups.

    A matched (bank, ledger) pair belongs to the categories of both its lines (a line of no true group has
    its generator kind: decoy, typo, lookalike, bank_only, ledger_only; every pair touching one is wrong)."""
    kinds = pd.Series(data.line_kinds or {}, dtype=object)
    kinds.update(pd.Series(dict(zip(data.truth.line_id, data.truth.kind)), dtype=object))
    pred = rows[rows.side == "bank"][["match_id", "line_id"]].merge(
        rows[rows.side == "ledger"][["match_id", "line_id"]], on="match_id", suffixes=("_b", "_l"))
    tb = data.truth[data.truth.side == "bank"][["group", "line_id", "kind"]]
    tl = data.truth[data.truth.side == "ledger"][["group", "line_id"]]
    true = tb.merge(tl, on="group", suffixes=("_b", "_l"))
    pred = pred.merge(true[["line_id_b", "line_id_l"]].assign(right=True), on=["line_id_b", "line_id_l"],
                      how="left")
    pred["right"] = pred["right"].eq(True)
    kb = pred.line_id_b.map(kinds).fillna("unlabelled").to_numpy()
    kl = pred.line_id_l.map(kinds).fillna("unlabelled").to_numpy()
    right = pred.right.to_numpy()
    n_true = true.groupby("kind").size().to_dict()

    def figures(touch, n_true_k):
        n_pred, n_right = int(touch.sum()), int((touch & right).sum())
        return {"true": n_true_k, "predicted": n_pred, "right": n_right,
                "precision": n_right / n_pred if n_pred else 1.0,
                "recall": n_right / n_true_k if n_true_k else 1.0,
                "groups": int(pred.match_id[touch].nunique()),
                "wrong_groups": int(pred.match_id[touch & ~right].nunique())}

    out = {k: figures((kb == k) | (kl == k), int(n_true.get(k, 0)))
           for k in sorted(set(kb) | set(kl) | set(n_true) | set(NEGATIVES))}
    out["ALL"] = figures(np.ones(len(pred), dtype=bool), len(true))
    return out
