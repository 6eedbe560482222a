"""One scheme, for every format, for the line ids of a file whose bank ids repeat.

Canonical bank lines need a line_id unique in the file, and the same file must always get the same ids.
Each line comes with a candidate id: the bank's own (FITID, AcctSvcrRef, :61: bank reference, 16-record bank
reference, a transaction-id column) or, without one, an id the importer made from the line's position.
A candidate that no other line of the file uses is kept as it is. A candidate used by several lines is
not an identity of any of them, so EVERY occurrence, the first included, becomes "<candidate>~<k>"
(k = 1, 2, ... in file order, skipping any id the file already uses), and a warning says how many lines
and gives an example.

Why a suffix mark, and why on every occurrence: statement_history must tell, from a stored line_id and
its format alone (services/imports.py reads lines back from the database; there is no column for it),
whether an id is the bank's stable id. Which occurrence is "the first" depends on what else a download
holds: with "X", "X-2" an overlapping download holding only the later X would call it "X" and be taken
for the line already held, a genuine line skipped. A line whose id carries the mark is recognised by its
content (and its occurrence among identical lines) instead, which is always safe.

A real bank id that happens to look like "<something>~<digits>" (tilde is rare in bank ids; SWIFT's
character set has none) is kept unchanged and also recognised by content. That is harmless: content
recognition is what every format without ids uses, so such a line is never wrongly skipped; only its
recognition across a bank's correction of its figures is lost. The store may append "-<n>" to an id taken
in the reconciliation (services/imports.py), so the mark is also recognised before such a suffix.
A helper, not a format: it defines no IMPORTER.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

MARK = "~"
# A line id that is not a stable bank id: an occurrence of a repeated candidate (with the store's "-n").
NOT_STABLE = r".*~\d+(?:-\d+)?"
_OCCURRENCE = re.compile(r"~\d+\Z")


@dataclass(frozen=True, slots=True)
class LineIds:
    """The file's line ids (in input order) and each repeated candidate with how many lines used it."""

    ids: tuple[str, ...]
    repeated: tuple[tuple[str, int], ...] = ()
    example: tuple[str, ...] = ()  # the ids the first repeated candidate's lines got

    @property
    def lines_repeated(self) -> int:
        return sum(n for _, n in self.repeated)

    def warning(self, what: str) -> str | None:
        """A sentence for ImportResult.warnings (None when nothing repeated); `what` names the id's field."""
        if not self.repeated:
            return None
        base, count = self.repeated[0]
        first, second = self.example[:2]
        more = f" ({len(self.repeated)} ids repeated)" if len(self.repeated) > 1 else ""
        return (f"{self.lines_repeated} lines share their {what} with another line of the file{more}, e.g. "
                f"{base} on {count} lines, now {first}, {second}...: a repeated id is not the bank's identity of "
                "a line, so these lines will be recognised by their content when an overlapping statement is "
                "imported")


def assign(candidates: Sequence[str]) -> LineIds:
    """File-unique, deterministic line ids from each line's candidate (bank id, or positional id)."""
    if len(set(candidates)) == len(candidates):
        return LineIds(tuple(candidates))
    counts = Counter(candidates)
    taken = set(counts)
    next_k: dict[str, int] = {}
    out = []
    repeated = tuple((c, n) for c, n in counts.items() if n > 1)
    example: list[str] = []
    for c in candidates:
        if counts[c] == 1:
            out.append(c)
            continue
        k = next_k.get(c, 1)
        while f"{c}{MARK}{k}" in taken:
            k += 1
        new = f"{c}{MARK}{k}"
        next_k[c] = k + 1
        taken.add(new)
        out.append(new)
        if c == repeated[0][0] and len(example) < 2:
            example.append(new)
    return LineIds(tuple(out), repeated, tuple(example))


def occurrence_base(line_id: str) -> str:
    """The candidate a line id was made from ("X~2" -> "X"): the same whichever file the line came in."""
    return _OCCURRENCE.sub("", line_id)
