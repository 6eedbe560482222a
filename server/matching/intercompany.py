"""Ledger-to-ledger matching (intercompany): two companies' lines whose groups sum to zero.

The user picks up to five key fields. Lines of the two ledgers with equal keys form a candidate group:
- the whole group is matched when its values net to zero (n:m) and at least one key besides currency
  ties it (a reference, a counterparty, a date...);
- otherwise single lines of opposite value inside the group are paired under the ambiguity guard of the
  bank matcher (each the other's only candidate), and the rest is suggested.
The value is the functional `amount`, or the document value when `document_amount` is a key; a document
value only means something in its own currency, so `document_amount` requires `document_currency` too.
In the result, `bank_ids` holds the left ledger's line ids and `ledger_ids` the right ledger's.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..records import LEDGER_COLUMNS, LedgerLine, MatchGroup
from . import text as tx
from .result import MatchResult
from .frames import detect_decimals, prepare, records_to_frame, to_decimal, to_minor
from .join import shared_codes
from .one_to_one import resolve
from .statistics import MatchStatistics, rule_statistics, side_figures

KEY_FIELDS = ("reference", "counterparty", "description", "source", "date", "currency", "document_currency",
              "document_amount", "amount")
MAX_KEYS = 5
_VALUE_KEYS = {"amount", "document_amount"}


def check_keys(keys: Sequence[str]) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(k.strip().lower() for k in keys))
    problems = []
    if not 1 <= len(keys) <= MAX_KEYS:
        problems.append(Problem(f"choose 1 to {MAX_KEYS} key fields, got {len(keys)}", field="keys"))
    for k in keys:
        if k not in KEY_FIELDS:
            problems.append(Problem(f"unknown key field {k!r}; choose from {', '.join(KEY_FIELDS)}", field=k))
    if "document_amount" in keys and "document_currency" not in keys:
        problems.append(Problem("document_amount needs document_currency as a key too: a document value is "
                                "only comparable in its own currency", field="document_amount"))
    if problems:
        raise InputError("intercompany keys", problems)
    return keys


def _frame(lines, label: str, document: bool) -> pd.DataFrame:
    frame = lines if isinstance(lines, pd.DataFrame) else records_to_frame(lines, "ledger")
    if document:
        missing = [c for c in ("document_amount", "document_currency") if c not in frame.columns]
        if missing:
            raise InputError(label, Problem(f"the document value needs column(s) {', '.join(missing)}", line=1,
                                            field=missing[0]))
        frame = frame.assign(functional_amount=frame.get("amount"), functional_currency=frame["currency"],
                             amount=frame["document_amount"], currency=frame["document_currency"])
    return frame


def _key_values(frame: pd.DataFrame, side, key: str, document: bool) -> np.ndarray:
    if key == "date":
        return side.day
    col = "functional_currency" if (document and key == "currency") else key
    if col not in frame.columns:
        raise InputError("intercompany", Problem(f"no column {col!r} for key {key!r}", field=key))
    raw = frame[col].to_numpy(dtype=object)[side.input_row]
    return np.array([tx.spaced(str(v)) if v is not None and v == v else "" for v in raw], dtype=object)


def match_ledgers(left: pd.DataFrame | Sequence[LedgerLine], right: pd.DataFrame | Sequence[LedgerLine],
                  keys: Sequence[str], *, tolerance: Decimal = Decimal(0), rule: str = "intercompany") -> MatchResult:
    keys = check_keys(keys)
    document = "document_amount" in keys
    lf, rf = _frame(left, "left ledger", document), _frame(right, "right ledger", document)
    for f, label in ((lf, "left ledger"), (rf, "right ledger")):
        missing = [c for c in LEDGER_COLUMNS if c not in f.columns]
        if missing:
            raise InputError(label, Problem(f"missing column(s) {', '.join(missing)}", line=1))
    decimals = detect_decimals(*(list(_as_decimals(f["amount"])) for f in (lf, rf)))
    currencies: dict[str, int] = {}
    a = prepare(lf, "ledger", decimals, currencies)
    b = prepare(rf, "ledger", decimals, currencies)
    value_currency = "document_currency" if document else "currency"
    group_keys = [k for k in keys if k not in _VALUE_KEYS and k != value_currency]
    ka, kb = shared_codes(tuple([a.cur] + [_key_values(lf, a, k, document) for k in group_keys]),
                          tuple([b.cur] + [_key_values(rf, b, k, document) for k in group_keys]))
    tol = to_minor(Decimal(tolerance), decimals, "floor")
    names = {v: k for k, v in currencies.items()}
    basis = "document value" if document else "amount"
    open_a, open_b = np.ones(a.n, dtype=bool), np.ones(b.n, dtype=bool)
    matched: list[tuple[np.ndarray, np.ndarray, str, int]] = []
    if group_keys:  # whole groups that net to zero
        ga = pd.DataFrame({"k": ka, "v": a.amount}).groupby("k")["v"].agg(["sum", "size"])
        gb = pd.DataFrame({"k": kb, "v": b.amount}).groupby("k")["v"].agg(["sum", "size"])
        both = ga.merge(gb, left_index=True, right_index=True, suffixes=("_a", "_b"))
        zero = both[(both["sum_a"] + both["sum_b"]).abs() <= tol]
        # each key's rows, found once (a scan per key would make this quadratic in the number of groups)
        rows_a, rows_b = _rows_by_key(ka), _rows_by_key(kb)
        for k in sorted(zero.index):
            ia, ib = rows_a[k], rows_b[k]
            net = int(a.amount[ia].sum() + b.amount[ib].sum())
            matched.append((ia, ib, f"{len(ia)} + {len(ib)} lines with the same {', '.join(group_keys)} net to "
                                    f"{'zero' if net == 0 else to_decimal(net, decimals)} "
                                    f"{names[int(a.cur[ia[0]])]} ({basis})", net))
            open_a[ia], open_b[ib] = False, False
    # single lines of opposite value inside a key group
    ia_open, ib_open = np.flatnonzero(open_a), np.flatnonzero(open_b)
    ca, cb = shared_codes((ka[ia_open], a.amount[ia_open]), (kb[ib_open], -b.amount[ib_open]))
    m = pd.DataFrame({"k": ca, "a": ia_open}).merge(pd.DataFrame({"k": cb, "b": ib_open}), on="k")
    pa, pb = m["a"].to_numpy(np.int64), m["b"].to_numpy(np.int64)
    suggested: list[tuple[int, int, int]] = []
    if len(pa):
        ua, au = np.unique(pa, return_inverse=True)
        ub, bu = np.unique(pb, return_inverse=True)
        accepted, alive = resolve(au, bu, np.zeros(len(pa), dtype=np.int64), len(ua), len(ub))
        for i in np.flatnonzero(accepted):
            matched.append((pa[i:i + 1], pb[i:i + 1], f"opposite {basis} {to_decimal(a.amount[pa[i]], decimals)} "
                                                      f"{names[int(a.cur[pa[i]])]}, same "
                                                      f"{', '.join(group_keys) or 'currency'}, the only candidate", 0))
        order = np.lexsort((pb, pa))
        counts = np.bincount(au[alive], minlength=len(ua))
        for i in order:
            if alive[i]:
                suggested.append((int(pa[i]), int(pb[i]), int(counts[au[i]])))
    groups = []
    for n, (ia, ib, reason, net) in enumerate(matched, start=1):
        days = int(a.day[ia].max() - b.day[ib].min())
        groups.append(MatchGroup(f"M{n:06d}", tuple(str(x) for x in a.ids[np.sort(ia)]),
                                 tuple(str(x) for x in b.ids[np.sort(ib)]), rule, Decimal("0.9500"),
                                 to_decimal(net, decimals), days, None, f"intercompany: {reason}"))
    sugg, q, last = [], 0, None
    for ia, ib, n in suggested:
        if ia != last:
            q, rank, last = q + 1, 0, ia
        rank += 1
        sugg.append(MatchGroup(f"S{q:06d}-{rank}", (str(a.ids[ia]),), (str(b.ids[ib]),), rule, Decimal("0.4000"),
                               Decimal(0).scaleb(-decimals), int(a.day[ia] - b.day[ib]), None,
                               f"intercompany: one of {n} lines of opposite {basis} with the same keys: "
                               f"not matched, review", status="suggested"))
    for ia, ib, _reason, _net in matched:  # the groups' own rows (line ids are unique on each side)
        open_a[ia] = False
        open_b[ib] = False
    sa, sb = np.zeros(a.n, dtype=bool), np.zeros(b.n, dtype=bool)
    sa[[s[0] for s in suggested]] = True
    sb[[s[1] for s in suggested]] = True
    cur_names = [names[i] for i in range(len(names))]
    fa = side_figures(a, ~open_a, sa, cur_names, decimals)
    fb = side_figures(b, ~open_b, sb, cur_names, decimals)
    stats = MatchStatistics(fa, fb, (rule_statistics(rule, len(groups), ~open_a, int((~open_b).sum()), a, cur_names,
                                                     decimals, fa.value, 0, len(sugg), None),),
                            len(groups), len(sugg))
    return MatchResult(tuple(groups), tuple(sugg), tuple(str(x) for x in a.ids[open_a]),
                       tuple(str(x) for x in b.ids[open_b]), (), stats)


def _rows_by_key(codes: np.ndarray) -> dict:
    """key code -> the rows holding it, in row order."""
    order = np.argsort(codes, kind="stable")
    keys, starts = np.unique(codes[order], return_index=True)
    return dict(zip(keys.tolist(), np.split(order, starts[1:])))


def _as_decimals(series: pd.Series):
    for v in series.to_numpy(dtype=object):
        if isinstance(v, Decimal):
            yield v
        else:
            try:
                yield Decimal(str(v).strip())
            except (InvalidOperation, ValueError):  # reported with its row by prepare()
                continue
