"""Errors the user can act on. The CLI maps `InputError` to exit code 2 and prints its message."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place of an input file."""

    problem: str
    line: int | None = None  # 1-based line or row number in the file, when known
    field: str | None = None  # column, tag or record field, when known
    record: str | None = None  # record or statement identifier, when lines do not apply
    # What the user can give to get past it: an ImportOptions field (importers/missing.py names them); the
    # message stays neutral and each surface words the remedy (CLI flag, Excel question, API field).
    missing: str | None = None

    def describe(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.problem


class InputError(Exception):
    """Bad input: names the file and every problem found, so the user can fix them all in one pass."""

    def __init__(self, file: str | None, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.file = str(file) if file is not None else None
        self.problems = list(problems)
        super().__init__(self.message())

    def missing(self) -> tuple[str, ...]:
        """What the user can give to get past these problems (ImportOptions fields), each once, in order."""
        return tuple(dict.fromkeys(p.missing for p in self.problems if p.missing))

    def message(self, limit: int = 50) -> str:
        head = f"{self.file}: " if self.file else ""
        if len(self.problems) == 1:
            return head + self.problems[0].describe()
        lines = [f"{head}{len(self.problems)} problems"]
        lines += ["  " + p.describe() for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)


class BankFileError(InputError):
    """A bank file that cannot be imported as it is. Importers raise nothing else on bad content."""


class TemplateError(InputError):
    """A GL template with bad rows."""

