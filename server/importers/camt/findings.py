"""The findings a camt block's own figures may call for (records.Finding): the file is imported, the preparer is
told. Balance and chain checks are statement_checks'; these are the ones only a camt reader can see."""
from __future__ import annotations

from decimal import Decimal

from ...records import Finding


def record_count(name: str, record: str, stated: str, entries: int, booked: int) -> Finding:
    """TxsSummry/TtlNtries/NbOfNtries is neither the number of entries nor of booked entries."""
    return Finding(
        "record_count",
        f"{record} says it has {stated} entries (TxsSummry/TtlNtries/NbOfNtries) but {entries} were found "
        f"({booked} booked)",
        statement=name,
        figures=(("stated_entries", stated), ("entries", str(entries)), ("booked_entries", str(booked))))


def balance_currency(name: str, record: str, code: str, value: Decimal | None, currency: str,
                     account_currency: str) -> Finding:
    """A balance stated in another currency than the account's: not a balance of this account, left unknown."""
    return Finding(
        "balance_currency",
        f"{record}: its {code} balance {value} is in {currency}, not in the account currency {account_currency}; "
        f"it is not used (the balance is left unknown)",
        statement=name,
        figures=(("balance_code", code), ("balance", str(value)), ("balance_currency", currency),
                 ("account_currency", account_currency)))


def foreign_entries(name: str, record: str, account_currency: str, entries: list[dict]) -> list[Finding]:
    """Entries booked in another currency than the account's: imported in their own currency, and left out of
    the balance check, which cannot add two currencies without a rate. One finding per currency."""
    by_currency: dict[str, list[dict]] = {}
    for e in entries:
        by_currency.setdefault(e["currency"], []).append(e)
    out = []
    for currency, group in by_currency.items():
        booked = [e for e in group if not e["pending"] and e["amount"] is not None]
        total = sum((e["amount"] for e in booked), Decimal(0))
        out.append(Finding(
            "foreign_currency",
            f"{record} of a {account_currency} account holds {len(group)} "
            f"{'entry' if len(group) == 1 else 'entries'} in {currency} "
            f"({len(booked)} booked, total {currency} {total}): imported in {currency} and left out of the "
            f"{account_currency} balance check (no exchange rate)",
            statement=name,
            figures=(("currency", currency), ("account_currency", account_currency), ("lines", str(len(group))),
                     ("booked_lines", str(len(booked))), ("total", str(total)))))
    return out
