"""A lenient, fast reader for OFX markup: SGML (OFX 1.x, leaf tags never closed) and XML (OFX 2.x) alike.

Banks get OFX wrong in the same few ways: closing tags missing (for leaves always, by design of OFX 1.x; for
aggregates such as </STMTTRN> sometimes), lowercase tags, stray whitespace, CDATA sections. This reader builds
a small tree of aggregates and takes every tag followed by text as a leaf of the aggregate it sits in:

- a known aggregate (AGGREGATES, from the OFX 2.1 specification) always opens a node;
- an aggregate left open is closed by the closing tag of an outer one, or by reopening one of the same name
  (OFX never nests an aggregate in itself), or by the end of the file;
- an unknown tag followed by no text opens a tentative node: if its own closing tag ends it, it was a vendor
  aggregate (kept apart, so its leaves cannot overwrite the statement's) or an empty leaf (no content); if
  something else closes it, it was an empty SGML leaf, and what followed it is handed back to its parent;
- a leaf given twice in one aggregate keeps the first non-empty value and is reported in `duplicates` (for money and
  date fields that means a lost <STMTTRN> boundary, which the importer refuses).

A helper of ofx.py, not a format: it defines no IMPORTER.
"""
from __future__ import annotations

import re

AGGREGATES = frozenset({
    "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "MFACHALLENGERS",
    "SIGNUPMSGSRSV1", "ACCTINFOTRNRS", "ACCTINFORS", "ACCTINFO", "BANKACCTINFO", "CCACCTINFO",
    "BANKMSGSRSV1", "CREDITCARDMSGSRSV1", "INVSTMTMSGSRSV1",
    "STMTTRNRS", "STMTRS", "CCSTMTTRNRS", "CCSTMTRS", "STMTENDTRNRS", "STMTENDRS", "CCSTMTENDTRNRS",
    "CCSTMTENDRS", "CLOSING", "CCCLOSING",
    "BANKACCTFROM", "BANKACCTTO", "CCACCTFROM", "CCACCTTO", "EXTBANKACCTTO",
    "BANKTRANLIST", "BANKTRANLISTP", "STMTTRN", "STMTTRNP", "PAYEE", "CURRENCY", "ORIGCURRENCY",
    "IMAGEDATA", "REWARDINFO", "LEDGERBAL", "AVAILBAL", "BALLIST", "BAL", "INTRARS", "INTRATRNRS",
    "INVSTMTTRNRS", "INVSTMTRS", "INVTRANLIST", "INVBANKTRAN", "INVPOSLIST", "INVBAL", "INVACCTFROM",
})

MAX_DEPTH = 256  # real OFX nests about a dozen deep; deeper is garbage (and would make the reader quadratic)


class MarkupError(ValueError):
    """Markup no leniency can read; `offset` indexes tag_offsets() like Node.offset."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|nbsp|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}


class Node:
    """One aggregate: its leaves (name -> text), its child aggregates, where it starts (see parse), leaves given
    twice."""

    __slots__ = ("children", "duplicates", "fields", "name", "offset")

    def __init__(self, name: str, offset: int):
        self.name = name
        self.fields: dict[str, str] = {}
        self.children: list[Node] = []
        self.offset = offset
        self.duplicates: list[str] | None = None

    def find(self, name: str, stop: frozenset = frozenset()) -> Node | None:
        """The first aggregate called `name` below this one (depth first), not looking inside `stop` ones."""
        for child in self.children:
            if child.name == name:
                return child
            if child.name not in stop:
                found = child.find(name, stop)
                if found is not None:
                    return found
        return None

    def find_all(self, name: str, stop: frozenset = frozenset(), out: list | None = None) -> list[Node]:
        """Every aggregate called `name` below this one, in file order, not looking inside the ones found nor
        inside `stop` ones."""
        out = [] if out is None else out
        for child in self.children:
            if child.name == name:
                out.append(child)
            elif child.name not in stop:
                child.find_all(name, stop, out)
        return out


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name[0] != "#":
            return _NAMED[name]
        code = int(name[2:], base=16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)
    return _ENTITY.sub(one, text)


def _escape_cdata(m: re.Match) -> str:
    return m.group(1).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def prepare(text: str) -> str:
    """Comments out (their line breaks kept, so line numbers stay right), CDATA sections as escaped text."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if "<![CDATA[" in text:
        text = _CDATA.sub(_escape_cdata, text)
    return text


def _tag(raw: str) -> tuple[str, str]:
    """("open" | "close" | "empty" | "skip", NAME) for the text between "<" and ">"."""
    tag = raw.strip()
    if not tag or tag[0] in "!?":
        return "skip", ""
    if tag[0] == "/":
        return "close", tag[1:].strip().upper()
    if tag[-1] == "/":  # <MEMO/>
        name = tag[:-1].strip()
        return ("empty", name.split(None, 1)[0].upper()) if name else ("skip", "")
    return "open", tag.split(None, 1)[0].upper()


def parse(text: str) -> Node:
    """The tree of `text` (the markup from <OFX> on, after prepare()); raises only MarkupError (absurd nesting).

    Node.offset is the ordinal of the node's "<" among all "<" of `text` (see tag_offsets)."""
    root = Node("", -1)
    stack = [root]
    names: set[str] = set()  # names of the open nodes below the root (unique: reopening one closes it first)
    current = root
    aggregates = AGGREGATES
    tags: dict[str, tuple[str, str]] = {}  # raw tag text -> _tag(raw), as files repeat a few dozen tags
    last_leaf: tuple[Node, str] | None = None
    stray: list[str] = []  # text after each "<" inside last_leaf's value, joined once: adding each is quadratic
    for index, seg in enumerate(text.split("<")):
        if index == 0:
            continue
        gt = seg.find(">")
        if gt < 0:  # a "<" inside text: it belongs to the value before it
            if last_leaf is not None:
                stray.append(seg.strip())
            continue
        if stray:
            _append_stray(last_leaf, stray)
            stray = []
        raw = seg[:gt]
        kind_name = tags.get(raw)
        if kind_name is None:
            kind_name = tags[raw] = _tag(raw)
        kind, name = kind_name
        if kind == "open":
            value = seg[gt + 1:].strip()
            if value and name not in aggregates:
                if "&" in value:
                    value = _unescape(value)
                fields = current.fields
                old = fields.get(name)
                if not old:  # absent, or an empty leaf seen before
                    fields[name] = value
                    last_leaf = (current, name)
                    continue
                if old != value:
                    if current.duplicates is None:
                        current.duplicates = []
                    current.duplicates.append(name)
                last_leaf = None
                continue
            if name in names:  # reopening: close up to and including the open one of that name
                while True:
                    node = stack.pop()
                    names.discard(node.name)
                    _close(node, stack[-1], explicit=False)
                    if node.name == name:
                        break
                current = stack[-1]
            if len(stack) > MAX_DEPTH:
                raise MarkupError(f"aggregates nested more than {MAX_DEPTH} deep (at <{name}>)", index - 1)
            node = Node(name, index - 1)
            current.children.append(node)
            stack.append(node)
            names.add(name)
            current = node
            last_leaf = None
        elif kind == "empty":
            current.fields.setdefault(name, "")
            last_leaf = None
        elif kind == "close":
            if name in names:
                while True:
                    node = stack.pop()
                    names.discard(node.name)
                    if node.name == name:
                        _close(node, stack[-1], explicit=True)
                        break
                    _close(node, stack[-1], explicit=False)
                current = stack[-1]
            last_leaf = None
    if stray:
        _append_stray(last_leaf, stray)
    while len(stack) > 1:
        node = stack.pop()
        _close(node, stack[-1], explicit=False)
    return root


def _append_stray(leaf: tuple[Node, str], pieces: list[str]) -> None:
    """The text after stray "<"s back into the leaf value it interrupted, each "<" as " <"."""
    node, name = leaf
    node.fields[name] += "".join(" <" + piece for piece in pieces)


def tag_offsets(text: str) -> list[int]:
    """Character offset of every "<" in `text`: Node.offset indexes this list."""
    return [m.start() for m in re.finditer("<", text)]


def _close(node: Node, parent: Node, explicit: bool) -> None:
    """Settle a tentative (unknown) node once we know how it ended (see the module docstring)."""
    if node.name in AGGREGATES:
        return
    if explicit and (node.fields or node.children):
        return  # a vendor aggregate, closed by its own tag
    # an empty leaf: it becomes "" in the parent, and what we read after it belonged to the parent
    if parent.children and parent.children[-1] is node:
        parent.children.pop()
    parent.fields.setdefault(node.name, "")
    for key, value in node.fields.items():
        old = parent.fields.get(key)
        if not old:
            parent.fields[key] = value
        elif value and old != value:
            if parent.duplicates is None:
                parent.duplicates = []
            parent.duplicates.append(key)
    parent.children.extend(node.children)
    if node.duplicates:
        parent.duplicates = (parent.duplicates or []) + node.duplicates
