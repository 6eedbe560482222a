"""One handler per ribbon button (names from ribbon/buttons.toml), grouped by ribbon group. The registry
(registry.HANDLERS) fills when `load()` imports the modules; options.py stays importable on its own so the CLI
can build `tieout run`'s options without importing the handlers."""
from __future__ import annotations

MODULES = ("imports", "matching", "transactions", "posting", "review", "refresh", "report")
MODULES += ("ledgers", "subledger_checks")  # ledger against ledger (issue 16)
MODULES += ("workspace",)
MODULES += ("rules_default",)
MODULES += ("manual",)  # Manual accounts (issue 15)
MODULES += ("layout_forget",)  # Forget Layout (gaps13)


def load() -> dict:
    """Imports every handler module; returns the registry {handler name: Handler}."""
    import importlib

    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    from .registry import HANDLERS

    return HANDLERS
