"""Bank file importers. Each module in this package that defines `IMPORTER` (or `IMPORTERS`) is one format: adding a format
means adding a module, never editing a dispatcher. `import_file` picks the importer by content."""
from __future__ import annotations

import importlib
import os
import pkgutil
from functools import lru_cache
from pathlib import Path

from ..errors import BankFileError
from ..gc_pause import paused_gc
from ..records import ImportResult
from ..statements.statement_checks import verify_statements, with_entered_balances
from .amount_bounds import check_result
from .base import Importer, ImportOptions

HEAD_BYTES = 64 * 1024
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


def max_import_bytes() -> int:
    return int(os.environ.get("TIEOUT_MAX_IMPORT_BYTES", DEFAULT_MAX_BYTES))


@lru_cache(maxsize=1)
def importers() -> tuple[Importer, ...]:
    """Every importer module's IMPORTER, most specific first."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "IMPORTERS", ()))
        if getattr(module, "IMPORTER", None) is not None:
            found.append(module.IMPORTER)
    return tuple(sorted(found, key=lambda i: (i.priority, i.name)))


def format_names() -> list[str]:
    return [imp.name for imp in importers()]


def _read_head(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BankFileError(path, "file not found") from None
    if path.is_dir():
        raise BankFileError(path, "is a folder, not a file")
    if size == 0:
        raise BankFileError(path, "the file is empty")
    limit = max_import_bytes()
    if size > limit:
        raise BankFileError(path, f"the file is {size:,} bytes, over the import limit of {limit:,} bytes "
                                  "(set TIEOUT_MAX_IMPORT_BYTES to raise it)")
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def detect(path: Path) -> Importer:
    """The importer whose format the file's content is, or BankFileError listing the formats known."""
    head = _read_head(path)
    for imp in importers():
        if imp.identify(path, head):
            return imp
    raise BankFileError(path, "not a bank file format Tieout knows (tried: " + ", ".join(format_names()) + ")")


def get(name: str) -> Importer:
    for imp in importers():
        if imp.name == name:
            return imp
    raise BankFileError(None, f"unknown format {name!r}; known formats: {', '.join(format_names())}")


def import_file(path: str | Path, fmt: str = "auto", options: ImportOptions | None = None) -> ImportResult:
    """Import one bank file and check it against its own balances.

    A file that cannot be read raises BankFileError and imports nothing. A statement whose own figures disagree
    is imported with findings (with `options.strict`, refused instead). The cycle collector is paused meanwhile (see
    gc_pause), for every format: a file becomes many small objects that all stay alive."""
    path = Path(path)
    options = options or ImportOptions()
    if fmt == "auto":
        imp = detect(path)
    else:
        _read_head(path)
        imp = get(fmt)
    with paused_gc():
        result = with_entered_balances(check_result(imp.extract(path, options), path), options.opening,
                                       options.closing)
        strict = options.strict or getattr(imp, "strict_balances", False)
        return verify_statements(result, path, strict=strict)
