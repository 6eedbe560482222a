"""The auto-match engine: rules in priority order over the lines still open, then the global assignment
(a group a weak 1:1 match pre-empted is weighed against it, global_assignment.py), then the result.

Two entry points share one core:
- `match_frames(bank_df, ledger_df, rules)`: pandas DataFrames of the canonical columns (amounts as
  `amount` decimals or `amount_minor` integers); built for a million lines a side;
- `auto_match(bank_lines, ledger_lines, rules)`: canonical records in, records out (`MatchResult`).

Lines matched or unmatched by hand are never touched: pass the manual groups and the lines the user
excluded; they are taken out before any rule runs, and the manual groups come back unchanged, so running
auto-match again on its own result changes nothing.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from ..gc_pause import paused_gc
from . import packing
from ..records import BankLine, LedgerLine, MatchGroup
from . import bank_only, batches, fx_rules, global_assignment, one_to_one, reference_rules, settlements
from . import invoice_lists
from .frames import detect_decimals, prepare, records_to_frame
from .result import FrameMatch, MatchResult
from .rules_io import resolve_rules
from .state import MatchState

_HANDLERS = {
    "one_to_one": one_to_one.run,
    "one_bank_to_many_ledger": batches.run,
    "many_bank_to_one_ledger": batches.run,
    "bank_pair": bank_only.run_pair,
    "bank_only": bank_only.run_alone,
    "settlement": settlements.run,  # issue 18: one bank line = a settlement of many ledger lines
    "structured_reference": reference_rules.run,  # issue 18: a valid creditor reference on both lines
    "fx_difference": fx_rules.run,  # issue 18: an original amount quoted, the rate difference proposed
    "invoice_list": invoice_lists.run,  # euro12: the invoices a bank text names, exact or less a cash discount
}


def match_frames(bank: pd.DataFrame, ledger: pd.DataFrame, rules=None, *, decimals: int | None = None,
                 manual_bank: Iterable[str] = (), manual_ledger: Iterable[str] = (),
                 excluded_bank: Iterable[str] = (), excluded_ledger: Iterable[str] = (),
                 forbidden_pairs: Iterable[tuple[str, str]] = (), reserved_ids: Iterable[str] = (),
                 global_assignment_step: bool = True) -> FrameMatch:
    """Match two DataFrames of canonical lines. `decimals`: places of `amount_minor` (default 2), or of
    `amount` (default: as many as the amounts use, at least 2). `global_assignment_step=False` leaves the
    result of the rules in priority order as it is (to compare with greedy; see global_assignment.py).

    The cyclic garbage collector is paused meanwhile: a run builds millions of text keys that all stay alive
    until it ends, and the collector would scan them again and again for cycles they cannot form (about a tenth
    of the CPU time at 100,000 lines a side)."""
    with paused_gc(), packing.remembered():
        return _match(bank, ledger, rules, decimals, manual_bank, manual_ledger, excluded_bank, excluded_ledger,
                      forbidden_pairs, reserved_ids, global_assignment_step)


def _match(bank, ledger, rules, decimals, manual_bank, manual_ledger, excluded_bank, excluded_ledger,
           forbidden_pairs, reserved_ids, global_assignment_step) -> FrameMatch:
    ruleset = resolve_rules(rules)
    timings: list[tuple[str, float, float]] = []  # (step, wall seconds, CPU seconds)
    t0, c0 = time.perf_counter(), time.process_time()
    if decimals is None:
        decimals = 2 if "amount_minor" in bank.columns else detect_decimals(_decimals_of(bank), _decimals_of(ledger))
    currencies: dict[str, int] = {}
    b = prepare(bank, "bank", decimals, currencies)
    g = prepare(ledger, "ledger", decimals, currencies)
    state = MatchState(b, g, decimals, currencies)
    manual_b, manual_l = _mask(b, manual_bank), _mask(g, manual_ledger)
    state.b_open &= ~(manual_b | _mask(b, excluded_bank))
    state.l_open &= ~(manual_l | _mask(g, excluded_ledger))
    state.forbidden = _pair_keys(b, g, forbidden_pairs)
    timings.append(("prepare", time.perf_counter() - t0, time.process_time() - c0))
    for rule in ruleset.active:
        t, c = time.perf_counter(), time.process_time()
        _HANDLERS[rule.shape](state, rule)
        timings.append((rule.name, time.perf_counter() - t, time.process_time() - c))
    if global_assignment_step:
        t, c = time.perf_counter(), time.process_time()
        global_assignment.reconsider(state, ruleset.active)
        timings.append(("global assignment", time.perf_counter() - t, time.process_time() - c))
    return FrameMatch(state, ruleset, manual_b, manual_l, frozenset(reserved_ids), timings)


def _decimals_of(frame: pd.DataFrame) -> list[Decimal]:
    out = []
    for v in frame["amount"].to_numpy(dtype=object) if "amount" in frame.columns else ():
        try:
            out.append(v if isinstance(v, Decimal) else Decimal(repr(v) if isinstance(v, float) else str(v).strip()))
        except (InvalidOperation, ValueError):
            continue  # reported by prepare() with its row
    return out


def _pair_keys(bank, ledger, pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    """(bank id, ledger id) pairs as bank position * ledger count + ledger position; unknown ids are ignored."""
    pairs = list(pairs)
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    bpos = {i: k for k, i in enumerate(bank.ids)}
    lpos = {i: k for k, i in enumerate(ledger.ids)}
    return np.array(sorted(bpos[b] * ledger.n + lpos[g] for b, g in pairs if b in bpos and g in lpos),
                    dtype=np.int64)


def _mask(side, ids: Iterable[str]) -> np.ndarray:
    ids = set(ids)
    if not ids:
        return np.zeros(side.n, dtype=bool)
    return np.fromiter((i in ids for i in side.ids), dtype=bool, count=side.n)


def auto_match(bank: Sequence[BankLine], ledger: Sequence[LedgerLine], rules=None, *,
               manual: Iterable[MatchGroup] = (), excluded_bank: Iterable[str] = (),
               excluded_ledger: Iterable[str] = (), forbidden_pairs: Iterable[tuple[str, str]] = ()) -> MatchResult:
    """Auto-match bank lines against ledger lines with a rule set (None: the built-in library; a TOML
    path; a RuleSet). `manual`: groups the user made by hand (returned unchanged, their lines untouched);
    `excluded_*`: line ids the user unmatched by hand (never auto-matched); `forbidden_pairs`: (bank id,
    ledger id) pairs the user said do not belong together (each line may still match another)."""
    manual = tuple(manual)
    fm = match_frames(records_to_frame(bank, "bank"), records_to_frame(ledger, "ledger"), rules,
                      decimals=detect_decimals([b.amount for b in bank], [g.amount for g in ledger]),
                      manual_bank={i for m in manual for i in m.bank_ids},
                      manual_ledger={i for m in manual for i in m.ledger_ids},
                      excluded_bank=excluded_bank, excluded_ledger=excluded_ledger,
                      forbidden_pairs=forbidden_pairs, reserved_ids={m.match_id for m in manual})
    return MatchResult(manual + tuple(fm.groups("matched")), tuple(fm.groups("suggested")),
                       fm.unmatched_bank(), fm.unmatched_ledger(),
                       tuple(p for m in manual for p in m.proposed) + tuple(fm.proposals()), fm.statistics())
