"""What Import Bank File asks when the file does not say it: the currency, the order of day and month when its
dates read both ways, the printed opening and closing balances, and (given, or remembered) a layout profile to
force. The answers come from batch options, else what the account remembers (the server keeps the choices of
its last import: currency, date order, profile), else the account itself (its currency), else a dialog in Excel. What was chosen is
remembered for the account's next import, so the preparer answers once per account, not once per month."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from ...server.importers.base import ImportOptions
from ...server.errors import BankFileError
from .context import ActionError, Context, parse_money

SETTING = "import_options"
DATE_ORDERS = {"day_first": "Day first (03/04/2026 is 3 April)",
               "month_first": "Month first (03/04/2026 is March 4)"}
# What an importer says when a date column reads two ways equally (tabular inference refuses; QIF warns and
# reads month-first): the cue to ask the preparer instead.
AMBIGUOUS_DATE_CUES = ("read two ways", "proves whether it is month-first or day-first")


@dataclass(frozen=True)
class ImportChoices:
    """The preparer's answers for one import (None: not given, the file or the account decides)."""

    fmt: str = "auto"
    currency: str | None = None
    date_order: str | None = None
    profile: str | None = None
    opening: Decimal | None = None
    closing: Decimal | None = None

    def options(self) -> ImportOptions:
        return ImportOptions(currency=self.currency, date_order=self.date_order, profile=self.profile,
                             opening=self.opening, closing=self.closing)

    def upload_params(self) -> dict:
        """The query parameters of the upload: the server reads the file again with the same answers."""
        out = {"opening": self.opening, "closing": self.closing, "date_order": self.date_order,
               "profile": self.profile}
        return {k: v for k, v in out.items() if v is not None}

    def remembered(self) -> dict:
        """What the account keeps for its next files (not the format: next month's file may be another one)."""
        out = {"currency": self.currency, "date_order": self.date_order, "profile": self.profile}
        return {k: v for k, v in out.items() if v}


def remembered_for(ctx: Context, account_id: int | None) -> dict:
    if account_id is None:
        return {}
    return dict(ctx.client.get(f"/api/accounts/{account_id}/settings/{SETTING}").get("value") or {})


def initial(ctx: Context, account: dict | None) -> ImportChoices:
    """Options given, else the account's remembered choices, else the account's currency."""
    kept = remembered_for(ctx, account["id"] if account else None)
    order = ctx.arg("date_order") or kept.get("date_order")
    if order is not None and order not in DATE_ORDERS:
        raise ActionError(f"date order {order!r} is not known.",
                          "Choose day first or month first" + ctx.batch_hint("--date-order day_first|month_first"))
    currency = ctx.arg("currency") or kept.get("currency") or (account or {}).get("currency")
    return ImportChoices(
        fmt=ctx.arg("format") or "auto", currency=currency.upper() if currency else None,
        date_order=order, profile=ctx.arg("profile") or kept.get("profile"),
        opening=parse_money(ctx.arg("opening"), "opening balance") if ctx.arg("opening") else None,
        closing=parse_money(ctx.arg("closing"), "closing balance") if ctx.arg("closing") else None)


def _ambiguous(text: str) -> bool:
    return any(cue in text for cue in AMBIGUOUS_DATE_CUES)


def _ask_date_order(ctx: Context, path: Path, why: str, choices: ImportChoices) -> ImportChoices:
    picked = ctx.book.ask_choice(f"The dates of {path.name} can be read two ways: {why}\n\nHow does this bank "
                                 "write its dates?", list(DATE_ORDERS.values()), "Tieout: date order")
    order = next((k for k, label in DATE_ORDERS.items() if label == picked), None)
    if order is None:
        raise ActionError(f"{path.name} was not imported: its dates can be read two ways ({why}).",
                          "Press Import Bank File again and choose whether the bank writes the day or the month "
                          "first" + ctx.batch_hint("--date-order day_first or --date-order month_first") + ".")
    return replace(choices, date_order=order)


def _ask_currency(ctx: Context, path: Path, choices: ImportChoices) -> ImportChoices:
    typed = (ctx.book.ask_text(f"{path.name} does not state its currency. Type it (three letters, e.g. GBP):",
                               "Tieout: currency") or "").strip().upper()
    if len(typed) != 3 or not typed.isalpha():
        raise ActionError(f"{path.name} does not state its currency" + (f", and {typed!r} is not a currency code"
                                                                         if typed else "") + ".",
                          "Press Import Bank File again and type the account's currency, three letters such as "
                          "GBP or EUR" + ctx.batch_hint("--currency GBP") + ".")
    return replace(choices, currency=typed)


def read_with_answers(ctx: Context, path: Path, choices: ImportChoices):
    """The file read here (in the sandbox) with the choices, asking what it does not say; returns the result, the
    choices as answered and, when no profile knew the layout, the inferred layout's proposal (read in the same
    worker call, so the file is read once per answer, not once per question). The server reads the upload again
    with the same answers."""
    for _ in range(4):  # each question is asked at most once: date order, currency (as a refusal or as a
        # statement without one), then done
        try:
            seen = _read(path, choices)
        except BankFileError as exc:
            why = next((p.problem for p in exc.problems if _ambiguous(p.problem)), None)
            if why is not None and choices.date_order is None:
                choices = _ask_date_order(ctx, path, why.split(". Nothing was imported")[0], choices)
                continue
            if not choices.currency and any(p.field == "currency" for p in exc.problems):
                choices = _ask_currency(ctx, path, choices)
                continue
            raise
        result = seen.result
        doubt = next((w for w in result.warnings if _ambiguous(w)), None)
        if doubt and choices.date_order is None and ctx.book.interactive:
            choices = _ask_date_order(ctx, path, doubt, choices)
            continue
        if not choices.currency and not all(st.currency for st in result.statements):
            choices = _ask_currency(ctx, path, choices)
            continue
        return result, choices, seen.proposal
    seen = _read(path, choices)
    return seen.result, choices, seen.proposal


def _read(path: Path, choices: ImportChoices):
    """One sandboxed reading: the import and, for an inferred layout, its proposal (importers/preview.py)."""
    from ...server import sandbox
    from ...server.importers.preview import read_statement as preview
    from ...server.importers.tabular.infer.profile_file import profile_name

    return sandbox.run(preview, path, choices.fmt, choices.options(), profile_name(path.stem), source=path,
                       error=BankFileError)


def ask_balances(ctx: Context, path: Path, result, choices: ImportChoices) -> ImportChoices:
    """In Excel, the printed opening and closing balances of a one-statement file that states none (blank:
    enter them later under Statement balances on Summary)."""
    if not ctx.book.interactive or len(result.statements) != 1:
        return choices
    st = result.statements[0]
    for kind in ("opening", "closing"):
        if getattr(st, f"{kind}_balance") is not None or getattr(choices, kind) is not None:
            continue
        typed = ctx.book.ask_text(f"{path.name} does not state its {kind} balance. Type it as printed on the "
                                  "statement (leave blank to enter it later on Summary):", f"Tieout: {kind} balance")
        if typed and typed.strip():
            choices = replace(choices, **{kind: parse_money(typed, f"{kind} balance")})
    return choices


def fill_from(choices: ImportChoices, kept: dict) -> ImportChoices:
    """Answers still open taken from what the account remembers (an account found only once the file was read)."""
    return replace(choices, date_order=choices.date_order or kept.get("date_order"),
                   profile=choices.profile or kept.get("profile"))


def remember(ctx: Context, account_id: int, choices: ImportChoices, kept: dict) -> None:
    """Keeps the choices for the account's next import (only when they changed)."""
    wanted = {**kept, **choices.remembered()}
    if wanted != kept:
        ctx.client.put(f"/api/accounts/{account_id}/settings/{SETTING}", {"value": wanted})
