"""Rules in and out: TOML files, rows of the `Rules` sheet, and the built-in library.

Both spellings go through `rules.build_rules`, so a rule means the same thing in a sheet and in a file.
Rows: one dict per rule keyed by RULE_COLUMNS; a list is written in one cell, separated by ';'.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path

import tomli_w

from ..errors import Problem
from .rules import FIELDS, LIST_SEPARATOR, RULE_COLUMNS, Rule, RuleSet, RulesError, build_rules, rule_values

DEFAULT_RULES_FILE = "default_rules.toml"
_TOML_LINE = re.compile(r"line (\d+)")


# ------------------------------------------------------------------------------------------------- TOML
def rules_from_toml(text: str, source: str | None = None) -> RuleSet:
    """Parse a rules TOML document: `[[rule]]` tables, one per rule (optional top-level `version = 1`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise RulesError(source, Problem(f"not valid TOML: {exc}", line=int(m.group(1)) if m else None)) from None
    problems = [Problem(f"unknown top-level key {k!r} (expected [[rule]] tables)", field=k)
                for k in doc if k not in ("rule", "version")]
    tables = doc.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(Problem("'rule' must be an array of tables: write each rule as [[rule]]", field="rule"))
        tables = []
    elif not tables:
        problems.append(Problem("no [[rule]] table: the rule set is empty", field="rule"))
    if problems:
        raise RulesError(source, problems)
    return build_rules(((t, None, f"rule #{i}") for i, t in enumerate(tables, start=1)), source)


def load_rules(path: str | Path) -> RuleSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(path, "rules file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(path, f"cannot read the rules file: {exc}") from None
    return rules_from_toml(text, str(path))


def rules_to_toml(rules: RuleSet | Iterable[Rule]) -> str:
    """Write rules as TOML; only fields that differ from the default are written (plus name, priority)."""
    out = []
    for rule in rules:
        table = {}
        for spec in FIELDS:
            value = getattr(rule, spec.name)
            if not spec.required and value == spec.default:
                continue
            table[spec.name] = _toml_value(value)
        out.append(table)
    return tomli_w.dumps({"version": 1, "rule": out})


def _toml_value(value):
    if isinstance(value, Decimal):
        return format(value, "f")  # a string keeps the amount exact; TOML floats are binary
    if isinstance(value, tuple):
        return [_toml_value(v) for v in value]
    return value


def default_rules() -> RuleSet:
    """The built-in rule library shipped as package data."""
    text = resources.files(__package__).joinpath(DEFAULT_RULES_FILE).read_text(encoding="utf-8")
    return rules_from_toml(text, f"built-in {DEFAULT_RULES_FILE}")


# ------------------------------------------------------------------------------------------------- rows
def rules_to_rows(rules: RuleSet | Iterable[Rule]) -> list[dict[str, object]]:
    """One row per rule for the Rules sheet: every column of RULE_COLUMNS, cells as str, int or bool."""
    return [{k: _cell(v) for k, v in rule_values(rule).items()} for rule in rules]


def default_rule_rows() -> list[dict[str, object]]:
    return rules_to_rows(default_rules())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return f"{LIST_SEPARATOR} ".join(str(_cell(v)) for v in value)
    raise TypeError(type(value))  # pragma: no cover - Rule fields are of the types above


def rules_from_rows(rows: Iterable[Mapping[str, object]], source: str | None = "Rules sheet",
                    first_row: int = 2) -> RuleSet:
    """Rules from sheet rows (dicts keyed by column). Errors name the sheet row and the column.

    first_row: the sheet row of the first rule (the header is the row above it). Fully blank rows are skipped.
    """
    rows = list(rows)
    problems = []
    header = list(rows[0].keys()) if rows else []
    for col in header:
        if str(col) not in RULE_COLUMNS:
            problems.append(Problem(f"unknown column {col!r}", line=first_row - 1, field=str(col)))
    for col in ("name", "priority"):
        if rows and col not in header:
            problems.append(Problem(f"missing column {col!r}", line=first_row - 1, field=col))
    if problems:
        raise RulesError(source, problems)
    records = []
    for i, row in enumerate(rows):
        if all(_blank(v) for v in row.values()):
            continue
        records.append(({str(k): v for k, v in row.items()}, first_row + i, f"row {first_row + i}"))
    if not records:
        raise RulesError(source, "no rules: the Rules sheet is empty")
    return build_rules(records, source)


def rules_from_frame(frame, source: str | None = "Rules sheet") -> RuleSet:
    """Rules from a DataFrame read off the Rules sheet (header in row 1)."""
    return rules_from_rows(frame.to_dict("records"), source)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def resolve_rules(rules) -> RuleSet:
    """What `auto_match(rules=...)` accepts: None (the built-in library), a TOML path, a RuleSet or rules."""
    if rules is None:
        return default_rules()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, (str, Path)):
        return load_rules(rules)
    rules = tuple(rules)
    if not all(isinstance(r, Rule) for r in rules):
        raise TypeError("rules must be None, a path, a RuleSet or Rule objects")
    return RuleSet(tuple(sorted(rules, key=lambda r: (r.priority, r.name))))
