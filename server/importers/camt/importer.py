"""One camt message as a Tieout format: found by content (its namespace, else its message element), read by
reader."""
from __future__ import annotations

import re
from pathlib import Path

from ...records import ImportResult
from ..base import ImportOptions
from .messages import Message
from .reader import Reader
from .source import NamespaceSurprise

_ATTRIBUTE_VALUE = rb"""\s*=\s*["']([^"'<>]*)["']"""


class CamtImporter:
    """A camt message's files, e.g. camt.052 by urn:iso:std:iso:20022:tech:xsd:camt.052.* (any version)."""

    priority = 10

    def __init__(self, message: Message):
        self.message = message
        self.name = message.name
        prefix = re.escape(message.namespace_prefix.encode())
        self._namespace = re.compile(rb"""xmlns(?::[\w.\-]+)?\s*=\s*["'](""" + prefix + rb"""[A-Za-z0-9._\-]*)["']""")
        self._element = re.compile(rb"<(?:([\w.\-]+):)?" + re.escape(message.document.encode()) + rb"[\s>/]")

    def identify(self, path: Path, head: bytes) -> bool:
        return self.namespace(head) is not None

    def namespace(self, head: bytes) -> str | None:
        """The namespace of the message's elements: its camt.NNN namespace (any version) when the file declares
        one; else, for a file whose message element is there without it, the namespace that element is in ("" for
        none). None: not this message."""
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        m = self._namespace.search(head)
        if m:
            return m.group(1).decode("ascii", errors="replace")
        element = self._element.search(head)
        if element is None or re.search(rb"camt\.\d{3}\.", head[:element.start()]):
            return None  # not this message, or another camt message's namespace
        prefix = element.group(1)
        start_tag_end = head.find(b">", element.end() - 1) + 1 or len(head)
        declared = re.findall(rb"xmlns" + (b":" + re.escape(prefix) if prefix else b"") + _ATTRIBUTE_VALUE,
                              head[:start_tag_end])
        if prefix and not declared:
            return None
        return declared[-1].decode("utf-8", errors="replace") if declared else ""

    def extract(self, path: Path, options: ImportOptions) -> ImportResult:
        path = Path(path)
        try:
            return Reader(self, path, options).read()
        except NamespaceSurprise:  # a namespace declaration past the root: read the file as written
            return Reader(self, path, options, blank_namespace=False).read()
