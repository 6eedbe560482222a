"""A bank file read once for the add-in's Import Bank File: the import itself (which tells the account, currency
and period to link, and whether a bank's profile or inference read the layout) and, only when the layout was
inferred, the proposal the user confirms. One worker call in the sandbox answers both questions, so the add-in
no longer reads the file once per question (it read a 100,000-line CSV three times before uploading it)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..records import ImportResult
from . import detect, get, import_file
from .base import ImportOptions, LayoutProposal


@dataclass(frozen=True)
class Preview:
    result: ImportResult
    proposal: LayoutProposal | None  # None unless the layout was inferred (nothing to confirm)


def read_statement(path: Path, fmt: str, options: ImportOptions, name: str) -> Preview:
    """Import `path`; when its layout was inferred, also the proposal named `name` (a profile's file name)."""
    result = import_file(path, fmt, options)
    proposal = None
    if result.layout is not None and result.layout.source == "inferred":
        imp = detect(path) if fmt == "auto" else get(fmt)
        proposer = getattr(imp, "layout_proposal", None)
        proposal = proposer(path, options, name) if proposer is not None else None
    return Preview(result, proposal)
