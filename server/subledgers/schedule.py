"""Scheduled GL-against-subledger checks: every enabled configuration (account x legal entity x subledger)
whose time has come is run for the current month, as the user who configured it. Called by the server's
scheduler tick (jobs.Scheduler), beside the scheduled auto-matches."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import or_, select

from ..services.context import Actor, now
from ..store.models import User
from .runs import period_of, run_config
from .tables import SubledgerConfig

log = logging.getLogger(__name__)


def run_due(store, at: dt.datetime | None = None) -> list[int]:
    """Runs every due configuration; returns the ids of the runs stored (failed runs included)."""
    at = at or now()
    with store.read() as session:
        due = [(c.id, c.set_by, c.interval_minutes) for c in session.scalars(
            select(SubledgerConfig).where(SubledgerConfig.enabled.is_(True), or_(
                SubledgerConfig.next_run_at.is_(None), SubledgerConfig.next_run_at <= at))
            .order_by(SubledgerConfig.id))]
    runs = []
    for config_id, user_id, minutes in due:
        with store.read() as session:
            user = session.get(User, user_id)
            actor = Actor(user.id, user.name, user.is_admin)
        try:
            runs.append(run_config(store, actor, config_id, period_of(at)))
        except Exception:  # noqa: BLE001 - one configuration's fault must not stop the others
            log.exception("scheduled subledger check %s failed", config_id)
        with store.write() as session:
            cfg = session.get(SubledgerConfig, config_id)
            cfg.last_run_at, cfg.next_run_at = at, at + dt.timedelta(minutes=minutes)
    return runs
