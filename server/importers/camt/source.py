"""The bytes lxml parses for a camt.053 file: as written, or with the root's default namespace declaration blanked.

Why: for every element Python looks at, lxml builds its tag anew as "{urn:iso:std:iso:20022:tech:xsd:camt.053.
001.08}Amt" (two UTF-8 decodes and a format), and the lookup then hashes those ~55 characters; on the benchmark
that was a sixth of the import's instructions, and blanking saves about a tenth of them. A file in which the camt namespace is the default one declared on the
root element, and which declares no other default namespace and no prefix for the camt one anywhere, has every
unprefixed element in the camt namespace and no element in no namespace; blanking that one declaration (spaces
of the same length, so lines and columns stay) gives the same tree with every camt tag without its namespace,
which camt053 then reads with tags without one ("Amt"). Anything else is parsed as written: other encodings
than ASCII-compatible ones, a prefixed root, a DOCTYPE, a root start tag this module cannot read strictly, and
any "xmlns" in the file outside the root start tag (found while streaming; the reader then starts over on the
file as written, see NamespaceSurprise). A helper of camt.reader.
"""
from __future__ import annotations

import re
from pathlib import Path

# Encodings in which b"xmlns" can only be the five ASCII letters, so that counting the bytes counts the word.
_ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso-8859-15",
                     "windows-1252", "cp1252"}
_DECLARATION = re.compile(rb"""<\?xml(?:\s+[A-Za-z]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*\s*\?>""")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_MISC = re.compile(rb"""(?:\s|<!--(?:[^-]|-(?!-))*-->|<\?(?!xml[\s?])[A-Za-z_][^?]*(?:\?(?!>)[^?]*)*\?>)*""")
_ROOT = re.compile(rb"""<([A-Za-z_][A-Za-z0-9_.\-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*\s*=\s*"""
                   rb"""(?:"[^"<&]*"|'[^'<&]*'))*)\s*/?>""")
_ATTRIBUTE = re.compile(rb"""\s+([A-Za-z_:][A-Za-z0-9_.:\-]*)\s*=\s*(?:"([^"<&]*)"|'([^'<&]*)')""")
_WORD = b"xmlns"


class NamespaceSurprise(Exception):
    """An "xmlns" turned up outside the root start tag: the file must be parsed as written."""


def blankable_declaration(head: bytes, namespace: str) -> tuple[int, int, int] | None:
    """(start, end, xmlns count of the root start tag) of the root's default declaration of `namespace`, when
    blanking it keeps the meaning of every element (see the module's docstring); None otherwise."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    declaration = _DECLARATION.match(head, pos)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).decode("ascii").lower() not in _ASCII_COMPATIBLE:
            return None
        pos = declaration.end()
    elif head[pos:pos + 5] == b"<?xml" or head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        return None  # an XML declaration this module cannot read, or UTF-16/32
    pos = _MISC.match(head, pos).end()
    root = _ROOT.match(head, pos)
    if root is None:
        return None  # a DOCTYPE, a prefixed root, or a start tag not read strictly here: parse as written
    found = None
    uri = namespace.encode("ascii", errors="replace")
    for attribute in _ATTRIBUTE.finditer(root.group(2)):
        name, value = attribute.group(1), attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        if name == b"xmlns":
            if found is not None or value != uri:
                return None
            found = (root.start(2) + attribute.start(), root.start(2) + attribute.end())
        elif name.startswith(b"xmlns:") and value == uri:
            return None  # a prefix for the camt namespace: prefixed elements would keep it
    if found is None:
        return None
    return found[0], found[1], root.group().count(_WORD)


class BlankedSource:
    """The file, read by lxml through read(), with bytes [start, end) turned into spaces (line breaks kept);
    raises NamespaceSurprise as soon as the file holds more "xmlns" than the root start tag did."""

    def __init__(self, path: Path, start: int, end: int, expected: int):
        self.name = str(path)  # what lxml records as the document's URL, as when it opens the file itself
        self._file = path.open("rb")
        self._start, self._end, self._expected = start, end, expected
        self._pos = 0
        self._seen = 0
        self._carry = b""  # the last 4 bytes read so far: an "xmlns" may straddle chunks

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        if not data:
            return data
        self._seen += data.count(_WORD) + (self._carry + data[:len(_WORD) - 1]).count(_WORD)
        if self._seen > self._expected:
            raise NamespaceSurprise
        self._carry = (self._carry + data[-(len(_WORD) - 1):])[-(len(_WORD) - 1):]
        pos, self._pos = self._pos, self._pos + len(data)
        if pos < self._end and self._pos > self._start:  # this chunk holds (part of) the declaration
            a, b = max(self._start - pos, 0), min(self._end - pos, len(data))
            data = data[:a] + re.sub(rb"[^\r\n]", b" ", data[a:b]) + data[b:]
        return data

    def close(self) -> None:
        self._file.close()
