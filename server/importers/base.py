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


@runtime_checkable
class Importer(Protocol):
    """One bank file format."""

    name: str  # the --format name, e.g. "mt940"
    priority: int  # lower is asked first; content sniffers before lenient fallbacks such as CSV

    def identify(self, path: Path, head: bytes) -> bool:
        """True when the file's content (its first bytes are in `head`) is this format."""

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        """Read the whole file; raise BankFileError naming the line/record, field and problem."""


def read_bytes(path: Path) -> bytes:
    """The whole file, or BankFileError with the system's reason (a file deleted or locked since detection)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BankFileError(path, f"cannot read the file: {exc.strerror or exc}") from None
