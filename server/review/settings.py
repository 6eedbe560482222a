"""The review's thresholds (review.toml beside this module, overridden key by key by $TIEOUT_HOME/review.toml)
and the unclaimed-property dormancy table (dormancy.toml, overridden by $TIEOUT_HOME/dormancy.toml)."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

from ..errors import InputError

HERE = Path(__file__).resolve().parent


class ReviewSettingsError(InputError):
    """A review.toml or dormancy.toml that cannot be used: names the file, the key and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(str(path), problem)


def _home() -> Path:
    return Path(os.environ.get("TIEOUT_HOME") or Path.home() / ".tieout")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReviewSettingsError(path, f"cannot be read: {exc}") from None


def _merged(name: str) -> tuple[dict, Path]:
    """The shipped table with the user's file on top (one level of tables merged key by key)."""
    data = _read(HERE / name)
    user = _home() / name
    if user.is_file():
        for key, value in _read(user).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return data, user
    return data, HERE / name


def _int(path: Path, table: dict, key: str, where: str) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReviewSettingsError(path, f"{where}{key}: {value!r} is not a whole number of days (0 or more)")
    return value


@dataclass(frozen=True)
class Usual:
    days: int
    amount: Decimal
    similarity: int
    escalate_after_days: int
    stale_check_days: int
    rule_days: MappingProxyType

    def days_for(self, rule: str) -> int:
        return self.rule_days.get(rule, self.days)


def usual() -> Usual:
    data, path = _merged("review.toml")
    table = data.get("usual", {})
    try:
        amount = Decimal(str(table.get("amount", "0")))
    except InvalidOperation:
        raise ReviewSettingsError(path, f"usual.amount: {table.get('amount')!r} is not an amount") from None
    rule_days = {rule: _int(path, table.get("rule_days", {}), rule, "usual.rule_days.")
                 for rule in table.get("rule_days", {})}
    return Usual(_int(path, table, "days", "usual."), amount, _int(path, table, "similarity", "usual."),
                 _int(path, table, "escalate_after_days", "usual."), _int(path, table, "stale_check_days", "usual."),
                 MappingProxyType(rule_days))


@dataclass(frozen=True)
class Dormancy:
    jurisdiction: str  # the one applied when an account names none
    years: MappingProxyType  # jurisdiction -> years
    accounts: MappingProxyType  # account name -> jurisdiction

    def for_account(self, account: str) -> tuple[str, int]:
        where = self.accounts.get(account, self.jurisdiction)
        return where, self.years.get(where, self.years[self.jurisdiction])


def dormancy() -> Dormancy:
    data, path = _merged("dormancy.toml")
    years = {k: _int(path, data.get("years", {}), k, "years.") for k in data.get("years", {})}
    default = data.get("jurisdiction")
    if default not in years:
        raise ReviewSettingsError(path, f"jurisdiction: {default!r} has no entry under [years]")
    accounts = data.get("accounts", {})
    unknown = {a: j for a, j in accounts.items() if j not in years}
    if unknown:
        name, where = next(iter(unknown.items()))
        raise ReviewSettingsError(path, f"accounts.{name}: jurisdiction {where!r} has no entry under [years]")
    return Dormancy(default, MappingProxyType(years), MappingProxyType(dict(accounts)))
