"""Reading a user's file in a separate worker process with memory and CPU budgets (issue 13, part 1).

A bank file or workbook can make a reader abort the whole process (python-calamine's Rust allocation failure
on a far cell or a looping .xls sector chain cannot be caught by Python) or grow without end. So every import
of an uploaded or chosen file runs here: in a fresh child process with rlimits, whose death or overrun becomes
an InputError naming the file, while the server (or the CLI) goes on. See runner.run."""
from __future__ import annotations

from .budget import Budget
from .runner import run

__all__ = ["Budget", "run", "import_file"]


def import_file(path, fmt: str = "auto", options=None):
    """importers.import_file, in a sandboxed worker; a reader that dies is a BankFileError naming the file."""
    from ..errors import BankFileError
    from ..importers import import_file as import_here

    return run(import_here, path, fmt, options, source=path, error=BankFileError)
