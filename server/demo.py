"""`tieout demo`: the main job end to end on embedded defaults, no Excel needed.

Generates a seeded sample month (a bank statement CSV in Chase's layout and a filled GL template), imports
both through the real importers, auto-matches, and writes the reconciliation workbook with its eight sheets.
"""
from __future__ import annotations

import datetime as dt
import getpass
import time
from contextlib import contextmanager
from pathlib import Path

from ..excel_templates.gl_template import fill_gl_template
from ..excel_templates.reconciliation_workbook import AuditEntry, ReconciliationView, write_reconciliation_workbook
from .errors import InputError
from .templates.gl_import import read_gl_template
from .importers import import_file
from .importers.base import ImportOptions
from .matching import auto_match
from .reconciliation import compute_figures
from .sample_data import build_sample_month, write_chase_csv


@contextmanager
def _timed(timings: list[tuple[str, float]], step: str):
    t0 = time.perf_counter()
    yield
    timings.append((step, time.perf_counter() - t0))


def run_demo(out: Path, seed: int = 20261122, echo=print) -> ReconciliationView:
    out = Path(out)
    sample_dir = out.parent / "sample"
    try:
        sample_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out.parent, f"cannot write the demo here: {exc.strerror}") from None
    timings: list[tuple[str, float]] = []
    audit: list[AuditEntry] = []
    user = _user()

    def log(action: str, detail: str) -> None:
        audit.append(AuditEntry(dt.datetime.now().isoformat(timespec="seconds"), user, action, detail))

    with _timed(timings, "generate sample files"):
        month = build_sample_month(seed)
        bank_file = write_chase_csv(month, sample_dir / "chase-statement.csv")
        gl_file = fill_gl_template(None, sample_dir / "GL-filled.xlsx", month.gl_balance(),
                                   month.ledger_lines())
    with _timed(timings, "import bank statement"):
        imported = import_file(bank_file, options=ImportOptions(account=month.account, currency=month.currency))
    statement = imported.statements[0]
    log("import bank file", f"{bank_file.name}: {imported.format}, {len(statement.lines)} lines, "
                            f"closing balance {statement.closing_balance}")
    with _timed(timings, "import GL template"):
        gl = read_gl_template(gl_file)
    log("import GL template", f"{gl_file.name}: {len(gl.lines)} lines, GL balance {gl.balance.balance}")
    with _timed(timings, "auto-match"):
        result = auto_match(statement.lines, gl.lines)
    log("auto-match", f"{len(result.matched)} groups matched, {len(result.suggested)} suggestions")
    figures = compute_figures(statement.closing_balance, gl.balance.balance, statement.lines, gl.lines,
                              result.matched)
    view = ReconciliationView(statement, gl.balance, tuple(gl.lines), result.matched, result.suggested, figures,
                              proposed=tuple(getattr(result, "proposed", ())), rules=_rule_rows(),
                              audit=tuple(audit))
    with _timed(timings, "write workbook"):
        write_reconciliation_workbook(view, out)
    _print_figures(echo, out, view, timings)
    return view


def _rule_rows() -> tuple[dict, ...]:
    from . import matching

    rows = getattr(matching, "default_rule_rows", None)
    return tuple(rows()) if rows else ()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers; the demo still runs
        return "demo"


def _print_figures(echo, out: Path, view: ReconciliationView, timings) -> None:
    f = view.figures
    cur = view.statement.currency
    echo(f"Tieout demo: bank account {view.statement.account}, GL account {view.gl_balance.account}, "
         f"period ending {view.gl_balance.period_end}")
    echo(f"  bank statement lines   {f.bank_lines:>8}")
    echo(f"  GL lines               {f.ledger_lines:>8}")
    echo(f"  matched groups         {f.matched_groups:>8}  (bank lines {f.matched_bank_lines}, "
         f"GL lines {f.matched_ledger_lines}; match rate {f.match_rate:.1%})")
    echo(f"  unmatched bank lines   {f.unmatched_bank_lines:>8}")
    echo(f"  unmatched GL lines     {f.unmatched_ledger_lines:>8}")
    echo(f"  suggestions to review  {len(view.suggested):>8}")
    echo(f"  new transactions       {len(view.proposed):>8}  (proposed for bank-only items and fees deducted)")
    echo(f"  statement balance      {f.statement_balance:>14,.2f} {cur}")
    echo(f"  GL balance             {f.gl_balance:>14,.2f} {cur}")
    echo(f"  adjusted bank balance  {f.adjusted_bank:>14,.2f} {cur}")
    echo(f"  adjusted GL balance    {f.adjusted_gl:>14,.2f} {cur}")
    echo(f"  difference             {f.difference:>14,.2f} {cur}")
    echo("  timings:")
    for step, seconds in timings:
        echo(f"    {step:<24}{seconds * 1000:>9.1f} ms")
    echo(f"wrote {out}")
