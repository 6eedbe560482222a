"""Who is acting, and the unit of work a change runs in (one transaction: the change and its audit rows)."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from ..controls import audit
from ..controls.workflow import Refusal


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    is_admin: bool = False


class Change:
    """A write session plus the audit trail; `audit()` adds a row inside the same transaction."""

    def __init__(self, session, actor: Actor):
        self.session, self.actor = session, actor

    def audit(self, action: str, entity: str, entity_id, before=None, after=None, rec_id: int | None = None):
        audit.append(self.session, self.actor.name, action, entity, entity_id, before, after, rec_id)


@contextmanager
def change(store, actor: Actor):
    with store.write() as session:
        yield Change(session, actor)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def utc_iso(t: dt.datetime | None) -> str | None:
    """A stored time (naive UTC, as now() makes them) as the API writes it: ISO 8601 with a Z."""
    return t.isoformat() + "Z" if t else None


def not_found(what: str) -> Refusal:
    return Refusal("not_found", f"{what} not found", 404)


def bad_input(message: str) -> Refusal:
    return Refusal("bad_input", message, 400)
