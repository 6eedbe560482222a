"""Deterministic, file-unique line ids from the ids a bank file gives (FITID, AcctSvcrRef...).

Canonical bank lines need a unique line_id per file, but banks repeat ids (a FITID reused for a
correction, two accounts numbering from 1). The first occurrence keeps its id; each later duplicate
gets "-2", "-3"... (skipping any id the file itself uses), so the same file always gets the same ids.
A helper, not a format: it defines no IMPORTER.
"""
from __future__ import annotations

from collections.abc import Sequence


def make_unique(bases: Sequence[str]) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Unique ids in input order, and (index, original, new) for every id that had to be changed."""
    taken = set(bases)
    if len(taken) == len(bases):
        return list(bases), []
    seen: set[str] = set()
    out: list[str] = []
    changed: list[tuple[int, str, str]] = []
    next_suffix: dict[str, int] = {}
    for i, base in enumerate(bases):
        if base not in seen:
            seen.add(base)
            out.append(base)
            continue
        n = next_suffix.get(base, 2)
        while f"{base}-{n}" in taken:
            n += 1
        new = f"{base}-{n}"
        next_suffix[base] = n + 1
        taken.add(new)
        seen.add(new)
        out.append(new)
        changed.append((i, base, new))
    return out, changed
