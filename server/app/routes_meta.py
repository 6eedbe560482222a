"""Health, identity, users (team mode) and the audit trail."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from ..controls import audit
from ..services import users
from ..controls.workflow import Refusal
from .http import body, ext, query_int, read, write

bp = Blueprint("meta", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    return jsonify({"status": "ok", "service": "tieout"})


@bp.get("/me")
def me():
    return jsonify({"name": g.actor.name, "is_admin": g.actor.is_admin, "mode": ext().config["MODE"]})


@bp.get("/users")
def list_users():
    return jsonify(read(users.list_users))


@bp.post("/users")
def create_user():
    if ext().config["MODE"] != "team":
        raise Refusal("local_mode", "a local server's people are added by its owner with "
                                    "`tieout users add NAME` (or start it in team mode, TIEOUT_MODE=team)", 409)
    return jsonify(write(users.create_user, body())), 201


@bp.get("/audit")
def audit_rows():
    rec = query_int("reconciliation_id")
    after = query_int("after", default=0)
    limit = query_int("limit", default=500, minimum=1, maximum=5000)
    return jsonify(read(lambda s: audit.rows_for(s, rec, after, limit)))


@bp.get("/audit/verify")
def audit_verify():
    """The whole chain; with ?row=N&hash=H also that it still holds the row a submitted workbook recorded."""
    verdict = read(audit.verify)
    out = {"intact": verdict.intact, "rows": verdict.rows, "broken_id": verdict.broken_id,
           "problem": verdict.problem, "message": verdict.describe()}
    row, row_hash = query_int("row"), request.args.get("hash")
    if row is not None and row_hash is not None:
        problem = read(audit.holds, row, row_hash[:128])
        if problem and verdict.intact:
            out.update(intact=False, broken_id=row, problem=problem, message=f"audit trail broken: {problem}")
    return jsonify(out)
