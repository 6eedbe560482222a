"""One bank line to one ledger line: candidate pairs by the rule's keys, then the ambiguity guard.

The guard: a pair is matched only when each line is the other's single most plausible candidate
(plausibility = what the texts say, see evidence.plausibility; dates never break a tie). Pairs are decided
in rounds: once a pair is matched its lines leave every other candidate list, which may leave another line
with a single candidate. What is still contested when no round changes anything is held for review and
reported as suggestions, ranked; no later rule may match those lines. Equally plausible candidates are
therefore never matched silently.
"""
from __future__ import annotations

import numpy as np

from . import chance_guard, date_assignment, evidence, reasons
from .filters import bank_filter, has_text_filter, ledger_filter
from .frames import to_minor
from .links import linked_pairs
from .join import dense, group_max_count, shared_codes, window_pairs
from .rules import Rule
from .state import MatchState, Proposal, pair_chunk
from .text import digit_signature, is_transposition

CROWD_CAP = 64  # a bank line with more candidates than this (after all keys) is held, not resolved
CROWD_SEARCH = 16  # ... but when text keys still have to sift them, up to 16 x CROWD_CAP are listed first
MAX_SUGGESTIONS = 5  # candidates listed per line held for review
MAX_ROUNDS = 100


def day_coordinate(side, rule: Rule, pos: np.ndarray) -> np.ndarray:
    if rule.day_basis == "business":
        return side.business_days(rule.weekmask, rule.holidays)[pos]
    return side.day[pos]


_RAW = {"ref_sq": "reference", "check_key": "check_number", "ledger_check_key": "reference"}


def _text_keys(state: MatchState, rule: Rule) -> list[tuple[str, str]]:
    """Equality keys on text: (bank derived column, ledger derived column)."""
    keys = []
    if rule.reference == "equal":
        keys.append(("ref_sq", "ref_sq"))
    if rule.check_number:
        keys.append(("check_key", "ledger_check_key"))
    return keys


def _variants(state: MatchState, rule: Rule, b_amt: np.ndarray, l_amt: np.ndarray):
    """(ledger key, query key, fee) per amount variant: the amount condition as an equality of keys."""
    if rule.amount == "exact":
        return [(l_amt, b_amt, 0)]
    if rule.amount == "tolerance":  # buckets one tolerance wide: a match lies in the same or a next bucket
        width = to_minor(rule.amount_tolerance, state.decimals, "floor") + 1
        return [(l_amt // width, b_amt // width + k, 0) for k in (-1, 0, 1)]
    # transposition: same sign and the same digits
    sig_l = np.array([f"{'-' if a < 0 else '+'}{digit_signature(a)}" for a in l_amt], dtype=object)
    sig_b = np.array([f"{'-' if a < 0 else '+'}{digit_signature(a)}" for a in b_amt], dtype=object)
    return [(sig_l, sig_b, 0)]


def _keyed_pairs(state: MatchState, rule: Rule, bpos: np.ndarray, lpos: np.ndarray, keys: list[tuple[str, str]],
                 cap: int):
    bank, ledger = state.bank, state.ledger
    extra_b = [bank.derived(kb, bpos) for kb, _ in keys]
    extra_l = [ledger.derived(kl, lpos) for _, kl in keys]
    bday, lday = day_coordinate(bank, rule, bpos), day_coordinate(ledger, rule, lpos)
    q_lo, q_hi = bday - rule.days_after, bday + rule.days_before
    out_b, out_l, out_fee = [], [], []
    crowded = np.zeros(len(bpos), dtype=bool)
    for l_key, q_key, fee in _variants(state, rule, bank.amount[bpos], ledger.amount[lpos]):
        lk, qk = shared_codes((ledger.cur[lpos], l_key, *extra_l), (bank.cur[bpos], q_key, *extra_b))
        qi, lj, counts = window_pairs(lk, lday, qk, q_lo, q_hi, cap=cap)
        crowded |= counts > cap
        out_b.append(bpos[qi])
        out_l.append(lpos[lj])
        out_fee.append(np.full(len(qi), fee, dtype=np.int64))
    bi, li, fee = np.concatenate(out_b), np.concatenate(out_l), np.concatenate(out_fee)
    return bi, li, fee, bpos[crowded]


def _amount_compatible(state: MatchState, rule: Rule, bpos: np.ndarray, lpos: np.ndarray) -> np.ndarray:
    """Ledger positions whose amount can meet one of the bank lines' amounts under the rule."""
    bank, ledger = state.bank, state.ledger
    keep = np.zeros(len(lpos), dtype=bool)
    for l_key, q_key, _ in _variants(state, rule, bank.amount[bpos], ledger.amount[lpos]):
        lk, qk = shared_codes((ledger.cur[lpos], l_key), (bank.cur[bpos], q_key))
        keep |= np.isin(lk, qk)
    return lpos[keep]


def _plausible_ledger(state: MatchState, rule: Rule, bpos: np.ndarray, lpos: np.ndarray) -> np.ndarray:
    """A cheap first cut of the ledger lines (currency, sign, amount range) before the keyed join."""
    if not len(bpos) or not len(lpos):
        return lpos
    b_amt, l_amt = state.bank.amount[bpos], state.ledger.amount[lpos]
    keep = np.isin(state.ledger.cur[lpos], np.unique(state.bank.cur[bpos]))
    if rule.amount != "transposition":
        slack = 0
        if rule.amount == "tolerance":
            slack = to_minor(rule.amount_tolerance, state.decimals, "floor")
        keep &= (l_amt >= b_amt.min() - slack) & (l_amt <= b_amt.max() + slack)
    return lpos[keep]


def _fee_pairs(state: MatchState, rule: Rule, bpos: np.ndarray, lpos: np.ndarray):
    """Pairs tied by a number or the counterparty whose ledger amount exceeds the bank's by a fee of at most
    fee_max (any fee: banks' schedules are not the rule's to know). The tie is found first (links.py), so
    the amount may differ by any cent without listing every amount in range."""
    bank, ledger = state.bank, state.ledger
    bday, lday = day_coordinate(bank, rule, bpos), day_coordinate(ledger, rule, lpos)
    bi, li = linked_pairs(state, bpos, lpos, bday - rule.days_after, bday + rule.days_before, lday)
    fee = np.abs(ledger.amount[li]) - np.abs(bank.amount[bi])
    ok = (fee > 0) & (fee <= to_minor(rule.fee_max, state.decimals, "floor"))
    ok &= np.sign(ledger.amount[li]) == np.sign(bank.amount[bi])
    return bi[ok], li[ok], fee[ok], np.zeros(0, dtype=np.int64)


def candidate_pairs(state: MatchState, rule: Rule, bpos: np.ndarray, lpos: np.ndarray):
    """Pairs that satisfy the rule's amount, date, reference-equality and check-number keys.

    The join is on currency and amount first; text equality is then checked on the pairs only, so text
    keys are computed for the few lines that need them. Bank lines crowded by equal amounts are joined
    again with the text keys in the join itself, over the ledger lines their amounts can meet.
    Returns (bank positions, ledger positions, fee per pair in minor units, crowded bank positions)."""
    bank, ledger = state.bank, state.ledger
    empty = np.zeros(0, dtype=np.int64)
    if not len(bpos) or not len(lpos):
        return empty, empty, empty, empty
    if rule.amount == "fee_deducted":
        return _fee_pairs(state, rule, bpos, lpos)
    keys = _text_keys(state, rule)
    lpos = _plausible_ledger(state, rule, bpos, lpos)
    sifted = rule.reference in ("contains", "fuzzy", "number", "evidence") or rule.counterparty != "ignore" or has_text_filter(rule)
    bi, li, fee, crowded = _keyed_pairs(state, rule, bpos, lpos, [], CROWD_CAP * (CROWD_SEARCH if sifted else 1))
    if keys:
        ok = np.ones(len(bi), dtype=bool)
        for kb, kl in keys:
            raw_b, raw_l = _RAW[kb], _RAW[kl]
            ok &= (bank.col(raw_b, bi) != "") & (ledger.col(raw_l, li) != "")  # empty text never agrees
            sub = np.flatnonzero(ok)
            x, y = bank.derived(kb, bi[sub]), ledger.derived(kl, li[sub])
            ok[sub] = (x == y) & (x != "")
        bi, li, fee = bi[ok], li[ok], fee[ok]
        if len(crowded):
            cb = crowded[np.all([bank.derived(kb, crowded) != "" for kb, _ in keys], axis=0)]
            cl = _amount_compatible(state, rule, cb, lpos)
            cl = cl[np.all([ledger.derived(kl, cl) != "" for _, kl in keys], axis=0)] if len(cl) else cl
            if len(cb) and len(cl):
                b2, l2, f2, crowded = _keyed_pairs(state, rule, cb, cl, keys, CROWD_CAP)
                bi, li, fee = np.concatenate([bi, b2]), np.concatenate([li, l2]), np.concatenate([fee, f2])
            else:
                crowded = empty
    if rule.amount in ("tolerance", "transposition"):
        a, b = bank.amount[bi], ledger.amount[li]
        ok = a != b
        if rule.amount == "tolerance":
            ok &= np.abs(a - b) <= to_minor(rule.amount_tolerance, state.decimals, "floor")
        idx = np.flatnonzero(ok)
        flips = np.fromiter((is_transposition(int(a[k]), int(b[k])) for k in idx), dtype=bool, count=len(idx))
        if rule.amount == "tolerance":
            # Transposed digits are a keying error to correct, never a tolerance to absorb.
            ok = (np.abs(a - b) <= to_minor(rule.amount_tolerance, state.decimals, "floor"))
            ok[idx[flips]] = False
        else:
            ok = np.zeros(len(bi), dtype=bool)
            ok[idx[flips]] = True
        bi, li, fee = bi[ok], li[ok], fee[ok]
    return bi, li, fee, crowded


def required_text_keys(state: MatchState, rule: Rule, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    keep = np.ones(len(bi), dtype=bool)
    if rule.reference == "contains":
        keep &= evidence.reference_contained(state.bank, state.ledger, bi, li)
    elif rule.reference == "fuzzy":
        keep &= evidence.similarity(state.bank, state.ledger, bi, li) >= rule.reference_threshold
    elif rule.reference == "number":
        keep &= evidence.numbers_agree(state.bank, state.ledger, bi, li)
    if rule.reference == "evidence" or (rule.amount == "fee_deducted" and keep.any()):
        sub = np.flatnonzero(keep)  # a fee is only believed with a number or the counterparty behind it
        keep[sub] = evidence.corroborated(state.bank, state.ledger, bi[sub], li[sub])
    if rule.counterparty != "ignore" and keep.any():
        sub = np.flatnonzero(keep)
        check = (evidence.counterparty_named if rule.counterparty == "contains"
                 else evidence.counterparty_not_contradicted)
        keep[sub] = check(state.bank, state.ledger, bi[sub], li[sub])
    return keep


def resolve(bu: np.ndarray, lu: np.ndarray, plaus: np.ndarray, nb: int, nl: int) -> tuple[np.ndarray, np.ndarray]:
    """The ambiguity guard on dense pair indices. Returns (accepted mask, still contested mask)."""
    alive = np.ones(len(bu), dtype=bool)
    accepted = np.zeros(len(bu), dtype=bool)
    for _ in range(MAX_ROUNDS):
        idx = np.flatnonzero(alive)
        if not len(idx):
            break
        top_b, n_b = group_max_count(bu[idx], plaus[idx], nb)
        top_l, n_l = group_max_count(lu[idx], plaus[idx], nl)
        b, l, p = bu[idx], lu[idx], plaus[idx]
        ok = (p == top_b[b]) & (p == top_l[l]) & (n_b[b] == 1) & (n_l[l] == 1)
        if not ok.any():
            break
        accepted[idx[ok]] = True
        taken_b = np.zeros(nb, dtype=bool)
        taken_l = np.zeros(nl, dtype=bool)
        taken_b[b[ok]] = True
        taken_l[l[ok]] = True
        alive &= ~(taken_b[bu] | taken_l[lu])
    return accepted, alive


def run(state: MatchState, rule: Rule) -> None:
    bank, ledger = state.bank, state.ledger
    bpos = bank_filter(rule, bank, state.bank_available(), state.decimals, state.currencies)
    lpos = ledger_filter(rule, ledger, state.ledger_available(), state.currencies, text=False)
    if not len(bpos) or not len(lpos):
        return
    bi, li, fee, crowded = candidate_pairs(state, rule, bpos, lpos)
    keep = state.allowed(bi, li)
    bi, li, fee = bi[keep], li[keep], fee[keep]
    if len(bi) and has_text_filter(rule):  # text filters are costly: applied to the candidates only
        ok_l = ledger_filter(rule, ledger, np.unique(li), state.currencies, cheap=False)
        keep = np.isin(li, ok_l)
        bi, li, fee = bi[keep], li[keep], fee[keep]
    figures = state.figures_for(rule)
    keep = required_text_keys(state, rule, bi, li)
    if rule.action != "suggest" and keep.any():  # evidence against a pair outweighs its keys
        sub = np.flatnonzero(keep)
        keep[sub] = ~evidence.contradicted(bank, ledger, bi[sub], li[sub])
    bi, li, fee = bi[keep], li[keep], fee[keep]
    many = np.flatnonzero(np.bincount(bi, minlength=bank.n) > CROWD_CAP)  # still crowded after every key
    if len(many):
        keep = ~np.isin(bi, many)
        bi, li, fee = bi[keep], li[keep], fee[keep]
        crowded = np.union1d(crowded, many)
    figures.crowded += len(crowded)
    ub, bu = dense(bi, bank.n)
    ul, lu = dense(li, ledger.n)
    cb, cl = np.bincount(bu, minlength=len(ub)), np.bincount(lu, minlength=len(ul))
    plaus = np.zeros(len(bi), dtype=np.int64)
    contested = (cb[bu] > 1) | (cl[lu] > 1)
    if contested.any():
        plaus[contested] = evidence.plausibility(bank, ledger, bi[contested], li[contested])
        if rule.amount == "fee_deducted":  # the schedule is a preference between fitting candidates
            usual = [to_minor(f, state.decimals) for f in rule.fee_schedule]
            plaus = plaus * 2 + np.isin(fee, usual)
    if rule.action == "suggest":
        accepted, alive = np.zeros(len(bi), dtype=bool), np.ones(len(bi), dtype=bool)
    else:
        accepted, alive = resolve(bu, lu, plaus, len(ub), len(ul))
    dated = _settle_by_dates(state, rule, bi, li, bu, lu, plaus, alive)
    accepted &= ~dated
    alive &= ~(np.isin(bu, bu[dated]) | np.isin(lu, lu[dated]))
    chance = _chance_guard(state, rule, bi, li, accepted, alive, bpos, lpos)
    if accepted.any():
        a = np.flatnonzero(accepted)
        _emit_matches(state, rule, bi[a], li[a], fee[a], ~contested[a], np.maximum(cb[bu[a]], cl[lu[a]]))
    if dated.any():
        a = np.flatnonzero(dated)
        _emit_matches(state, rule, bi[a], li[a], fee[a], ~contested[a], np.maximum(cb[bu[a]], cl[lu[a]]),
                      settled=f"of equal candidates, the only pairing of their cluster that keeps the dates closest, "
                              f"the two {date_assignment.MARGIN_DAYS}+ days nearer each other than to any other")
    held_b = np.union1d(bi[alive], crowded)
    state.hold(held_b, np.unique(li[alive]))
    figures.held += len(held_b)
    if alive.any():
        _emit_suggestions(state, rule, bi[alive], li[alive], fee[alive], plaus[alive], chance[alive])


def _settle_by_dates(state: MatchState, rule: Rule, bi, li, bu, lu, plaus, alive) -> np.ndarray:
    """Pairs of a contested cluster that the dates settle (rule.tie_by_dates; date_assignment.py)."""
    if not rule.tie_by_dates or rule.action == "suggest" or not alive.any():
        return np.zeros(len(bi), dtype=bool)
    lag = day_coordinate(state.bank, rule, bi) - day_coordinate(state.ledger, rule, li)
    return date_assignment.settle(bu, lu, plaus, lag, alive)


def _chance_guard(state: MatchState, rule: Rule, bi, li, accepted, alive, bpos, lpos) -> np.ndarray:
    """The chance guard (chance_guard.py) on the accepted pairs no text ties: those whose chance of a coincidence
    is above rule.max_chance leave `accepted` for `alive`, so both lines are held (no later rule takes them: a
    deposit the guard doubts is not re-paired by chance either) and the pair is suggested with the figure.
    Returns the chance per pair (0 where not estimated)."""
    chance = np.zeros(len(bi), dtype=float)
    if rule.max_chance <= 0 or not accepted.any():
        return chance
    a = np.flatnonzero(accepted)
    a = a[evidence.plausibility(state.bank, state.ledger, bi[a], li[a]) == 0]
    if not len(a):
        return chance
    bank, ledger = state.bank, state.ledger
    width = chance_guard.tolerance_width(rule, state.decimals)
    bday, lday = day_coordinate(bank, rule, bi[a]), day_coordinate(ledger, rule, li[a])
    on_ledger = chance_guard.expected_coincidences(
        ledger, lpos, day_coordinate(ledger, rule, lpos), bank.amount[bi[a]], bank.cur[bi[a]],
        bday - rule.days_after, bday + rule.days_before, li[a], width)
    on_bank = chance_guard.expected_coincidences(
        bank, bpos, day_coordinate(bank, rule, bpos), ledger.amount[li[a]], ledger.cur[li[a]],
        lday - rule.days_before, lday + rule.days_after, bi[a], width)
    expected = np.maximum(on_ledger, on_bank)
    chance[a] = chance_guard.posterior(expected, chance_guard.share_with_partner(
        bank.col("type_code", bpos), bank.col("type_code", np.unique(bi)), bank.col("type_code", bi[a])))
    risky = a[chance[a] > float(rule.max_chance)]
    accepted[risky] = False
    alive[risky] = True
    return chance


def _evidence_words(rule: Rule) -> str:
    words = []
    if rule.check_number:
        words.append("check number agrees")
    if rule.reference == "equal":
        words.append("references agree")
    elif rule.reference == "contains":
        words.append("ledger reference found in the bank text")
    elif rule.reference == "number":
        words.append("a document number agrees")
    elif rule.reference == "evidence" or rule.amount == "fee_deducted":
        words.append("a document number agrees or the counterparty is named")
    if rule.counterparty == "contains":
        words.append("counterparty named")
    elif rule.counterparty == "partial":
        words.append("counterparty not contradicted")
    return ", ".join(words)


def _emit_matches(state: MatchState, rule: Rule, bi, li, fee, alone, n_cands, settled: str = "") -> None:
    bank, ledger, dec = state.bank, state.ledger, state.decimals
    days = bank.day[bi] - ledger.day[li]
    diff = bank.amount[bi] - ledger.amount[li]
    sim = evidence.similarity(bank, ledger, bi, li)
    conf = reasons.confidence_bp(rule, days, diff, sim, fee=fee)
    lead, ev = reasons.lead(rule), _evidence_words(rule)
    names = state.currency_names
    cur = [names[c] for c in range(len(names))]
    cur = np.array(cur, dtype=object)[bank.cur[bi]] if len(cur) else np.zeros(0, dtype=object)
    bday = days if rule.day_basis == "calendar" else (day_coordinate(bank, rule, bi) - day_coordinate(ledger, rule, li))

    def texts() -> list[str]:
        out = []
        for k in range(len(bi)):
            parts = [f"{lead}: {reasons.money(bank.amount[bi[k]], dec)} {cur[k]}"]
            if fee[k]:
                parts[0] += (f" = ledger {reasons.money(ledger.amount[li[k]], dec)} less a bank fee of "
                             f"{reasons.money(fee[k], dec)} (up to {rule.fee_max}; fee line proposed)")
            elif diff[k]:
                parts[0] += f", {reasons.money(abs(diff[k]), dec)} from the ledger amount (within tolerance)"
            parts.append(reasons.days_phrase(bday[k], rule.day_basis))
            if ev:
                parts.append(ev)
            if sim[k] >= 0 and rule.reference == "fuzzy":
                parts.append(f"reference similarity {sim[k]}%")
            parts.append(settled or ("the only candidate" if alone[k] else
                                     f"the most plausible of {n_cands[k]} candidates"))
            out.append(", ".join(parts))
        return out

    chunk = pair_chunk(rule, "matched", bi, li, conf, diff, days, sim, texts)
    for k in np.flatnonzero(fee):
        chunk.proposals.append(Proposal(int(k), int(bank.day[bi[k]]), int(diff[k]), int(bank.cur[bi[k]]),
                                        rule.fee_gl_account, f"Bank fee deducted from {bank.ids[bi[k]]}",
                                        "custom", int(bi[k])))
    state.add(chunk)


def _emit_suggestions(state: MatchState, rule: Rule, bi, li, fee, plaus, chance) -> None:
    bank, ledger, dec = state.bank, state.ledger, state.decimals
    days = bank.day[bi] - ledger.day[li]
    diff = bank.amount[bi] - ledger.amount[li]
    order = np.lexsort((li, np.abs(diff), np.abs(days), -plaus, bi))
    bi, li, fee, plaus, days, diff = bi[order], li[order], fee[order], plaus[order], days[order], diff[order]
    chance = chance[order]
    first = np.r_[True, bi[1:] != bi[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(bi)), 0))
    rank = np.arange(len(bi)) - start + 1
    keep = rank <= MAX_SUGGESTIONS
    ub, inv = dense(bi, bank.n)
    top = np.full(len(ub), -1, dtype=np.int64)
    np.maximum.at(top, inv, plaus)
    n_top = np.bincount(inv[plaus == top[inv]], minlength=len(ub))
    n_all = np.bincount(inv, minlength=len(ub))
    idx = np.flatnonzero(keep)
    bi, li, fee, plaus, days, diff, rank, inv, chance = (x[idx] for x in (bi, li, fee, plaus, days, diff, rank, inv,
                                                                            chance))
    sim = evidence.similarity(bank, ledger, bi, li)
    conf = reasons.confidence_bp(rule, days, diff, sim, fee=fee)
    is_top = plaus == top[inv]
    conf = np.where(is_top, conf // np.maximum(n_top[inv], 1), conf // (2 * np.maximum(n_top[inv], 1)))
    questions = state.next_questions(len(ub))[inv]
    lead = reasons.lead(rule)
    undecided = ", and the dates of their cluster settle no pairing" if rule.tie_by_dates else ""
    texts = []
    for k in range(len(bi)):
        b, g = int(bi[k]), int(li[k])
        what = f"{reasons.money(bank.amount[b], dec)} vs ledger {reasons.money(ledger.amount[g], dec)}"
        if rule.action == "suggest":
            why = "review: never matched automatically"
        elif chance[k] > float(rule.max_chance) > 0:
            why = (f"only amount and date tie them, and at the density of amounts in the window the chance that "
                   f"they meet by coincidence is {chance[k]:.3f} (above {rule.max_chance}): not matched, review")
        elif is_top[k] and n_top[inv[k]] > 1:
            why = f"one of {n_top[inv[k]]} equally plausible candidates{undecided}: not matched, review"
        elif is_top[k]:
            why = "this ledger line fits other bank lines equally well: not matched, review"
        else:
            why = f"less plausible than another of {n_all[inv[k]]} candidates: review"
        texts.append(f"{lead}: {what}, {reasons.days_phrase(days[k])}; {why}")
    state.add(pair_chunk(rule, "suggested", bi, li, conf, diff, days, sim, texts, questions, rank))
