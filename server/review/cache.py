"""The review of a reconciliation computed once per data version (store/versions.py) and kept in the store's
memo: a redraw of the Summary, the Review sheet and Submit's own guard ask for the same review, seconds each at
20,000 lines, and the workspace asks for every account's.

The key names everything the review reads that can change: the reconciliation's data version (lines, matches,
transactions, statements, findings, ticks, its balances; its account's chart and roles bump it too), the prior
period's reconciliation (which one, its data version, its status and reconciled balance: the opening-balance
and prior-items checks read them), and the review settings in effect (review.toml, dormancy.toml). The
reconciliation's own workflow columns (status, sign-offs) are not in it: no check reads them, so Submit's guard
and the redraw after it share one computation. A transaction that already wrote computes afresh and keeps
nothing (what it sees is no committed version)."""
from __future__ import annotations

from collections.abc import Callable

from ..gc_pause import paused_gc
from ..store import versions
from . import load, runner, settings
from .records import Review


def review(session, rec) -> Review:
    return kept(session, rec, "review", lambda: _compute(session, rec))


def kept(session, rec, what: str, compute: Callable[[], object]):
    """`compute()` (a pure function of what `key` names), once per key; `what` names the result."""
    memo = session.info.get("memo")
    if memo is None or versions.changed_here(session):
        return compute()
    return memo.get((what, *key(session, rec)), compute, family=(what, rec.id))  # a newer version replaces it


def key(session, rec) -> tuple:
    """Read before the data (a change committed in between then makes a key nobody asks for again)."""
    from ..services.recs import prior

    before = prior(session, rec)
    prior_key = None if before is None else (before.id, versions.read(session, before.id).data, before.status,
                                             before.reconciled_balance)
    return (rec.id, versions.read(session, rec.id).data, prior_key, repr(settings.usual()),
            repr(settings.dormancy()))


def _compute(session, rec) -> Review:
    with paused_gc():  # every line becomes a record that stays alive until the answer: no cycles to look for
        return runner.review(load.facts(session, rec))
