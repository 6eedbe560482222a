"""Text similarity and counterparty contradiction of matched pairs, measured by the matching engine's own
evidence functions (matching/evidence.py) over this reconciliation's lines, so the review and the engine
never disagree about what "similar" or "names someone else" means."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ...matching import evidence
from ...matching.frames import prepare, records_to_frame
from ...records import BankLine, LedgerLine
from ...store.memo import Memo
from ..facts import Item, MatchFacts


@dataclass(frozen=True)
class PairEvidence:
    similarity: int | None  # best over the group's bank x ledger pairs, 0..100; None: no reference to compare
    contradicted: bool  # a bank text names another known counterparty, or another document number or check serial
    corroborated: bool = False  # a document number agrees or the counterparty is named (on some pair)


def _side(items: list[Item], kind: str, currencies: dict):
    if kind == "bank":
        recs = [BankLine(i.line_id, i.date, i.amount, i.currency, i.reference, i.description, "other",
                         i.check_number) for i in items]
    else:
        recs = [LedgerLine(i.line_id, i.date, i.amount, i.currency, i.reference, i.description, i.kind,
                           i.counterparty) for i in items]
    side = prepare(records_to_frame(recs, kind), kind, 4, currencies)
    position = {line_id: k for k, line_id in enumerate(side.ids)}
    return side, position


# The evidence of the last few inputs, by a digest of the inputs (what `_compute` reads of every line, and each
# group's members): accepting matches, a tick or a note makes a new review but leaves every pair's evidence as it
# was, and measuring it costs seconds at 20,000 lines. Why a 256-bit BLAKE2b digest and not the values: a key of
# values kept a copy of every line's texts alive per entry (~100 MiB at 20,000 lines, measured with the add-in
# bench); two different inputs sharing a digest is as likely as a forged hash.
_KEPT = Memo(size=2)


def _inputs(groups: list[MatchFacts], bank: list[Item], ledger: list[Item]) -> bytes:
    values = (tuple((i.line_id, i.date, i.amount, i.currency, i.reference, i.description, i.check_number)
                    for i in bank),
              tuple((i.line_id, i.date, i.amount, i.currency, i.reference, i.description, i.kind, i.counterparty)
                    for i in ledger),
              tuple((m.key, tuple(x.line_id for x in m.bank), tuple(y.line_id for y in m.ledger)) for m in groups))
    return hashlib.blake2b(repr(values).encode(), digest_size=32).digest()


def pair_evidence(matches: tuple[MatchFacts, ...], bank: list[Item], ledger: list[Item]) -> Mapping[str, PairEvidence]:
    """Evidence per match key, for groups with lines on both sides (the ledger vocabulary is every GL line)."""
    groups = [m for m in matches if m.bank and m.ledger]
    if not groups:
        return {}
    return _KEPT.get(_inputs(groups, bank, ledger), lambda: MappingProxyType(_compute(groups, bank, ledger)))


def _compute(groups: list[MatchFacts], bank: list[Item], ledger: list[Item]) -> dict[str, PairEvidence]:
    currencies: dict[str, int] = {}
    b, bpos = _side(bank, "bank", currencies)
    g, gpos = _side(ledger, "ledger", currencies)
    owners, bi, li = [], [], []
    for m in groups:
        for x in m.bank:
            for y in m.ledger:
                owners.append(m.key)
                bi.append(bpos[x.line_id])
                li.append(gpos[y.line_id])
    bi_a, li_a = np.asarray(bi, dtype=np.int64), np.asarray(li, dtype=np.int64)
    sim = evidence.similarity(b, g, bi_a, li_a)
    # Not the engine's `contradicted`: for matching, an agreeing invoice number outweighs another named payer
    # (a parent or factoring company pays). For the reviewer, a third party paying is exactly what is unusual.
    against = evidence.numbers_conflict(b, g, bi_a, li_a) | evidence.counterparty_contradicted(b, g, bi_a, li_a)
    backed = evidence.corroborated(b, g, bi_a, li_a)
    out: dict[str, PairEvidence] = {}
    for key, s, c, f in zip(owners, sim.tolist(), against.tolist(), backed.tolist()):
        prev = out.get(key)
        best = None if s < 0 else int(s)
        if prev is not None:
            best = prev.similarity if best is None else max(best, prev.similarity or 0)
            c, f = c or prev.contradicted, f or prev.corroborated
        out[key] = PairEvidence(best, bool(c), bool(f))
    return out
