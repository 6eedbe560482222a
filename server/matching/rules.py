"""Matching rules as data: one schema shared by the `Rules` sheet and by TOML rule files.

A rule is one flat record (one row of the sheet, one `[[rule]]` table of a TOML file). The schema below is
data: each field names its kind, default and allowed values, and one parser reads a field from either a
TOML value or a sheet cell, so the two spellings cannot drift apart. Rules run in ascending `priority`
(ties by name); the built-in library orders them most specific first.

Field groups: bank-side filter, ledger-side filter, match keys, group shape, action, confidence.
Money fields are in currency units (never a percentage) and parsed to Decimal, never float.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

import numpy as np

from ..errors import InputError, Problem
from ..parsing import parse_date
from ..records import BANK_TYPES
from ..user_patterns import UnsafePattern, compile_user_pattern
from . import bank_types
from .shape_checks import shape_checks

SHAPES = ("one_to_one", "one_bank_to_many_ledger", "many_bank_to_one_ledger", "bank_pair", "bank_only",
          "settlement", "structured_reference", "fx_difference", "invoice_list")
ACTIONS = ("match", "propose", "suggest")
AMOUNT_KEYS = ("exact", "tolerance", "fee_deducted", "transposition")
REFERENCE_KEYS = ("ignore", "equal", "contains", "fuzzy", "number", "evidence")
PROPOSAL_KINDS = ("custom", "liability", "cash entry")

# Hard ceilings of the bounded searches (see batches.py): a rule may ask for less, never for more.
MAX_GROUP_SIZE = 10
MAX_CANDIDATES = 40
MAX_WINDOW_DAYS = 366
LIST_SEPARATOR = ";"  # how a list is written in one sheet cell


class RulesError(InputError):
    """A rule file or Rules sheet that cannot be used: names the file, row, rule and field."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # name int bool text choice choices texts money moneys regex dates confidence rate
    default: object = None
    choices: tuple[str, ...] = ()
    doc: str = ""
    required: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "name", required=True, doc="unique rule name: letters, digits, _ and -"),
    FieldSpec("priority", "int", required=True, doc="rules run in ascending priority: most specific first"),
    FieldSpec("enabled", "bool", True, doc="false keeps the rule in the set without running it"),
    FieldSpec("description", "text", "", doc="what the rule is for, in plain words (starts the reason text)"),
    FieldSpec("shape", "choice", "one_to_one", SHAPES,
              "group it may form: 1:1, one bank line to n ledger lines (batch deposit), n bank lines to one "
              "ledger line (split), a bank line and its reversal on the bank side, or a bank line alone"),
    FieldSpec("action", "choice", "match", ACTIONS,
              "match; propose a new transaction on gl_account; or only suggest (never auto-match)"),
    # bank-side filter
    FieldSpec("bank_types", "choices", (), BANK_TYPES, "bank line types the rule applies to (empty: any)"),
    FieldSpec("direction", "choice", "any", ("any", "in", "out"), "in: money into the account; out: money out"),
    FieldSpec("currencies", "texts", (), doc="currency codes (empty: any)"),
    FieldSpec("amount_min", "money", None, doc="smallest absolute bank amount, in currency units"),
    FieldSpec("amount_max", "money", None, doc="largest absolute bank amount, in currency units"),
    FieldSpec("bank_text", "texts", (), doc="any of these words in the bank reference or description "
                                            "(case-insensitive)"),
    FieldSpec("bank_regex", "regex", "", doc="regular expression searched in bank reference + description"),
    # ledger-side filter
    FieldSpec("ledger_sources", "texts", (), doc="ledger sources (journals) the rule applies to (empty: any)"),
    FieldSpec("ledger_counterparty", "texts", (), doc="any of these words in the ledger counterparty"),
    FieldSpec("ledger_regex", "regex", "", doc="regular expression searched in ledger reference + description"),
    # match keys
    FieldSpec("amount", "choice", "exact", AMOUNT_KEYS,
              "exact; within amount_tolerance; bank = ledger less a fee up to fee_max (only with a document "
              "number or the counterparty to corroborate it); or digits transposed (suggest only)"),
    FieldSpec("amount_tolerance", "money", Decimal(0), doc="largest amount difference, in currency units"),
    FieldSpec("fee_schedule", "moneys", (), doc="fees the bank usually deducts, in currency units: preferred "
                                                "when two candidates fit (any fee up to fee_max is accepted)"),
    FieldSpec("fee_max", "money", Decimal("25.00"), doc="largest fee the bank may deduct, in currency units"),
    FieldSpec("fee_gl_account", "text", "", doc="GL account of the proposed fee line"),
    FieldSpec("days_before", "int", 0, doc="bank date at most this many days before the ledger date"),
    FieldSpec("days_after", "int", 0, doc="bank date at most this many days after the ledger date"),
    FieldSpec("day_basis", "choice", "calendar", ("calendar", "business"), "count days as calendar or "
                                                                           "business days"),
    FieldSpec("weekmask", "text", "Mon Tue Wed Thu Fri", doc="business days of the week"),
    FieldSpec("holidays", "dates", (), doc="bank holidays (yyyy-mm-dd) skipped by business days"),
    FieldSpec("reference", "choice", "ignore", REFERENCE_KEYS,
              "references equal; ledger reference contained in the bank text; fuzzy similarity at or "
              "above reference_threshold; number: a document number agrees (compared as numbers, from "
              "reference and description of both sides); evidence: a number agrees or the counterparty is named"),
    FieldSpec("reference_threshold", "int", 90, doc="fuzzy similarity threshold, 1..100"),
    FieldSpec("check_number", "bool", False, doc="bank check number equals the ledger reference"),
    FieldSpec("counterparty", "choice", "ignore", ("ignore", "contains", "partial"),
              "contains: every identifying word of the ledger counterparty is in the bank text; partial: the "
              "bank text does not name someone else (one word is in it, or it names no one)"),
    FieldSpec("link", "choice", "prefer", ("prefer", "require", "none", "booking_day"),
              "batches and splits: search lines linked by counterparty or reference first (prefer), only "
              "them (require), by date alone (none); batches: the receipts of one booking day, slips kept "
              "together, every subset summed (booking_day; max_candidates bounds the items of one day)"),
    FieldSpec("max_group_size", "int", 5, doc=f"batches and splits: most lines in a group (2..{MAX_GROUP_SIZE})"),
    FieldSpec("max_candidates", "int", 16,
              doc=f"batches and splits: search bound, most candidate lines searched (2..{MAX_CANDIDATES}); "
                  "a line with more is left unmatched and counted"),
    # action
    FieldSpec("gl_account", "text", "", doc="GL account of the proposed new transaction"),
    FieldSpec("proposal_kind", "choice", "custom", PROPOSAL_KINDS, "kind of the proposed transaction"),
    FieldSpec("proposal_description", "text", "", doc="description of the proposed transaction"),
    FieldSpec("confidence", "confidence", Decimal("0.95"), doc="confidence of a clean match, 0..1"),
    # settlements, structured references, FX (settlements/ package, reference_rules.py, fx_rules.py)
    FieldSpec("settle_by", "choice", "counterparty", ("counterparty", "source", "reference"),
              "settlement: the ledger lines of one settlement share the counterparty the bank text names "
              "(card acquirer), or the source (journal) and booking day (collection, payment run, payroll), or "
              "(reference) an identifier the bank text quotes and the lines of one journal and day share (a run id)"),
    FieldSpec("settle_days", "int", 1, doc="settlement: most consecutive booking days one bank line settles "
                                           "(3: Friday to Sunday)"),
    FieldSpec("fee_rate_min", "rate", Decimal(0), doc="settlement: lowest fee as a fraction of the sales "
                                                      "(0.012 = 1.2%)"),
    FieldSpec("fee_rate_max", "rate", Decimal(0), doc="settlement: highest fee as a fraction of the sales"),
    FieldSpec("fee_per_item", "money", Decimal(0), doc="settlement: fixed fee per sale, in currency units"),
    FieldSpec("max_rejects", "int", 0, doc="settlement: items of a collection the bank may have rejected "
                                           "without the ledger saying so (0..3)"),
    FieldSpec("fx_tolerance", "rate", Decimal(0), doc="fx_difference: largest difference as a fraction of the "
                                                      "ledger amount (0.005 = 0.5%)"),
    # invoice lists and cash discounts (invoice_lists.py)
    FieldSpec("discount_rate_min", "rate", Decimal(0), doc="invoice_list: lowest cash discount as a fraction of "
                                                           "the invoices' sum (0.01 = 1%)"),
    FieldSpec("discount_rate_max", "rate", Decimal(0), doc="invoice_list: highest cash discount (0: exact sums "
                                                           "only)"),
    FieldSpec("discount_rounding", "money", Decimal(0), doc="invoice_list: a discounted payment may be rounded "
                                                            "by up to this, in currency units"),
    FieldSpec("discount_rate_step", "rate", Decimal("0.005"), doc="invoice_list: payment terms give discount rates "
                                                                  "in these steps (0.005: 1%, 1.5%, 2%...)"),
    # chance guard for pairs tied by amount and date only (chance_guard.py)
    FieldSpec("max_chance", "rate", Decimal(0), doc="1:1 pairs with no text evidence: held for review when the "
                                                    "other side's open lines would carry the amount in the window "
                                                    "by chance more often than this (expected lines; 0: no guard)"),
    # a cluster of equal candidates settled by its dates (date_assignment.py)
    FieldSpec("tie_by_dates", "bool", False, doc="1:1: equal candidates nothing in the texts tells apart are "
                                                 "matched when one pairing of their cluster keeps the dates "
                                                 "strictly closest (else held for review)"),
    # a settlement of any journal (euro world books: GL exports whose sources name no journal the rules know)
    FieldSpec("settle_min_items", "int", 1, doc="settlement: fewest ledger lines one settlement holds (2 or more: "
                                                "the rule may leave ledger_sources empty, any journal's booking "
                                                "day adding up exactly being the evidence)"),
)
RULE_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
_SPEC = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Rule:
    """One matching rule (see FIELDS for what each field means)."""

    name: str
    priority: int
    enabled: bool = True
    description: str = ""
    shape: str = "one_to_one"
    action: str = "match"
    bank_types: tuple[str, ...] = ()
    direction: str = "any"
    currencies: tuple[str, ...] = ()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    bank_text: tuple[str, ...] = ()
    bank_regex: str = ""
    ledger_sources: tuple[str, ...] = ()
    ledger_counterparty: tuple[str, ...] = ()
    ledger_regex: str = ""
    amount: str = "exact"
    amount_tolerance: Decimal = Decimal(0)
    fee_schedule: tuple[Decimal, ...] = ()
    fee_max: Decimal = Decimal("25.00")
    fee_gl_account: str = ""
    days_before: int = 0
    days_after: int = 0
    day_basis: str = "calendar"
    weekmask: str = "Mon Tue Wed Thu Fri"
    holidays: tuple[dt.date, ...] = ()
    reference: str = "ignore"
    reference_threshold: int = 90
    check_number: bool = False
    counterparty: str = "ignore"
    link: str = "prefer"
    max_group_size: int = 5
    max_candidates: int = 16
    gl_account: str = ""
    proposal_kind: str = "custom"
    proposal_description: str = ""
    confidence: Decimal = Decimal("0.95")
    settle_by: str = "counterparty"
    settle_days: int = 1
    fee_rate_min: Decimal = Decimal(0)
    fee_rate_max: Decimal = Decimal(0)
    fee_per_item: Decimal = Decimal(0)
    max_rejects: int = 0
    fx_tolerance: Decimal = Decimal(0)
    discount_rate_min: Decimal = Decimal(0)
    discount_rate_max: Decimal = Decimal(0)
    discount_rounding: Decimal = Decimal(0)
    discount_rate_step: Decimal = Decimal("0.005")
    max_chance: Decimal = Decimal(0)
    tie_by_dates: bool = False
    settle_min_items: int = 1


@dataclass(frozen=True)
class RuleSet:
    """Rules in the order they run (ascending priority, then name)."""

    rules: tuple[Rule, ...]

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def get(self, name: str) -> Rule:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)


# ---------------------------------------------------------------------------------------------- parsing
class _Bad(ValueError):
    """One field's value is wrong; the message says how."""


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN: an empty cell read through pandas
        return True
    return isinstance(value, str) and not value.strip()


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _as_list(value: object) -> list:
    if _is_blank(value):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if not _is_blank(v)]
    if isinstance(value, str):
        return [p.strip() for p in value.split(LIST_SEPARATOR) if p.strip()]
    return [value]


def _money(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _Bad(f"expected an amount, got {value!r}")
    if isinstance(value, float):
        value = repr(value)  # TOML floats and sheet numbers: the shortest decimal that round-trips
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _Bad(f"not an amount: {value!r}") from None
    if not d.is_finite():
        raise _Bad(f"not an amount: {value!r}")
    if d < 0:
        raise _Bad(f"must not be negative: {value!r}")
    return d


def _int(value: object) -> int:
    if isinstance(value, bool):
        raise _Bad(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    s = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", s):
        raise _Bad(f"expected a whole number, got {value!r}")
    return int(s)


def _date(value: object) -> dt.date:
    try:
        return parse_date(value, "iso")
    except ValueError:
        raise _Bad(f"not an ISO date (yyyy-mm-dd): {value!r}") from None


def parse_field(spec: FieldSpec, value: object):
    """One field from a TOML value or a sheet cell; blank means the default. Raises _Bad with the reason."""
    kind = spec.kind
    if kind not in ("texts", "choices", "moneys", "dates") and _is_blank(value):
        if spec.required:
            raise _Bad("is required")
        return spec.default
    if kind == "name":
        s = _as_text(value)
        if not _NAME.fullmatch(s):
            raise _Bad(f"{s!r} is not a rule name (letters, digits, _ and -, at most 64)")
        return s
    if kind == "int":
        return _int(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        s = _as_text(value).lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise _Bad(f"expected true or false, got {value!r}")
    if kind == "text":
        return _as_text(value)
    if kind == "choice":
        s = _as_text(value).lower()
        if s not in spec.choices:
            raise _Bad(f"{value!r} is not one of {', '.join(spec.choices)}")
        return s
    if kind == "choices":
        out = []
        for v in _as_list(value):
            s = _as_text(v).lower()
            if spec.name == "bank_types":  # the bank's own codes name types too (type_synonyms.toml)
                s = bank_types.known(s) or s
            if s not in spec.choices:
                raise _Bad(f"{v!r} is not one of {', '.join(spec.choices)}")
            out.append(s)
        return tuple(dict.fromkeys(out))
    if kind == "texts":
        return tuple(dict.fromkeys(_as_text(v) for v in _as_list(value)))
    if kind == "money":
        return _money(value)
    if kind == "moneys":
        return tuple(sorted(set(_money(v) for v in _as_list(value))))
    if kind == "dates":
        return tuple(sorted(set(_date(v) for v in _as_list(value))))
    if kind == "regex":
        s = _as_text(value)
        try:
            compile_user_pattern(s)
        except UnsafePattern as exc:
            raise _Bad(f"not a usable regular expression: {exc}") from None
        return s
    if kind in ("confidence", "rate"):
        d = _money(value)
        if d > 1:
            raise _Bad(f"must be between 0 and 1, got {value!r}")
        return d
    raise AssertionError(kind)  # pragma: no cover - the schema above lists every kind


def _cross_checks(r: Rule) -> list[tuple[str, str]]:
    """Checks across fields; (field, problem) for each."""
    out = []
    if r.action == "propose" and r.shape not in ("bank_only", "bank_pair"):
        out.append(("shape", "a propose rule needs shape bank_only or bank_pair"))
    if r.shape == "bank_only" and r.action != "propose":
        out.append(("action", "shape bank_only needs action propose"))
    if r.action == "propose" and not r.gl_account:
        out.append(("gl_account", "a propose rule needs the GL account of the new transaction"))
    if r.action == "suggest" and r.shape != "one_to_one":
        out.append(("shape", "a suggest rule needs shape one_to_one"))
    if r.amount == "fee_deducted":
        if r.fee_max <= 0:
            out.append(("fee_max", "amount fee_deducted needs a fee_max above zero (currency units)"))
        if any(f > r.fee_max for f in r.fee_schedule):
            out.append(("fee_schedule", "a fee of the schedule is above fee_max"))
        if not r.fee_gl_account:
            out.append(("fee_gl_account", "amount fee_deducted needs the GL account of the fee"))
        if any(f == 0 for f in r.fee_schedule):
            out.append(("fee_schedule", "fees must be greater than zero"))
    if r.link == "booking_day" and (r.shape != "one_bank_to_many_ledger" or r.amount != "exact"):
        out.append(("link", "link booking_day needs shape one_bank_to_many_ledger and amount exact"))
    if r.amount == "tolerance" and r.amount_tolerance <= 0:
        out.append(("amount_tolerance", "amount tolerance needs a tolerance above zero (currency units)"))
    if r.amount == "transposition" and r.action != "suggest":
        out.append(("action", "transposed digits are never auto-matched: use action suggest"))
    if r.shape in ("bank_pair", "bank_only") and r.amount != "exact":
        out.append(("amount", f"shape {r.shape} needs amount exact"))
    if not 1 <= r.reference_threshold <= 100:
        out.append(("reference_threshold", "must be between 1 and 100"))
    if r.amount_min is not None and r.amount_max is not None and r.amount_min > r.amount_max:
        out.append(("amount_max", "amount_max is below amount_min"))
    for name in ("days_before", "days_after"):
        if not 0 <= getattr(r, name) <= MAX_WINDOW_DAYS:
            out.append((name, f"must be between 0 and {MAX_WINDOW_DAYS}"))
    if not 2 <= r.max_group_size <= MAX_GROUP_SIZE:
        out.append(("max_group_size", f"must be between 2 and {MAX_GROUP_SIZE}"))
    if not 2 <= r.max_candidates <= MAX_CANDIDATES:
        out.append(("max_candidates", f"must be between 2 and {MAX_CANDIDATES}"))
    try:
        np.busdaycalendar(weekmask=r.weekmask, holidays=list(r.holidays))
    except ValueError:
        out.append(("weekmask", f"not a week mask: {r.weekmask!r} (e.g. 'Mon Tue Wed Thu Fri')"))
    return out + shape_checks(r)


def build_rules(records: Iterable[tuple[Mapping[str, object], int | None, str | None]],
                source: str | None, cls=RulesError) -> RuleSet:
    """Rules from raw records (values as in TOML or in sheet cells), each with its row number (or None)
    and a label used when the rule has no usable name. Every problem is reported at once."""
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: dict[str, int | str] = {}
    for raw, row, label in records:
        name = _as_text(raw.get("name", "")) if not _is_blank(raw.get("name")) else ""
        where = name or label
        values, bad = {}, False
        for key in raw:
            if key not in _SPEC:
                problems.append(Problem(f"unknown field {key!r}", line=row, field=key, record=where))
        for spec in FIELDS:
            try:
                values[spec.name] = parse_field(spec, raw.get(spec.name))
            except _Bad as exc:
                problems.append(Problem(f"{spec.name} {exc}", line=row, field=spec.name, record=where))
                bad = True
        if bad:
            continue
        rule = Rule(**values)
        cross = _cross_checks(rule)
        for fname, msg in cross:
            problems.append(Problem(msg, line=row, field=fname, record=rule.name))
        if rule.name in seen:
            problems.append(Problem(f"rule name {rule.name!r} is used twice", line=row, field="name",
                                    record=rule.name))
            continue
        seen[rule.name] = row if row is not None else rule.name
        if not cross:
            rules.append(rule)
    if problems:
        raise cls(source, problems)
    return RuleSet(tuple(sorted(rules, key=lambda r: (r.priority, r.name))))


def rule_values(rule: Rule) -> dict[str, object]:
    """The rule's fields as plain values in schema order (for TOML and rows)."""
    return {f.name: getattr(rule, f.name) for f in fields(rule)}
