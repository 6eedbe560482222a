"""Accept Matches at a full sheet (issue 17): accepting proposed matches changes who accepted them and when,
which the matches listing shows and the review does not (no check reads acceptance). So the accept bumps the
matches listing's version only: the review answer keeps its ETag and is neither computed nor built again, while
an undo (which the review does see) still gives a new one. A real server on loopback, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from test_server_data_versions import _changed, _get, _tags  # noqa: F401
from test_server_kit import db_url, home, pg_cluster  # noqa: F401 (fixtures)
from test_server_match_acceptance import auto, make_rec, matches, server  # noqa: F401 (fixture)
from tieout.server.services import matches as match_service


@pytest.mark.parametrize("in_chunks", [True, False])
def test_accepting_keeps_the_review_and_an_undo_changes_it(server, tmp_path, monkeypatch, in_chunks):
    owner, app = server
    store = app.extensions["tieout"].store
    users, rid = make_rec(owner, tmp_path)
    alice = users["alice"]
    base = f"/api/reconciliations/{rid}"
    auto(alice, rid)
    proposed = sorted(k for k, m in matches(alice, rid).items() if m["state"] == "proposed")
    assert len(proposed) >= 2
    if in_chunks:
        monkeypatch.setattr(match_service, "IN_CHUNK", 1)  # one UPDATE per key, not the one-statement path
    tags = _tags(alice, base)
    review_before = _get(alice, f"{base}/review")[2]
    computed = store.memo.computed
    alice.ok("POST", f"{base}/matches/accept", {"keys": proposed[:-1]} if in_chunks else {})
    assert _changed(alice, base, tags) == {"matches"}
    assert store.memo.computed == computed  # neither the review nor its answer computed again
    assert _get(alice, f"{base}/review")[2] == review_before
    listed = matches(alice, rid)
    accepted = proposed[:-1] if in_chunks else proposed
    assert all(listed[k]["state"] == "accepted" and listed[k]["accepted_by"] == "alice" for k in accepted)

    tags = _tags(alice, base)
    alice.ok("POST", f"{base}/matches/{proposed[0]}/undo", {"reason": "wrong pair"})
    assert {"matches", "review"} <= _changed(alice, base, tags)
    assert store.memo.computed > computed
