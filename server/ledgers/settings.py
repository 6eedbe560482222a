"""Per-user auto-match settings: up to five key fields (a sixth refused), the Document Value only with the
Document Currency, a tolerance; "Save as Default" keeps them as the user's default for the next auto-match.
The key fields and their rules are the intercompany matcher's own (matching/intercompany.check_keys)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..errors import InputError
from ..matching.intercompany import KEY_FIELDS, MAX_KEYS, check_keys
from ..services.context import Change, bad_input, now
from .tables import LedgerMatchSettings

BUILT_IN_KEYS = ("reference", "currency")


@dataclass(frozen=True)
class MatchSettings:
    keys: tuple[str, ...]
    tolerance: Decimal = Decimal(0)
    source: str = "built-in"  # built-in | default (saved by the user) | request

    def as_dict(self) -> dict:
        return {"keys": list(self.keys), "tolerance": format(self.tolerance, "f"), "source": self.source,
                "max_keys": MAX_KEYS, "key_fields": list(KEY_FIELDS)}


def parse(raw: dict) -> MatchSettings:
    """Settings from a request: keys (list or comma text) and tolerance; a 400 says what is wrong."""
    keys = raw.get("keys")
    if isinstance(keys, str):
        keys = keys.split(",")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise bad_input("keys: a list of 1 to 5 key fields")
    try:
        keys = check_keys(keys)
    except InputError as exc:
        raise bad_input("; ".join(p.describe() for p in exc.problems)) from None
    try:
        tolerance = Decimal(str(raw.get("tolerance", "0")))
    except InvalidOperation:
        raise bad_input(f"tolerance: not an amount: {str(raw.get('tolerance'))[:40]!r}") from None
    if not tolerance.is_finite() or tolerance < 0 or tolerance.as_tuple().exponent < -4:
        raise bad_input("tolerance: zero or a positive amount with at most 4 decimals")
    return MatchSettings(keys, tolerance, "request")


def default_for(session, user_id: int) -> MatchSettings:
    row = session.scalar(select(LedgerMatchSettings).where(LedgerMatchSettings.user_id == user_id))
    if row is None:
        return MatchSettings(BUILT_IN_KEYS)
    return MatchSettings(tuple(row.keys.split(",")), row.tolerance, "default")


def save_default(ch: Change, settings: MatchSettings) -> MatchSettings:
    """"Save as Default": the user's settings from now on (audited with before and after)."""
    row = ch.session.scalar(select(LedgerMatchSettings).where(LedgerMatchSettings.user_id == ch.actor.id))
    before = None if row is None else {"keys": row.keys, "tolerance": row.tolerance}
    if row is None:
        row = LedgerMatchSettings(user_id=ch.actor.id)
        ch.session.add(row)
    row.keys, row.tolerance, row.updated_at = ",".join(settings.keys), settings.tolerance, now()
    ch.session.flush()
    ch.audit("ledger.settings.saved", "user", ch.actor.id, before, {"keys": row.keys, "tolerance": row.tolerance})
    return MatchSettings(settings.keys, settings.tolerance, "default")
