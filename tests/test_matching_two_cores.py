"""Document numbers read on two cores (server/matching/two_cores.py) give the answers of one core, in order."""
from __future__ import annotations

import os

from books_data import generate_books

from tieout.server.matching import match_frames, two_cores
from tieout.server.matching.text import doc_numbers

TEXTS = ["CREDIT REF INV1519641", "Rechnung Nr. 145 RE 146 U. 151", "RE-2024-0145", "CHECK 45625", "DEPOSIT",
         "IBAN DE89370400440532013000 RE 12", "Facture n° F24/0145", ""] * 40


def _forking(monkeypatch, smallest: int) -> None:
    """The worker is used from `smallest` texts on, in this test process too (pytest's own threads are idle)."""
    monkeypatch.setattr(two_cores, "PARALLEL_MIN", smallest)
    monkeypatch.setattr(two_cores, "fork_is_safe", lambda: True)


def test_worker_answers_equal_and_in_order(monkeypatch):
    _forking(monkeypatch, 10)
    texts = [f"{t} {k}" for k, t in enumerate(TEXTS)]
    parent = os.getpid()
    got = two_cores.map_texts(lambda t: (doc_numbers(t), os.getpid() == parent), texts)
    assert [n for n, _ in got] == [doc_numbers(t) for t in texts]
    half = len(texts) // 2
    assert [here for _, here in got] == [True] * half + [False] * (len(texts) - half)  # the worker did its half


def _only_here(parent: int):
    def read(text: str):
        if os.getpid() != parent:
            raise RuntimeError("the worker fails")
        return doc_numbers(text)
    return read


def test_a_failing_worker_leaves_its_half_to_this_process(monkeypatch):
    _forking(monkeypatch, 10)
    assert two_cores.map_texts(_only_here(os.getpid()), TEXTS) == [doc_numbers(t) for t in TEXTS]


def test_match_on_two_cores_equals_one_core(monkeypatch):
    data = generate_books(1500, seed=11)
    one = match_frames(data.bank, data.ledger).member_rows("matched", with_reason=True)
    _forking(monkeypatch, 100)
    two = match_frames(data.bank, data.ledger).member_rows("matched", with_reason=True)
    assert len(one) > 1000
    assert two.equals(one)


def test_threads_or_few_texts_stay_in_this_process(monkeypatch):
    monkeypatch.setattr(two_cores, "PARALLEL_MIN", 10**9)
    parent = os.getpid()
    assert two_cores.map_texts(_only_here(parent), TEXTS) == [doc_numbers(t) for t in TEXTS]
