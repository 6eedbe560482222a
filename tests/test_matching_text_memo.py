"""The document numbers kept per text across engine runs (matching/text_memo.py): the same values as computing
them, each new text computed once, and the memo bounded."""
from __future__ import annotations

import numpy as np

from tieout.server.matching import frames
from tieout.server.matching.text import doc_numbers
from tieout.server.matching.text_memo import TextMemo


def test_kept_values_are_the_functions_and_each_text_is_computed_once():
    calls: list[str] = []

    def fn(text: str) -> frozenset[str]:
        calls.append(text)
        return doc_numbers(text)

    memo = TextMemo(fn, limit=100)
    texts = ["INV-0143572 ACME", "Rechnung Nr. 145", "no number here"]
    first = memo.many(texts)
    again = memo.many(["Rechnung Nr. 145", "Fattura 145/2024", "INV-0143572 ACME"])
    assert first == [frozenset({"143572"}), frozenset({"145"}), frozenset()]
    assert again == [frozenset({"145"}), frozenset({"145"}), frozenset({"143572"})]
    assert calls == texts + ["Fattura 145/2024"]


def test_past_its_limit_the_memo_starts_afresh():
    calls: list[str] = []
    memo = TextMemo(lambda t: calls.append(t) or len(t), limit=3)
    assert memo.many(["a", "bb", "ccc"]) == [1, 2, 3]
    assert memo.many(["dddd"]) == [4]  # a fourth text: the three are forgotten
    assert memo.many(["a", "dddd"]) == [1, 4]
    assert calls == ["a", "bb", "ccc", "dddd", "a"]


def test_the_engines_numbers_key_is_the_same_with_and_without_kept_values(monkeypatch):
    texts = np.array([f"ACH DEBIT VENDOR {i:06d} INV-{i * 7:07d}" for i in range(300)]
                     + ["RF18539007547034 payment", "+++090/9337/55493+++", ""] * 30, dtype=object)
    monkeypatch.setattr(frames, "_PLAIN_NUMBERS", TextMemo(frames.tx.doc_numbers, 1000))
    monkeypatch.setattr(frames, "_REFERENCE_NUMBERS", TextMemo(frames._reference_numbers, 1000))
    cold = frames._numbers(texts)
    warm = frames._numbers(texts)
    assert list(cold) == list(warm) == [doc_numbers(frames.references.as_numbers(t)) for t in texts]
