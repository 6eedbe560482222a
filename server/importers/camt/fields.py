"""Which elements of a camt entry (Ntry; alike in camt.052, .053, .054) feed which canonical field, as data, and the
walk that reads them.

ENTRY is a map of the entry's element tree: a name maps to the field its text fills (a string), to the map of
its children (a dict), or to a Leaf/Detail rule. Every version's shape is listed side by side (Sts text up to
.001.08 and Sts/Cd later; party names in Dbtr/Nm up to .001.07 and Dbtr/Pty/Nm from .001.08; a detail's amount in
AmtDtls/TxAmt in .001.02 and TxDtls/Amt later), so one pass reads them all; elements in branches not named here
are passed over unread. Measured with lxml: one find() per field took over twice as long as a recursive walk of
the map, one compiled XPath per entry and detail 1.4x, XSLT over chunks of entries about the same (concat()
XPaths and template-matching stylesheets both), and the flat pass below ~5% fewer instructions than the walk;
per element, most of the cost is lxml's own: a proxy object and a new "{namespace}name" tag string for Python
(hence camt.source, which lets it hand out "Amt"). That cost is why camt.walk reads the same map in compiled
code, ~7x faster; EntryReader stays as the reference the tests hold it to, and as the reader when it is not built.
A helper of camt.reader.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Leaf:
    """An element whose text fills `name` (first non-empty wins, or all joined with `join`), whose attributes
    fill other fields, and whose children (if any) are walked with `children`."""

    name: str
    attributes: dict = field(default_factory=dict)
    join: str | None = None
    children: dict | None = None


@dataclass(frozen=True)
class Detail:
    """A transaction detail (TxDtls): its fields go to a dict of their own, one per TxDtls."""

    children: dict


_CODES = {"Domn": {"Cd": "domain", "Fmly": {"Cd": "family", "SubFmlyCd": "subfamily"}},
          "Prtry": {"Cd": "proprietary"}}
_DETAIL_CODES = {"Domn": {"Cd": "detail_domain", "Fmly": {"Cd": "detail_family", "SubFmlyCd": "detail_subfamily"}},
                 "Prtry": {"Cd": "detail_proprietary"}}

DETAIL = Detail({
    "Refs": {"EndToEndId": "end_to_end", "AcctSvcrRef": "detail_servicer_ref", "ChqNb": "check_number"},
    "Amt": Leaf("detail_amount", {"Ccy": "detail_currency"}),
    "AmtDtls": {"TxAmt": {"Amt": Leaf("detail_amount", {"Ccy": "detail_currency"})}},
    "CdtDbtInd": "detail_direction",
    "BkTxCd": _DETAIL_CODES,
    "RltdPties": {"Dbtr": {"Nm": "debtor", "Pty": {"Nm": "debtor"}},
                  "Cdtr": {"Nm": "creditor", "Pty": {"Nm": "creditor"}}},
    "RmtInf": {"Ustrd": Leaf("unstructured", join=" "), "Strd": {"CdtrRefInf": {"Ref": "structured_ref"}}},
    "AddtlTxInf": "detail_info",
})

ENTRY = {
    "NtryRef": "entry_ref",
    "Amt": Leaf("amount", {"Ccy": "currency"}),
    "CdtDbtInd": "direction",
    "RvslInd": "reversal",
    "Sts": Leaf("status", children={"Cd": "status", "Prtry": "status"}),
    "BookgDt": {"Dt": "booking_date", "DtTm": "booking_date"},
    "ValDt": {"Dt": "value_date", "DtTm": "value_date"},
    "AcctSvcrRef": "servicer_ref",
    "BkTxCd": _CODES,
    "NtryDtls": {"Btch": {"MsgId": "batch_message_id", "PmtInfId": "batch_payment_id", "NbOfTxs": "batch_count"},
                 "TxDtls": DETAIL},
    "AddtlNtryInf": "info",
}


def _names(spec: dict, out: set) -> set:
    for rule in spec.values():
        if isinstance(rule, str):
            out.add(rule)
        elif isinstance(rule, dict):
            _names(rule, out)
        elif isinstance(rule, Leaf):
            out.add(rule.name)
            out.update(rule.attributes.values())
            if rule.children:
                _names(rule.children, out)
    return out


ENTRY_NAMES = tuple(sorted(_names(ENTRY, set())))
DETAIL_NAMES = tuple(sorted(_names(DETAIL.children, set())))


def tag_of(name: str, ns: str) -> str:
    """The tag lxml reports for element `name` in namespace `ns` ("" for no namespace)."""
    return f"{{{ns}}}{name}" if ns else name


# Compiled rules: (kind, field name, children's rules or None, attributes as (attribute, field) pairs, join).
_GROUP, _FIELD, _LEAF, _DETAIL = 0, 1, 2, 3


def rule_table(spec: dict) -> tuple:
    """The map as nested tuples (name, kind, field, children's table or None, attributes, join): one rule per
    element name, in the form both readers compile."""
    out = []
    for name, rule in spec.items():
        if isinstance(rule, str):
            out.append((name, _FIELD, rule, None, (), None))
        elif isinstance(rule, dict):
            out.append((name, _GROUP, "", rule_table(rule), (), None))
        elif isinstance(rule, Leaf):
            out.append((name, _LEAF, rule.name, rule_table(rule.children) if rule.children else None,
                        tuple(rule.attributes.items()), rule.join))
        else:
            out.append((name, _DETAIL, "", rule_table(rule.children), (), None))
    return tuple(out)


ENTRY_TABLE = rule_table(ENTRY)


def _compile(table: tuple, ns: str) -> dict:
    """The table keyed by the tags lxml reports, each rule a flat tuple (cheaper to test than a class)."""
    return {tag_of(name, ns): (kind, field, _compile(sub, ns) if sub is not None else None, attributes, join)
            for name, kind, field, sub, attributes, join in table}


class EntryReader:
    """entry element -> (entry fields, [fields of each TxDtls]); every value a stripped string ("" if absent).

    One flat pass over the entry's descendants in document order (lxml's iter(), which makes no Python call per
    level), keeping the tree's shape with each element's child count: the element after the last child of X is
    X's next sibling. What each element means is looked up in the compiled map of its parent; the subtree of an
    element the map does not name is passed over without reading its tags. Same result as walking the map
    recursively (first non-empty text wins, Ustrd joined), without a Python call and a child iterator per level."""

    def __init__(self, ns: str):
        self.spec = _compile(ENTRY_TABLE, ns)
        self.empty_entry = dict.fromkeys(ENTRY_NAMES, "")
        self.empty_detail = dict.fromkeys(DETAIL_NAMES, "")

    def __call__(self, el) -> tuple[dict[str, str], list[dict[str, str]]]:
        fields = out = self.empty_entry.copy()
        details: list[dict[str, str]] = []
        spec = self.spec  # the rules for the children of the element being read (None: a subtree passed over)
        left = len(el)  # how many of that element's children are still to come
        stack = []  # (spec, out, left) of the elements above it
        nodes = el.iter()
        next(nodes)  # the entry itself
        for child in nodes:
            while not left:
                spec, out, left = stack.pop()
            left -= 1
            n = len(child)
            if spec is not None:
                rule = spec.get(child.tag)
                if rule is not None:
                    kind, name, sub, attributes, join = rule
                    if kind == _FIELD:
                        if not out[name]:
                            text = child.text
                            if text:
                                out[name] = text.strip()
                    elif kind == _LEAF:
                        text = child.text
                        if text:
                            text = text.strip()
                            if text:
                                if not out[name]:
                                    out[name] = text
                                elif join is not None:
                                    out[name] += join + text
                        for attribute, target in attributes:
                            if not out[target]:
                                out[target] = (child.get(attribute) or "").strip()
                    elif kind == _DETAIL:
                        detail = self.empty_detail.copy()
                        details.append(detail)
                        if n:
                            stack.append((spec, out, left))
                            spec, out, left = sub, detail, n
                        continue
                    if n:
                        stack.append((spec, out, left))
                        spec, left = sub, n
                    continue
            if n:  # a subtree to pass over
                stack.append((spec, out, left))
                spec, left = None, n
        return fields, details


def entry_reader(ns: str):
    """The compiled reader (camt.walk) when it is built, else EntryReader: the same answers, ~10x faster."""
    try:
        from .walk import CompiledEntryReader
    except ImportError:  # not built (no C compiler at install): the reference reader
        return EntryReader(ns)
    return CompiledEntryReader(ENTRY_TABLE, ns, ENTRY_NAMES, DETAIL_NAMES)
