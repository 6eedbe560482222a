"""How much text each column holds, read from the models (store/models.py is the one place that says it).

SQLite ignores VARCHAR lengths, PostgreSQL refuses a longer value ("value too long") in the middle of a
transaction, which surfaced as an internal error halfway through an import. So every value that comes from
outside is measured against its column before anything is stored, and a too-long one is refused as bad
input naming the line, the field and the limit."""
from __future__ import annotations

from functools import cache

from sqlalchemy import String


@cache
def length(model, column: str) -> int | None:
    """The column's length limit (None for Text and other types without one)."""
    kind = model.__table__.c[column].type
    return kind.length if isinstance(kind, String) else None


def over(field: str, value: str | None, most: int | None) -> str | None:
    """"field 'x': 45 characters, more than the 40 it can hold" when `value` is longer than `most`, else None."""
    if most is None or value is None or len(value) <= most:
        return None
    return f"field '{field}': {len(value)} characters, more than the {most} it can hold"


def shown(text: str, most: int = 60) -> str:
    """A value as a message names it: a very long id is shortened (its start names it well enough)."""
    return text if len(text) <= most else text[:most] + "..."
