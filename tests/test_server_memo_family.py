"""The server keeps one version of each answer and review (store/memo.py families): a newer version replaces the
older at once instead of both being held until they age out (at 100,000 lines each held hundreds of MB)."""
from __future__ import annotations

from test_review_server import _january, _team  # noqa: F401
from test_server_data_versions import served  # noqa: F401 (fixture)
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)
from tieout.server.store.memo import Memo


def test_a_newer_entry_of_a_family_replaces_the_older_and_leaves_other_families():
    memo = Memo(size=8)
    memo.get(("review", 1, "v1"), lambda: "r1v1", family=("review", 1))
    memo.get(("review", 2, "v1"), lambda: "r2v1", family=("review", 2))
    memo.get("plain", lambda: "kept")
    assert memo.get(("review", 1, "v2"), lambda: "r1v2", family=("review", 1)) == "r1v2"
    assert len(memo) == 3  # review 1 at v1 went; review 2 and the entry without a family stay
    assert memo.get(("review", 2, "v1"), lambda: "again") == "r2v1"
    assert memo.get(("review", 1, "v1"), lambda: "recomputed", family=("review", 1)) == "recomputed"
    assert memo.get(("review", 1, "v2"), lambda: "r1v2 again", family=("review", 1)) == "r1v2 again"


def test_the_server_holds_one_answer_per_listing_and_one_review_per_reconciliation(served, tmp_path):
    owner, app = served
    store = app.extensions["tieout"].store
    users, acc, rid, base = _january(owner, tmp_path)
    alice = users["alice"]
    for name in ("bank-lines", "review"):
        alice.ok("GET", f"{base}/{name}")
    answers, reviews = len(store.answers), len(store.memo)
    for note in ("bank fee", "bank fee, confirmed", "bank fee, booked"):  # three new versions of both
        alice.ok("PUT", f"{base}/unmatched/bank/B2", {"owner": "alice", "notes": note})
        for name in ("bank-lines", "review"):
            alice.ok("GET", f"{base}/{name}")
    assert len(store.answers) == answers and len(store.memo) == reviews
    assert alice.ok("GET", f"{base}/bank-lines")[0]["line_id"]


def test_the_summary_sums_split_the_unmatched_lines_by_side_and_sign(served, tmp_path):
    owner, app = served
    users, acc, rid, base = _january(owner, tmp_path)
    alice = users["alice"]
    sums = alice.ok("GET", f"{base}/summary-sums")
    # open: the bank fee B2 (-25.00) and the old check G9 (-40.00); B1=G1 and B3=G3 are matched by hand
    assert sums == {"deposits_in_transit": "0.00", "outstanding_payments": "-40.00",
                    "bank_credits_not_in_gl": "0.00", "bank_debits_not_in_gl": "-25.00", "proposed_matches": 0}
    alice.ok("POST", base + "/gl-lines", {"lines": [{"line_id": "G20", "date": "2026-01-30", "amount": "310.55",
                                                     "description": "deposit in transit"}]})
    assert alice.ok("GET", f"{base}/summary-sums")["deposits_in_transit"] == "310.55"
