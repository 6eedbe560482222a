"""The GL account's side: its lines from a canonical ledger lines CSV, or its lines and balance from a filled
GL template (read in the sandbox, as every workbook a user picks)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..canonical import read_ledger_lines
from ..errors import InputError
from ..records import LedgerLine


def read_gl(path: str | Path) -> tuple[tuple[LedgerLine, ...], Decimal | None]:
    """(lines, the stated GL balance or None: then the lines' sum is the balance)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .. import sandbox
        from ..errors import TemplateError
        from ..templates.gl_import import read_gl_template

        data = sandbox.run(read_gl_template, path, source=path, error=TemplateError)
        return data.lines, data.balance.balance
    return tuple(read_ledger_lines(path)), None
