"""Seeded generator of bank and ledger lines with known true matches, for matching tests and benchmarks.

What it holds, besides plain 1:1 pairs (checks, ACH, wires, cards, deposits) with date lags:
fees deducted from received wires, batch deposits (one bank line = several receipts of one customer or one
deposit slip), split payments (several bank lines = one ledger line), clusters of identical round amounts
to different counterparties (half of them with nothing in the bank text to tell them apart), decoys (near
amounts that must not match), transposed-digit typos (must not auto-match), deposits returned unpaid (NSF)
with or without the ledger's reversal, bank-only fees and interest, other bank-only and ledger-only lines,
and a few lines in a foreign currency, some a few cents off.

Vectorised with numpy so that a million lines a side take seconds. Amounts are integer cents (`amount_minor`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from tieout.server.records import BankLine, LedgerLine

EPOCH = np.datetime64("1970-01-01")
SYLLABLES = ("KOR VEX MIRA LON TAN BEL ORI ZEN DAL FIN GRA HOL JUN KEL MAR NOV PAL QUI RIV SOL TER ULM VAN WES "
             "XAN YOR BRI CAS DEN ELM FAR GIL HAR IVO JAS KIR LUM MOR NEL OST PER RAN SAV TOR UNA VIL WIN").split()
SUFFIXES = ("LLC", "INC", "LTD", "CORP", "GMBH", "CO", "")
FEES = (1000, 1500, 2000, 2500, 3000)  # cents; all in the default fee schedule

# Share of bank lines by kind (the rest are plain 1:1 pairs).
MIX = {
    "fee_deducted": 0.010, "batch": 0.020, "split": 0.005, "cluster": 0.012, "decoy": 0.010, "typo": 0.005,
    "nsf": 0.004, "bank_fee": 0.005, "interest": 0.001, "bank_only": 0.005, "ledger_only": 0.010, "fx": 0.006,
}


@dataclass
class MatchData:
    bank: pd.DataFrame  # canonical bank columns, amount as integer cents in amount_minor
    ledger: pd.DataFrame
    truth: pd.DataFrame  # group, kind, side, line_id: the lines that belong together
    proposals: frozenset[str]  # bank line ids that should become proposed new transactions
    decimals: int = 2
    line_kinds: dict[str, str] | None = None  # every line's generator kind (lines of no true group too)

    def true_pairs(self) -> set[tuple[str, str]]:
        return pairs_of(self.truth)

    def true_groups(self) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
        out = set()
        for _, g in self.truth.groupby("group"):
            out.add((tuple(sorted(g.loc[g.side == "bank", "line_id"])),
                     tuple(sorted(g.loc[g.side == "ledger", "line_id"]))))
        return out

    def with_decimal_amounts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The same lines with an `amount` column of Decimals (the records path)."""
        out = []
        for f in (self.bank, self.ledger):
            f = f.copy()
            f["amount"] = [Decimal(int(a)).scaleb(-2) for a in f.pop("amount_minor")]
            out.append(f)
        return out[0], out[1]

    def records(self) -> tuple[list[BankLine], list[LedgerLine]]:
        b, g = self.with_decimal_amounts()
        bank = [BankLine(r.line_id, r.date.date(), r.amount, r.currency, r.reference, r.description, r.type,
                         r.check_number)
                for r in b.itertuples()]
        ledger = [LedgerLine(r.line_id, r.date.date(), r.amount, r.currency, r.reference, r.description, r.source,
                             r.counterparty) for r in g.itertuples()]
        return bank, ledger


def bank_line(line_id: str, day: str, amount: str, type: str = "other", description: str = "", reference: str = "",
              check_number: str = "", currency: str = "USD") -> BankLine:
    """A bank line for hand-built test cases: amounts and dates as text."""
    return BankLine(line_id, dt.date.fromisoformat(day), Decimal(amount), currency, reference, description, type,
                    check_number)


def ledger_line(line_id: str, day: str, amount: str, reference: str = "", counterparty: str = "",
                description: str = "", source: str = "GL", currency: str = "USD") -> LedgerLine:
    return LedgerLine(line_id, dt.date.fromisoformat(day), Decimal(amount), currency, reference, description, source,
                      counterparty)


def pairs_of(truth: pd.DataFrame) -> set[tuple[str, str]]:
    out = set()
    for _, g in truth.groupby("group"):
        bs, ls = g.loc[g.side == "bank", "line_id"], g.loc[g.side == "ledger", "line_id"]
        out.update((b, l) for b in bs for l in ls)
    return out


class _Builder:
    """Collects lines column by column; `group` ties true matches (-1: belongs to no match)."""

    def __init__(self):
        self.bank: dict[str, list] = {k: [] for k in ("day", "amt", "cur", "ref", "desc", "type", "chk", "group",
                                                      "kind")}
        self.ledger: dict[str, list] = {k: [] for k in ("day", "amt", "cur", "ref", "desc", "src", "cp", "group",
                                                        "kind")}
        self.proposal_rows: list[np.ndarray] = []

    def add_bank(self, n, day, amt, cur, ref, desc, typ, chk, group, kind, proposal=False):
        b = self.bank
        start = sum(len(x) for x in b["day"])
        for k, v in (("day", day), ("amt", amt), ("cur", cur), ("ref", ref), ("desc", desc), ("type", typ),
                     ("chk", chk), ("group", group), ("kind", kind)):
            b[k].append(np.broadcast_to(np.asarray(v, dtype=object if k in ("cur", "ref", "desc", "type", "chk", "kind")
                                                   else np.int64), (n,)).copy())
        if proposal:
            self.proposal_rows.append(np.arange(start, start + n))

    def add_ledger(self, n, day, amt, cur, ref, desc, src, cp, group, kind):
        g = self.ledger
        for k, v in (("day", day), ("amt", amt), ("cur", cur), ("ref", ref), ("desc", desc), ("src", src),
                     ("cp", cp), ("group", group), ("kind", kind)):
            g[k].append(np.broadcast_to(np.asarray(v, dtype=object if k in ("cur", "ref", "desc", "src", "cp", "kind")
                                                   else np.int64), (n,)).copy())


def _names(rng, n):
    a = rng.choice(SYLLABLES, n) + rng.choice(SYLLABLES, n)
    b = rng.choice(SYLLABLES, n) + rng.choice(SYLLABLES, n)
    s = rng.choice(SUFFIXES, n)
    names = np.array([f"{x} {y} {z}".strip() for x, y, z in zip(a, b, s)], dtype=object)
    return np.unique(names)


def _amounts(rng, n, round_share=0.05):
    cents = np.exp(rng.uniform(np.log(500), np.log(5_000_000), n)).astype(np.int64)
    rnd = rng.random(n) < round_share
    cents[rnd] = rng.integers(10, 2000, rnd.sum()) * 1000  # 100.00 .. 19,990.00 in steps of 10.00
    return cents


def _lag(rng, n, lo, hi):
    return rng.integers(lo, hi + 1, n)


def generate(n: int, seed: int = 7, per_day: int = 400, start: dt.date = dt.date(2024, 1, 1)) -> MatchData:
    """Exactly `n` bank lines and `n` ledger lines, spread over n / per_day days (at least 28)."""
    rng = np.random.default_rng(seed)
    span = max(28, n // per_day)
    day0 = (np.datetime64(start) - EPOCH).astype(np.int64)
    names = _names(rng, max(300, n // 25))
    counts = {k: max(1, int(round(n * v))) for k, v in MIX.items()}
    # a little more than needed: _finish trims both sides to exactly n lines
    plain = max(1, n - sum(counts.values()) - counts["split"] * 2) + n // 20 + 10
    bld = _Builder()
    gid = [0]

    def groups(k):
        g = np.arange(gid[0], gid[0] + k)
        gid[0] += k
        return g

    def days(k):
        return day0 + rng.integers(0, span, k)

    inv = iter(rng.permutation(np.arange(100000, 100000 + 20 * n + 1000)))

    def invoices(k, prefix="INV-"):
        return np.array([f"{prefix}{next(inv)}" for _ in range(k)], dtype=object)

    # ---- plain 1:1 pairs by channel
    kinds = rng.choice(["check", "ach_in", "ach_out", "wire", "card", "deposit"], plain,
                       p=[0.2, 0.27, 0.2, 0.06, 0.17, 0.1])
    for kind in ("check", "ach_in", "ach_out", "wire", "card", "deposit"):
        k = int((kinds == kind).sum())
        if not k:
            continue
        g, d, cp = groups(k), days(k), rng.choice(names, k)
        amt = _amounts(rng, k)
        refs = invoices(k)
        if kind == "check":
            nums = rng.permutation(np.arange(10000, 10000 + 3 * k))[:k]
            bld.add_ledger(k, d, -amt, "USD", nums.astype(str).astype(object),
                           np.array([f"Check to {c}" for c in cp], dtype=object), "AP", cp, g, "plain")
            bld.add_bank(k, d + _lag(rng, k, 1, 30), -amt, "USD", "",
                         np.array([f"CHECK {x}" for x in nums], dtype=object), "check", nums.astype(str).astype(object),
                         g, "plain")
            continue
        sign = -1 if kind in ("ach_out", "card") else (1 if kind in ("ach_in", "deposit") else rng.choice([-1, 1], k))
        lag = _lag(rng, k, 0, 3) if kind != "card" else _lag(rng, k, 1, 3)
        with_ref = rng.random(k) < 0.6
        label = {"ach_in": "ACH CREDIT", "ach_out": "ACH DEBIT", "wire": "WIRE", "card": "CARD PURCHASE",
                 "deposit": "DEPOSIT"}[kind]
        if kind == "deposit":
            desc = np.array(["DEPOSIT"] * k, dtype=object)
            bref = np.array([""] * k, dtype=object)
        else:
            desc = np.array([f"{label} {c.upper()}" + (f" {r}" if w else "") for c, r, w in zip(cp, refs, with_ref)],
                            dtype=object)
            bref = np.where(rng.random(k) < 0.5, rng.integers(10**9, 10**10, k).astype(str), "").astype(object)
        btype = {"ach_in": "ach", "ach_out": "ach", "wire": "wire", "card": "card", "deposit": "deposit"}[kind]
        bld.add_ledger(k, d, sign * amt, "USD", refs, np.array([f"Invoice {r}" for r in refs], dtype=object),
                       "AR" if kind in ("ach_in", "deposit") else "AP", cp, g, "plain")
        bld.add_bank(k, d + lag, sign * amt, "USD", bref, desc, btype, "", g, "plain")

    # ---- wires received less a fee
    k = counts["fee_deducted"]
    g, d, cp, amt, refs = groups(k), days(k), rng.choice(names, k), _amounts(rng, k, 0) + 100000, invoices(k)
    fee = rng.choice(FEES, k)
    bld.add_ledger(k, d, amt, "USD", refs, np.array([f"Invoice {r}" for r in refs], dtype=object), "AR", cp, g,
                   "fee_deducted")
    bld.add_bank(k, d + _lag(rng, k, 0, 3), amt - fee, "USD", "",
                 np.array([f"WIRE IN {c.upper()}" for c in cp], dtype=object), "wire", "", g, "fee_deducted",
                 proposal=True)

    # ---- batch deposits: one bank line = 2..5 receipts of one customer, or of one deposit slip
    k = counts["batch"]
    g, d = groups(k), days(k)
    sizes = rng.integers(2, 6, k)
    parts = int(sizes.sum())
    pg, pd_ = np.repeat(g, sizes), np.repeat(d, sizes)
    pamt = _amounts(rng, parts, 0)
    totals = np.zeros(k, dtype=np.int64)
    np.add.at(totals, np.repeat(np.arange(k), sizes), pamt)
    by_slip = rng.random(k) < 0.4
    cp = rng.choice(names, k)
    slips = rng.integers(100000, 999999, k)
    p_cp = np.where(np.repeat(by_slip, sizes), rng.choice(names, parts), np.repeat(cp, sizes))
    p_ref = np.where(np.repeat(by_slip, sizes), np.array([f"DEP-{s}" for s in np.repeat(slips, sizes)], dtype=object),
                     invoices(parts))
    bld.add_ledger(parts, pd_ - _lag(rng, parts, 0, 3), pamt, "USD", p_ref,
                   np.array([f"Receipt {c}" for c in p_cp], dtype=object), "AR", p_cp, pg, "batch")
    bdesc = np.where(by_slip, np.array([f"DEPOSIT SLIP {s}" for s in slips], dtype=object),
                     np.array([f"ACH CREDIT {c.upper()} MULTIPLE INVOICES" for c in cp], dtype=object))
    bld.add_bank(k, d, totals, "USD", "", bdesc, np.where(by_slip, "deposit", "ach"), "", g, "batch")

    # ---- split payments: one ledger receipt paid in 2..3 transfers
    k = counts["split"]
    g, d, cp, refs = groups(k), days(k), rng.choice(names, k), invoices(k)
    sizes = rng.integers(2, 4, k)
    parts = int(sizes.sum())
    pamt = _amounts(rng, parts, 0) + 10000
    totals = np.zeros(k, dtype=np.int64)
    np.add.at(totals, np.repeat(np.arange(k), sizes), pamt)
    bld.add_ledger(k, d, totals, "USD", refs, np.array([f"Invoice {r}" for r in refs], dtype=object), "AR", cp, g,
                   "split")
    bld.add_bank(parts, np.repeat(d, sizes) + _lag(rng, parts, 0, 5), pamt, "USD", "",
                 np.array([f"ACH CREDIT {c.upper()} {r} PART"
                           for c, r in zip(np.repeat(cp, sizes), np.repeat(refs, sizes))], dtype=object),
                 "ach", "", np.repeat(g, sizes), "split")

    # ---- clusters of identical round amounts to different counterparties, same day
    k = counts["cluster"]
    n_clusters = max(1, k // 7)
    size = rng.integers(5, 11, n_clusters)
    total = int(size.sum())
    g = groups(total)
    c_amt = np.repeat(rng.integers(1, 40, n_clusters) * 5000, size)  # 50.00 .. 1,950.00
    c_day = np.repeat(days(n_clusters), size)
    named = np.repeat(rng.random(n_clusters) < 0.5, size)
    cp = rng.choice(names, total)
    bld.add_ledger(total, c_day, -c_amt, "USD", "", np.array([f"Payment to {c}" for c in cp], dtype=object), "AP",
                   cp, g, "cluster")
    bld.add_bank(total, c_day + 1, -c_amt, "USD", "",
                 np.where(named, np.array([f"ACH DEBIT {c.upper()}" for c in cp], dtype=object), "ACH DEBIT PAYMENTS"),
                 "ach", "", g, "cluster")

    # ---- decoys: near amounts on the other side, same day and counterparty, matching nothing
    k = counts["decoy"]
    d, cp, amt = days(k), rng.choice(names, k), _amounts(rng, k, 0)
    near = amt + rng.choice([-1, 1], k) * rng.integers(1, 900, k)
    half = k // 2
    bld.add_ledger(half, d[:half], near[:half], "USD", invoices(half),
                   np.array([f"Invoice for {c}" for c in cp[:half]], dtype=object), "AR", cp[:half], -1, "decoy")
    bld.add_bank(k - half, d[half:], near[half:], "USD", "",
                 np.array([f"ACH CREDIT {c.upper()}" for c in cp[half:]], dtype=object), "ach", "", -1, "decoy")

    # ---- transposed-digit typos: the ledger keyed the bank amount with two digits swapped
    k = counts["typo"]
    d, cp, amt, refs = days(k), rng.choice(names, k), _amounts(rng, k, 0) + 100000, invoices(k)
    typo = np.array([_transpose(int(a), rng) for a in amt], dtype=np.int64)
    bld.add_ledger(k, d, typo, "USD", refs, np.array([f"Invoice {r}" for r in refs], dtype=object), "AR", cp, -1,
                   "typo")
    bld.add_bank(k, d + 1, amt, "USD", "", np.array([f"ACH CREDIT {c.upper()}" for c in cp], dtype=object), "ach", "",
                 -1, "typo")

    # ---- deposits returned unpaid: the return matches the ledger's reversal, or becomes a proposal
    k = counts["nsf"]
    g, d, cp, amt, refs = groups(k), days(k), rng.choice(names, k), _amounts(rng, k, 0), invoices(k)
    bld.add_ledger(k, d, amt, "USD", refs, np.array([f"Receipt {c}" for c in cp], dtype=object), "AR", cp, g, "pair")
    bld.add_bank(k, d + 1, amt, "USD", "", np.array([f"DEPOSIT {c.upper()}" for c in cp], dtype=object), "deposit", "",
                 g, "pair")
    reversed_in_ledger = rng.random(k) < 0.5
    kr = int(reversed_in_ledger.sum())
    g2 = groups(kr)
    ret_day = d + _lag(rng, k, 3, 10)
    bld.add_ledger(kr, ret_day[reversed_in_ledger] + 1, -amt[reversed_in_ledger], "USD", "",
                   np.array([f"NSF reversal {r}" for r in refs[reversed_in_ledger]], dtype=object), "AR",
                   cp[reversed_in_ledger], g2, "nsf")
    bld.add_bank(kr, ret_day[reversed_in_ledger], -amt[reversed_in_ledger], "USD", "", "RETURNED ITEM NSF", "return",
                 "", g2, "nsf")
    bld.add_bank(k - kr, ret_day[~reversed_in_ledger], -amt[~reversed_in_ledger], "USD", "", "RETURNED ITEM NSF",
                 "return", "", -1, "nsf_proposal", proposal=True)

    # ---- bank-only: fees and interest (proposals), and lines the ledger never recorded
    k = counts["bank_fee"]
    bld.add_bank(k, days(k), -rng.integers(5, 60, k) * 100, "USD", "", "SERVICE CHARGE", "fee", "", -1, "fee",
                 proposal=True)
    k = counts["interest"]
    bld.add_bank(k, days(k), rng.integers(100, 99999, k), "USD", "", "INTEREST PAID", "interest", "", -1, "interest",
                 proposal=True)
    k = counts["bank_only"]
    cp = rng.choice(names, k)
    bld.add_bank(k, days(k), rng.choice([-1, 1], k) * _amounts(rng, k, 0), "USD", "",
                 np.array([f"ACH DEBIT {c.upper()}" for c in cp], dtype=object), "ach", "", -1, "bank_only")
    k = counts["ledger_only"]
    cp, refs = rng.choice(names, k), invoices(k)
    bld.add_ledger(k, days(k), rng.choice([-1, 1], k) * _amounts(rng, k, 0), "USD", refs,
                   np.array([f"Invoice {r}" for r in refs], dtype=object), "AP", cp, -1, "ledger_only")

    # ---- foreign currency: EUR lines, half a few cents off (conversion rounding)
    k = counts["fx"]
    g, d, cp, amt, refs = groups(k), days(k), rng.choice(names, k), _amounts(rng, k, 0), invoices(k)
    off = np.where(rng.random(k) < 0.5, rng.integers(-3, 4, k), 0)
    bld.add_ledger(k, d, amt, "EUR", refs, np.array([f"Invoice {r}" for r in refs], dtype=object), "AR", cp, g, "fx")
    bld.add_bank(k, d + _lag(rng, k, 0, 2), amt + off, "EUR", "",
                 np.array([f"SEPA CREDIT {c.upper()} {r}" for c, r in zip(cp, refs)], dtype=object), "transfer", "", g,
                 "fx")
    return _finish(bld, rng, n)


def _transpose(a: int, rng) -> int:
    s = list(str(a))
    spots = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
    i = spots[int(rng.integers(0, len(spots)))] if spots else 0
    s[i], s[i + 1] = s[i + 1], s[i]
    return int("".join(s))


def _trim(b: dict, g: dict, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Rows to keep so that each side has exactly n lines: drop whole plain pairs, then one side of a few
    more (their other line becomes a bank-only or ledger-only line)."""
    nb, nl = len(b["day"]), len(g["day"])
    assert nb >= n and nl >= n, (nb, nl, n)
    plain = np.unique(b["group"][b["kind"] == "plain"])
    rng.shuffle(plain)
    both = min(nb - n, nl - n)
    one_b, one_l = nb - n - both, nl - n - both
    gone_both = plain[:both]
    gone_b = plain[both:both + one_b]  # bank line dropped: the ledger line is left alone
    gone_l = plain[both + one_b:both + one_b + one_l]
    keep_b = ~np.isin(b["group"], np.concatenate([gone_both, gone_b]))
    keep_l = ~np.isin(g["group"], np.concatenate([gone_both, gone_l]))
    widowed_l = np.isin(g["group"], gone_b)
    g["group"][widowed_l], g["kind"][widowed_l] = -1, "ledger_only"
    widowed_b = np.isin(b["group"], gone_l)
    b["group"][widowed_b], b["kind"][widowed_b] = -1, "bank_only"
    return keep_b, keep_l


def _finish(bld: _Builder, rng, n: int, trim: bool = True) -> MatchData:
    """`trim`: cut each side to exactly n lines (generators whose sides differ in size pass False)."""
    b = {k: np.concatenate(v) for k, v in bld.bank.items()}
    g = {k: np.concatenate(v) for k, v in bld.ledger.items()}
    proposal_rows = np.concatenate(bld.proposal_rows) if bld.proposal_rows else np.zeros(0, dtype=np.int64)
    keep_b, keep_l = _trim(b, g, n, rng) if trim else (np.ones(len(b["day"]), dtype=bool),
                                                        np.ones(len(g["day"]), dtype=bool))
    proposal_rows = (np.cumsum(keep_b) - 1)[proposal_rows[keep_b[proposal_rows]]]
    b = {k: v[keep_b] for k, v in b.items()}
    g = {k: v[keep_l] for k, v in g.items()}
    pb, pg = rng.permutation(len(b["day"])), rng.permutation(len(g["day"]))
    bank_ids = np.empty(len(pb), dtype=object)
    bank_ids[pb] = [f"B{i:07d}" for i in range(len(pb))]
    ledger_ids = np.empty(len(pg), dtype=object)
    ledger_ids[pg] = [f"L{i:07d}" for i in range(len(pg))]
    bank = pd.DataFrame({
        "line_id": bank_ids, "date": (b["day"].astype(np.int64)).astype("datetime64[D]"),
        "amount_minor": b["amt"].astype(np.int64), "currency": b["cur"], "reference": b["ref"],
        "description": b["desc"], "type": b["type"], "check_number": b["chk"]}).iloc[np.argsort(pb)]
    ledger = pd.DataFrame({
        "line_id": ledger_ids, "date": (g["day"].astype(np.int64)).astype("datetime64[D]"),
        "amount_minor": g["amt"].astype(np.int64), "currency": g["cur"], "reference": g["ref"],
        "description": g["desc"], "source": g["src"], "counterparty": g["cp"]}).iloc[np.argsort(pg)]
    truth = pd.concat([
        pd.DataFrame({"group": b["group"].astype(np.int64), "kind": b["kind"], "side": "bank", "line_id": bank_ids}),
        pd.DataFrame({"group": g["group"].astype(np.int64), "kind": g["kind"], "side": "ledger",
                      "line_id": ledger_ids}),
    ])
    truth = truth[truth.group >= 0].sort_values(["group", "side", "line_id"]).reset_index(drop=True)
    kinds = dict(zip(bank_ids, b["kind"])) | dict(zip(ledger_ids, g["kind"]))
    return MatchData(bank.reset_index(drop=True), ledger.reset_index(drop=True), truth,
                     frozenset(bank_ids[proposal_rows]), line_kinds=kinds)


def evaluate(data: MatchData, rows: pd.DataFrame, proposed_bank_ids=()) -> dict:
    """Quality of matched rows (match_id, side, line_id) against the truth: precision and recall over
    matched (bank, ledger) pairs, wrong groups, and proposals."""
    bank_rows = rows[rows.side == "bank"][["match_id", "line_id"]]
    ledger_rows = rows[rows.side == "ledger"][["match_id", "line_id"]]
    pred = bank_rows.merge(ledger_rows, on="match_id", suffixes=("_b", "_l"))
    tb = data.truth[data.truth.side == "bank"][["group", "line_id"]]
    tl = data.truth[data.truth.side == "ledger"][["group", "line_id"]]
    true = tb.merge(tl, on="group", suffixes=("_b", "_l"))
    hit = pred.merge(true, on=["line_id_b", "line_id_l"])
    n_pred, n_true, n_hit = len(pred), len(true), len(hit)
    # a group is right when all its lines belong to one true group and it holds all of that group's lines
    gid = dict(zip(data.truth.line_id, data.truth.group))
    size = data.truth.groupby("group").size()
    with_ledger = rows[rows.match_id.isin(ledger_rows.match_id)]
    g = with_ledger.assign(true_group=with_ledger.line_id.map(gid).fillna(-1).astype(np.int64))
    agg = g.groupby("match_id").agg(n=("line_id", "size"), first=("true_group", "min"), last=("true_group", "max"))
    right = (agg["first"] == agg["last"]) & (agg["first"] >= 0)
    right &= agg["n"].to_numpy() == size.reindex(agg["first"]).fillna(-1).to_numpy()
    proposed = set(proposed_bank_ids)
    return {
        "pairs_predicted": n_pred, "pairs_true": n_true, "pairs_right": n_hit,
        "precision": n_hit / n_pred if n_pred else 1.0, "recall": n_hit / n_true if n_true else 1.0,
        "groups": int(len(agg)), "wrong_groups": int((~right).sum()),
        "proposals_expected": len(data.proposals), "proposals_right": len(proposed & data.proposals),
        "proposals_wrong": len(proposed - data.proposals),
    }
