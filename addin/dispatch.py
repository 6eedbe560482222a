"""The ribbon's entry point and batch mode's: a button id (from the one VBA callback) or an action name (from
`tieout run`) -> the handler ribbon/buttons.toml names -> run against a workbook adapter.

Every failure ends as a message that says what to do: in Excel a message box, in batch mode stderr and the exit
code of DESIGN.md (2: something the user can fix, 1: an internal failure). Internal errors are logged with
their traceback to $TIEOUT_HOME/logs/addin.log."""
from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..server.errors import InputError
from ..server.gc_pause import paused_gc
from ..server.private_home import open_private_log
from .client import Client, ServerError, ServerUnavailable, tieout_home
from .handlers import advice, load
from .handlers.common import sync_inputs
from .handlers.context import REC_ID, ActionError, Context
from .server_choice import ForeignServer, server_for

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
CREATES_WORKBOOK = ("import_bank_file", "import_gl_template")
CREATES_WORKBOOK += ("ledger_retrieve",)  # the ledger-against-ledger workbook (issue 16)
CREATES_WORKBOOK += ("manual_reconciliation",)  # a Manual account's workbook (issue 15)
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    exit_code: int
    messages: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def handler_names() -> dict[str, str]:
    """Button id -> handler name, from ribbon/buttons.toml."""
    from ..ribbon.buttons import load_ribbon

    return load_ribbon().handlers()


def resolve(action: str) -> str:
    """A handler name, given a handler name or a button id."""
    names = handler_names()
    if action in names:
        return names[action]
    if action in names.values():
        return action
    raise InputError(None, f"unknown action {action!r}; the actions are: {', '.join(sorted(names.values()))}")


def client_for(book) -> Client:
    """The server of the user's configuration (server_choice.py); ForeignServer when the workbook names another."""
    return Client(base_url=server_for(book.get_setting("ServerUrl"), tieout_home()))


def run_handler(name: str, book, args: Mapping[str, str] | None = None, client: Client | None = None) -> Outcome:
    """Runs one handler; never raises: the outcome carries the messages and the exit code."""
    return run_with(load()[name], book, args, client)


def run_with(handler, book, args: Mapping[str, str] | None = None, client: Client | None = None) -> Outcome:
    """Runs `handler` (a registry.Handler, registered to a button or not); never raises."""
    name = handler.name
    try:
        ctx = Context(book, client or client_for(book), dict(args or {}))
    except ForeignServer as exc:
        return Outcome(EXIT_INPUT, [], f"{exc}\n\nWhat to do: {advice.FOREIGN_SERVER}")
    try:
        # The workbook's cells are a million long-lived objects the cyclic collector would rescan again and
        # again while a handler builds its rows (a third of Accept Matches' time at 20,000 lines); a handler
        # makes no cycles worth collecting before it ends.
        with paused_gc():
            return _run(handler, ctx, name)
    finally:
        if client is None:
            ctx.client.close()


def _run(handler, ctx: Context, name: str) -> Outcome:
    try:
        if handler.sync:
            sync_inputs(ctx)
        handler.fn(ctx)
        return Outcome(EXIT_OK, ctx.messages)
    except ActionError as exc:
        return _failed(ctx, EXIT_INPUT, exc.message, exc.advice)
    except InputError as exc:
        return _failed(ctx, EXIT_INPUT, exc.message(), advice.for_missing(ctx, exc.missing()) or advice.BAD_FILE)
    except ServerError as exc:
        return _failed(ctx, EXIT_INPUT if exc.user_error else EXIT_INTERNAL, exc.message,
                       advice.for_missing(ctx, exc.missing) or advice.advice_for(exc.code))
    except ServerUnavailable as exc:
        return _failed(ctx, EXIT_INTERNAL, str(exc), advice.SERVER_DOWN)
    except Exception as exc:  # noqa: BLE001 - the user gets a message box, the log gets the traceback
        where = _log_internal(name)
        return _failed(ctx, EXIT_INTERNAL, f"Tieout hit an internal error ({type(exc).__name__}: {exc}).",
                       f"This is a fault in Tieout, not in your data. The details are in {where}; please report "
                       "them.")


def _failed(ctx: Context, code: int, message: str, what_to_do: str) -> Outcome:
    text = message + (f"\n\nWhat to do: {what_to_do}" if what_to_do else "")
    return Outcome(code, ctx.messages, text)


def _log_internal(name: str) -> Path:
    path = tieout_home() / "logs" / "addin.log"
    try:
        with open_private_log(path) as fh:  # may be the first thing made in $TIEOUT_HOME: owner-only
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} handler {name}\n".encode())
            fh.write(traceback.format_exc().encode("utf-8", "replace"))
    except OSError:
        traceback.print_exc()
    return path


def dispatch(button_id: str, book=None, client: Client | None = None) -> Outcome:
    """Called by the ribbon: `RunPython "import tieout.addin.dispatch as d; d.dispatch('btnAutoMatch')"`."""
    if book is None:
        from .excel_workbook import ExcelWorkbook

        book = ExcelWorkbook()
    try:
        name = resolve(button_id)
    except InputError as exc:
        book.alert(f"{exc.message()}\n\nWhat to do: install the Tieout add-in again (ask your Tieout administrator).")
        return Outcome(EXIT_INTERNAL, error=exc.message())
    outcome = run_handler(name, book, {}, client)
    book.status(" ".join(outcome.messages) if outcome.ok else "")
    if not outcome.ok:
        book.alert(outcome.error, "Tieout")
    return outcome


def run_batch(workbook: str | Path, action: str, options: Mapping[str, str], save: bool = True) -> int:
    """`tieout run WORKBOOK --action NAME [--option value ...]`: the handler on a saved workbook, then saved
    (save=False for a handler that only reads it, e.g. `tieout report`)."""
    from .handlers.registry import HANDLERS
    from .xlsx_workbook import XlsxWorkbook

    name = resolve(action)
    load()
    wrong = sorted(set(options) - set(HANDLERS[name].options))
    if wrong:
        known = ", ".join("--" + o.replace("_", "-") for o in HANDLERS[name].options) or "none"
        raise InputError(None, f"action {name} does not take {', '.join('--' + o.replace('_', '-') for o in wrong)}"
                               f" (its options: {known})")
    path = Path(workbook)
    if not path.exists() and name in CREATES_WORKBOOK:
        new_workbook(path)
    with paused_gc():  # opening and saving build and walk the same cells (see run_handler)
        book = XlsxWorkbook(path)
        linked_before = book.get_setting(REC_ID)
        outcome = run_handler(name, book, options)
        if save and (outcome.ok or book.get_setting(REC_ID) != linked_before):
            book.save()  # a failure after the first import linked the workbook still keeps the link
    for text in outcome.messages:
        print(text)
    if not outcome.ok:
        print(f"error: {outcome.error}", file=sys.stderr)
    return outcome.exit_code


def new_workbook(path: Path) -> None:
    """An empty workbook for batch mode's first import (the handlers add the eight sheets)."""
    from openpyxl import Workbook

    if path.suffix.lower() != ".xlsx":
        raise InputError(path, "the workbook must be an .xlsx file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = Workbook()
        wb.active.title = "Summary"
        wb.save(path)
    except OSError as exc:
        raise InputError(path, f"cannot create the workbook: {exc.strerror}") from None


def run_review(workbook: str | Path, as_json: bool) -> int:
    """`tieout review WORKBOOK [--json]`: the review checks of a saved workbook's reconciliation (only read)."""
    from .handlers.review_checks import HANDLER
    from .xlsx_workbook import XlsxWorkbook

    outcome = run_with(HANDLER, XlsxWorkbook(Path(workbook)), {"json": "yes"} if as_json else {})
    for text in outcome.messages:
        print(text)
    if not outcome.ok:
        print(f"error: {outcome.error}", file=sys.stderr)
    return outcome.exit_code
