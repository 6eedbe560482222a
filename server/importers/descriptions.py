"""One description from a payee's name and a memo, for the formats that give both (OFX NAME/MEMO, QIF P/M).

The memo alone when it already starts with the name (banks often repeat it), else "name / memo".
A helper, not a format: it defines no IMPORTER."""
from __future__ import annotations


def name_and_memo(name: str, memo: str) -> str:
    if not memo:
        return name
    if not name or memo.startswith(name):
        return memo
    return f"{name} / {memo}"
