"""Statement findings kept with the statement: stored at import (records.Finding, from the importers and
statement_checks), listed, and acknowledged by the preparer with a comment. Submit is refused while one is
open (review.py): a statement whose figures disagree may still be reconciled, but someone must say why, and
that comment is signed off with the rest (audit trail, submitted hash)."""
from __future__ import annotations

import json

from sqlalchemy import select

from ..records import Finding
from ..store.models import StatementFinding, StatementRow, User
from ..controls.workflow import Refusal
from . import recs, values
from .context import Change, bad_input, now, utc_iso

COMMENT_MAX = 2000


def store(ch: Change, rec_id: int, row: StatementRow, found: tuple[Finding, ...], origin: str = "import") -> list:
    """One StatementFinding per finding of the statement stored as `row`."""
    made = [StatementFinding(reconciliation_id=rec_id, statement_id=row.id, statement_ref=f.statement[:200],
                             code=f.code[:40], message=f.message, figures=json.dumps([list(p) for p in f.figures]),
                             origin=origin, comment="") for f in found]
    ch.session.add_all(made)
    ch.session.flush()
    return made


def as_dict(f: StatementFinding, names: dict[int, str]) -> dict:
    return {"id": f.id, "statement": f.statement_id, "statement_ref": f.statement_ref, "code": f.code,
            "message": f.message, "figures": {k: v for k, v in json.loads(f.figures or "[]")},
            "origin": f.origin, "state": "acknowledged" if f.acknowledged_at else "open",
            "acknowledged_by": names.get(f.acknowledged_by), "acknowledged_at": utc_iso(f.acknowledged_at),
            "comment": f.comment}


def _rows(session, rec_id: int) -> list[StatementFinding]:
    return list(session.scalars(select(StatementFinding).where(StatementFinding.reconciliation_id == rec_id)
                                .order_by(StatementFinding.id)))


def user_names(session) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.name)).all())


def listing(session, rec_id: int) -> list[dict]:
    names = user_names(session)
    return [as_dict(f, names) for f in _rows(session, rec_id)]


def open_findings(session, rec_id: int) -> list[StatementFinding]:
    return [f for f in _rows(session, rec_id) if f.acknowledged_at is None]


def check_acknowledged(session, rec_id: int) -> None:
    """Refuse Submit while a finding of the reconciliation's statements is not acknowledged."""
    waiting = open_findings(session, rec_id)
    if waiting:
        shown = "; ".join(f"#{f.id} {f.code} (statement {f.statement_ref or f.statement_id}): {f.message}"
                          for f in waiting[:5]) + (" ..." if len(waiting) > 5 else "")
        raise Refusal("unacknowledged_findings",
                      f"{len(waiting)} statement finding{'s are' if len(waiting) > 1 else ' is'} not acknowledged: "
                      f"{shown}. Acknowledge each with a comment saying why the reconciliation stands (Summary's "
                      "findings, Acknowledge Findings, or POST findings/acknowledge), then submit again", 409)


def acknowledge(ch: Change, rec_id: int, data: dict) -> dict:
    """{"comment": "...", "ids": [...]} (ids absent: every open finding). A comment is required. Acknowledging
    again (In Progress) replaces the comment; the audit row keeps both."""
    rec = recs.for_change(ch, rec_id, "findings")
    comment = values.text(data, "comment", max_len=COMMENT_MAX)
    if not comment:
        raise Refusal("comment_required", "acknowledging a finding needs a comment saying why the reconciliation "
                                          "stands despite it", 400)
    rows = {f.id: f for f in _rows(ch.session, rec.id)}
    ids = data.get("ids")
    if ids is None:
        todo = [f for f in rows.values() if f.acknowledged_at is None]
    else:
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise bad_input("field 'ids': must be a list of finding ids (numbers), or left out for every open one")
        missing = [i for i in ids if i not in rows]
        if missing:
            raise Refusal("not_found", f"finding(s) {', '.join(map(str, missing[:20]))} not found in reconciliation "
                                       f"{rec.id}", 404)
        todo = [rows[i] for i in dict.fromkeys(ids)]
    stamp = now()
    before = [{"id": f.id, "acknowledged_by": f.acknowledged_by and ch.session.get(User, f.acknowledged_by).name,
               "acknowledged_at": utc_iso(f.acknowledged_at), "comment": f.comment} for f in todo]
    for f in todo:
        f.acknowledged_by, f.acknowledged_at, f.comment = ch.actor.id, stamp, comment
    done = [f.id for f in todo]
    if done:
        ch.audit("finding.acknowledge", "reconciliation", rec.id, {"findings": before},
                 {"findings": [{"id": f.id, "code": f.code, "statement": f.statement_ref or f.statement_id,
                                "message": f.message} for f in todo],
                  "acknowledged_by": ch.actor.name, "acknowledged_at": utc_iso(stamp), "comment": comment}, rec.id)
    return {"acknowledged": done, "count": len(done), "acknowledged_by": ch.actor.name,
            "acknowledged_at": utc_iso(stamp) if done else None, "comment": comment}


def by_statement(session, rec_id: int) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for f in listing(session, rec_id):
        out.setdefault(f["statement"], []).append(f)
    return out
