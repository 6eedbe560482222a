"""Running a GL-against-subledger check and keeping its result: read both files, compare, store the run and its
exceptions (one transaction, audited). A run whose files cannot be read is stored as failed, naming the file,
line and field, so a scheduled run's problem is visible in the results rather than lost in a log."""
from __future__ import annotations

import datetime as dt
import logging

from ..errors import InputError
from ..services.context import Actor, change
from .compare import compare
from .gl_side import read_gl
from .items import Comparison
from .reading import read_items_sandboxed
from .tables import SubledgerConfig, SubledgerExceptionRow, SubledgerRun

log = logging.getLogger(__name__)


def check_files(subledger: str, gl: str, *, account: str, legal_entity: str, kind: str, period: str,
                currency: str, sign: int = 1) -> Comparison:
    """Read and compare (no storage): the CLI's and the add-in's path, and the work of a stored run."""
    items = read_items_sandboxed(subledger, currency, sign)
    lines, balance = read_gl(gl)
    return compare(items, lines, account=account, legal_entity=legal_entity, period=period, currency=currency,
                   kind=kind, gl_balance=balance)


def store_result(ch, result: Comparison | None, *, account: str, legal_entity: str, kind: str, period: str,
                 currency: str, config_id: int | None = None, message: str = "") -> int:
    run = SubledgerRun(config_id=config_id, account=account, legal_entity=legal_entity, kind=kind, period=period,
                       currency=currency, status="done" if result else "failed", message=message,
                       gl_balance=result.gl_balance if result else None,
                       subledger_balance=result.subledger_balance if result else None,
                       matched=result.matched if result else 0, ran_by=ch.actor.id)
    ch.session.add(run)
    ch.session.flush()
    for e in (result.exceptions if result else ()):
        ch.session.add(SubledgerExceptionRow(
            run_id=run.id, kind=e.kind, document=e.document[:200], currency=e.currency, gl_amount=e.gl_amount,
            subledger_amount=e.subledger_amount, difference=e.difference, gl_date=e.gl_date,
            subledger_date=e.subledger_date, party=e.party[:200], action=e.action))
    ch.audit("subledger.run", "subledger_run", run.id, None,
             {"account": account, "legal_entity": legal_entity, "kind": kind, "period": period,
              "status": run.status, "exceptions": len(result.exceptions) if result else 0, "message": message})
    return run.id


def run_config(store, actor: Actor, config_id: int, period: str) -> int:
    """Runs one configured check for `period`; returns the stored run's id (failed runs too)."""
    with store.read() as session:
        cfg = session.get(SubledgerConfig, config_id)
        what = dict(account=cfg.account, legal_entity=cfg.legal_entity, kind=cfg.kind, period=period,
                    currency=cfg.currency)
        paths, sign = (cfg.subledger_path, cfg.gl_path), cfg.sign
    try:
        result, message = check_files(*paths, sign=sign, **what), ""
    except InputError as exc:
        result, message = None, exc.message()
    with change(store, actor) as ch:
        return store_result(ch, result, config_id=config_id, message=message, **what)


def period_of(at: dt.datetime) -> str:
    return at.strftime("%Y-%m")
