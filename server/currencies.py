"""ISO 4217 facts (whether a code exists, its decimal places) from the iso4217 package, imported on first use:
importing it takes ~20 ms, which every `tieout` command would otherwise pay when the importer registry loads."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def iso_currency(code: str) -> tuple[bool, int | None]:
    """(is `code` an ISO 4217 currency code, its decimal places: None where ISO defines none, e.g. XAU)."""
    from iso4217 import Currency

    try:
        return True, Currency(code).exponent
    except ValueError:
        return False, None


def decimals(code: str) -> int:
    """The places a currency's amounts show with (ISO 4217's exponent; 2 for a code ISO does not define)."""
    known, exponent = iso_currency(str(code or "").upper())
    return exponent if known and exponent is not None else 2
