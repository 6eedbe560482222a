"""The importer protocol: every bank format is one module with one object that says whether a file is
its format (`identify`) and turns it into canonical statements (`extract`). Nothing else knows the format."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import BankFileError
from ..records import ImportResult


@dataclass(frozen=True)
class ImportOptions:
    """What the user may tell an importer; every field has a sensible default."""

    profile: str | None = None  # force a tabular layout profile by name
    currency: str | None = None  # currency to assume when the file does not state one
    account: str | None = None  # account to assume when the file does not state one
    profile_dirs: tuple[Path, ...] = ()  # extra folders of user layout profiles (TOML)
    strict: bool = False  # refuse a statement whose own figures disagree, instead of importing it with a finding
    opening: Decimal | None = None  # the printed opening balance, for a file that states none
    closing: Decimal | None = None  # the printed closing balance, for a file that states none
    account_kind: str | None = None  # "card": a tabular file's positive amounts are charges (money out)
    # "day_first" | "month_first": how to read dates such as 03/04 when nothing in the file tells (the user's
    # answer in Excel, remembered per account); a date the file proves (a day above 12) still wins
    date_order: str | None = None


@dataclass(frozen=True)
class LayoutProposal:
    """An inferred layout shown to the user to confirm once (Excel: the Import Layout sheet): which column holds
    what, the first rows as read, and the balance proof; `profile_text` is the profile (TOML) saved when the user
    confirms, after which the bank's next file imports with it without asking."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (column heading as the file has it, role)
    sample: tuple[tuple[str, ...], ...]  # the first data rows, as text
    proof: str | None  # how the running balance or printed totals confirm the reading; None: nothing to check
    notes: tuple[str, ...]
    confidence: float
    profile_text: str


@runtime_checkable
class Importer(Protocol):
    """One bank file format."""

    name: str  # the --format name, e.g. "mt940"
    priority: int  # lower is asked first; content sniffers before lenient fallbacks such as CSV

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the file's content (its first bytes are in `head`) is this format."""

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        """Read the whole file; raise BankFileError naming the line/record, field and problem."""

    # Formats whose layout can be inferred (CSV/Excel, PDF) also have
    #   layout_proposal(path, options, name) -> LayoutProposal
    # which the add-in calls when an import says `layout.source == "inferred"`.


def read_bytes(path: Path) -> bytes:
    """The whole file, or BankFileError with the system's reason (a file deleted or locked since detection)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
