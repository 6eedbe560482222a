"""A costly per-text value (a line's document numbers) kept across the engine's runs in this process.

Why: the auto-match job reads the document numbers of every open line, and the review's pair evidence, asked
for right after it, reads them again over the same texts (some 15 microseconds a text: about a second of CPU
for 20,000 lines a side, each time). The value is a pure function of the text (static vocabularies only), so
the text itself is the key and a kept value is the value the function would give. Bounded: past `limit` texts
the memo starts afresh (a month of 100,000 lines a side fits; the texts of older months are not kept)."""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from .two_cores import map_texts

_MISSING = object()


class TextMemo:
    """fn(text), each text computed once while kept; safe to share between the job and request threads."""

    def __init__(self, fn: Callable[[str], object], limit: int):
        self.fn = fn
        self.limit = limit
        self._kept: dict[str, object] = {}
        self._lock = threading.Lock()

    def many(self, texts: Sequence[str]) -> list:
        """[fn(t) for t in texts] (distinct texts expected); the new ones computed as map_texts does."""
        kept = self._kept
        out = [kept.get(t, _MISSING) for t in texts]
        todo = [k for k, v in enumerate(out) if v is _MISSING]
        if todo:
            made = map_texts(self.fn, [texts[k] for k in todo])
            for k, v in zip(todo, made):
                out[k] = v
            with self._lock:
                if len(self._kept) + len(todo) > self.limit:
                    self._kept = {}
                self._kept.update(zip((texts[k] for k in todo), made))
        return out

    def clear(self) -> None:
        with self._lock:
            self._kept = {}
