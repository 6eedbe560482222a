"""Data versions (issue 17): every change bumps the reconciliation's versions in its own transaction, the
listings and the review answer with ETags and 304 Not Modified while nothing they show changed, never with an
old answer after a change; the review is computed once per version (Submit's guard and the redraw after it
share one) in a memo of bounded size; the add-in re-reads only the listings whose ETag changed.
A real team server on loopback, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tieout.addin.client import Client
from tieout.addin.handlers.state import load_state
from tieout.server.store.memo import Memo

from test_review_server import _january, _team  # noqa: F401
from test_server_kit import db_url, home, live_team_server, pg_cluster  # noqa: F401 (fixtures)

LISTINGS = ("bank-lines", "gl-lines", "matches", "transactions", "review")


@pytest.fixture
def served(home, db_url):  # noqa: F811 (the kit's fixtures)
    with live_team_server(home, db_url) as (owner, app):
        owner.made = []
        yield owner, app
        for user in owner.made:
            user.session.close()


def _get(api, path: str, etag: str | None = None):
    """(status, ETag, answer) of a GET sent as `api`'s user, conditional when `etag` is given."""
    headers = {"Authorization": f"Bearer {api.token}", **({"If-None-Match": etag} if etag else {})}
    r = api.session.get(api.target + path, headers=headers, timeout=120)
    return r.status_code, r.headers.get("ETag"), (r.json() if r.content else None)


def _tags(api, base: str) -> dict[str, str]:
    out = {}
    for name in LISTINGS:
        status, tag, answer = _get(api, f"{base}/{name}")
        assert status == 200 and tag and answer is not None, (name, status)
        out[name] = tag
    return out


def _changed(api, base: str, tags: dict[str, str]) -> set[str]:
    """The listings whose answer is no longer the one their old ETag names (each answered 200 with a body);
    the others answer 304 without one."""
    changed = set()
    for name, tag in tags.items():
        status, new_tag, answer = _get(api, f"{base}/{name}", tag)
        if status == 304:
            assert new_tag == tag and answer is None
        else:
            assert status == 200 and new_tag != tag and answer is not None, (name, status)
            changed.add(name)
    return changed


def test_each_change_gives_new_answers_where_it_shows_and_304_elsewhere(served, tmp_path):
    owner, app = served
    users, acc, rid, base = _january(owner, tmp_path)
    alice = users["alice"]
    tags = _tags(alice, base)
    assert _changed(alice, base, tags) == set()  # nothing changed: all 304

    alice.ok("POST", base + "/gl-lines", {"lines": [{"line_id": "G20", "date": "2026-01-30", "amount": "12.00"}]})
    assert _changed(alice, base, tags) == {"gl-lines", "review"}
    assert "G20" in {ln["line_id"] for ln in _get(alice, f"{base}/gl-lines", tags["gl-lines"])[2]}

    tags = _tags(alice, base)
    alice.ok("PUT", f"{base}/unmatched/bank/B2", {"owner": "alice", "notes": "bank fee"})
    assert _changed(alice, base, tags) == {"bank-lines", "review"}
    b2 = {ln["line_id"]: ln for ln in _get(alice, f"{base}/bank-lines", tags["bank-lines"])[2]}["B2"]
    assert b2["notes"] == "bank fee"

    tags = _tags(alice, base)
    made = alice.ok("POST", base + "/matches", {"bank": ["B2"], "ledger": ["G20"], "reason": "fee",
                                                "allow_difference": True})
    assert _changed(alice, base, tags) == {"bank-lines", "gl-lines", "matches", "review"}
    keys = {m["key"] for m in _get(alice, f"{base}/matches", tags["matches"])[2]}
    assert made["key"] in keys

    tags = _tags(alice, base)
    alice.ok("POST", base + "/transactions", {"date": "2026-01-31", "amount": "-25.00", "kind": "cash entry",
                                              "gl_account": "6100", "description": "fee", "bank_line_id": "B2"})
    assert _changed(alice, base, tags) == {"transactions", "review"}

    tags = _tags(alice, base)  # the account's chart: the review checks new transactions' GL accounts against it
    alice.ok("PUT", f"/api/accounts/{acc}/chart", {"accounts": ["1010", "7000"]})
    assert _changed(alice, base, tags) == {"review"}

    tags = _tags(alice, base)
    status, tag, _ = _get(alice, f"{base}/matches?history=1", tags["matches"])
    assert status == 200 and tag != tags["matches"]  # another query is another answer


def test_submit_computes_the_review_once_and_the_reviewers_tick_shows_at_once(served, tmp_path):
    owner, app = served
    memo = app.extensions["tieout"].store.memo
    users, acc, rid, base = _january(owner, tmp_path)
    alice, bob = users["alice"], users["bob"]
    alice.ok("PUT", f"{base}/unmatched/ledger/G9", {"owner": "alice", "due_date": "2026-02-15"})
    before = memo.computed
    status, tag, review = _get(alice, f"{base}/review")
    assert memo.computed == before + 2  # the review, and its answer (JSON values)
    alice.ok("POST", f"{base}/workflow/submit", {})  # its guard (owned escalations) reads the same review
    status, again, after = _get(alice, f"{base}/review", tag)
    assert memo.computed == before + 2 and status == 304 and again == tag  # the status is no part of it
    status, again, after = _get(alice, f"{base}/review")
    assert memo.computed == before + 2 and after == review  # without an ETag: the answer kept

    bob.ok("PUT", f"{base}/review/unusual_matches", {"ticked": True, "comment": "seen"})
    status, new_tag, answer = _get(bob, f"{base}/review", tag)
    assert status == 200 and new_tag != tag
    assert {c["id"]: c["tick"] for c in answer["checks"]}["unusual_matches"]["comment"] == "seen"


def test_the_memo_keeps_at_most_its_size_least_recently_used_first():
    memo, made = Memo(size=2), []

    def value(k):
        return lambda: made.append(k) or f"v{k}"

    assert [memo.get(k, value(k)) for k in (1, 2, 1, 3)] == ["v1", "v2", "v1", "v3"]
    assert len(memo) == 2 and made == [1, 2, 3] and memo.computed == 3
    assert memo.get(1, value(1)) == "v1" and made == [1, 2, 3]  # 1 was used after 2: 2 went first
    assert memo.get(2, value(2)) == "v2" and made == [1, 2, 3, 2]


def test_the_addin_rereads_only_the_listings_that_changed(served, tmp_path):
    owner, app = served
    users, acc, rid, base = _january(owner, tmp_path)
    alice = users["alice"]
    client = Client(alice.target, token=alice.token, autostart=False)
    try:
        held: dict = {}
        first = load_state(client, rid, lazy=True, held=held)
        assert len(first.matches) == 2 and first.review["checks"]
        alice.ok("PUT", f"{base}/unmatched/ledger/G9", {"owner": "alice", "notes": "old check"})
        second = load_state(client, rid, lazy=True, held=held)
        assert second.bank is first.bank and second.txns is first.txns  # 304: the parsed rows kept
        assert second.ledger is not first.ledger and second.line("ledger", "G9").notes == "old check"
        assert second.matches[0] is first.matches[0]  # matches unchanged: 304
        assert second.review["checks"] is not first.review["checks"]  # the data changed: the review too
        third = load_state(client, rid, lazy=True, held=held)
        assert third.review["checks"] is second.review["checks"] and third.ledger is second.ledger
    finally:
        client.close()


def test_a_transaction_that_already_wrote_computes_afresh_and_keeps_nothing(served, tmp_path):
    from sqlalchemy import select

    from tieout.server.review import cache
    from tieout.server.services import recs
    from tieout.server.store.models import GLLineRow

    owner, app = served
    store = app.extensions["tieout"].store
    users, acc, rid, base = _january(owner, tmp_path)
    status, tag, _ = _get(users["alice"], f"{base}/review")
    kept = store.memo.computed
    with store.write() as session:
        row = session.scalar(select(GLLineRow).where(GLLineRow.reconciliation_id == rid, GLLineRow.line_id == "G9"))
        row.owner = "dave"
        inside = cache.review(session, recs.get(session, rid))  # sees its own uncommitted owner
        assert store.memo.computed == kept  # computed, not kept: no committed version holds it
    assert {e.line_id: e.owner for e in inside.escalations}["G9"] == "dave"
    status, new_tag, answer = _get(users["alice"], f"{base}/review", tag)
    assert status == 200 and new_tag != tag and store.memo.computed == kept + 2  # the review and its answer
