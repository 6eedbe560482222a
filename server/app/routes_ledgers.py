"""Ledger against ledger: company ledger lines, transaction reconciliation records, their batches
(save, reconcile, unreconcile, rerun), auto-match and its per-user settings."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from ..ledgers import auto_match, batches, company_lines, reconciliations, settings
from .http import body, ext, query_int, read, write

bp = Blueprint("ledgers", __name__, url_prefix="/api/ledgers")


@bp.post("/lines")
def import_lines():
    return jsonify(write(company_lines.import_lines, body())), 201


@bp.get("/recs")
def list_recs():
    return jsonify(read(reconciliations.listing, g.actor))


@bp.post("/recs")
def create_rec():
    return jsonify(write(reconciliations.create, body())), 201


@bp.get("/recs/<int:ledger_rec_id>")
def get_rec(ledger_rec_id: int):
    return jsonify(read(lambda s: reconciliations.as_dict(s, reconciliations.readable(s, g.actor, ledger_rec_id))))


@bp.put("/recs/<int:ledger_rec_id>")
def edit_rec(ledger_rec_id: int):
    return jsonify(write(reconciliations.edit, ledger_rec_id, body()))


@bp.delete("/recs/<int:ledger_rec_id>")
def delete_rec(ledger_rec_id: int):
    return jsonify(write(reconciliations.delete, ledger_rec_id))


@bp.get("/recs/<int:ledger_rec_id>/lines/<side>")
def rec_lines(ledger_rec_id: int, side: str):
    """One batch of a side's lines: ?after=<cursor>&limit=<1-10000>."""
    after = query_int("after", 0)
    limit = query_int("limit", company_lines.PAGE, 1, company_lines.PAGE)
    read(reconciliations.readable, g.actor, ledger_rec_id)
    return jsonify(read(reconciliations.lines, ledger_rec_id, side, after, limit))


@bp.get("/recs/<int:ledger_rec_id>/groups")
def rec_groups(ledger_rec_id: int):
    undone = request.args.get("history", "") in ("1", "true")
    read(reconciliations.readable, g.actor, ledger_rec_id)
    return jsonify(read(reconciliations.groups, ledger_rec_id, undone))


@bp.get("/recs/<int:ledger_rec_id>/history")
def rec_history(ledger_rec_id: int):
    read(reconciliations.readable, g.actor, ledger_rec_id)
    return jsonify(read(reconciliations.history, ledger_rec_id))


def _batch(ledger_rec_id: int, action: str | None, rerun: bool = False):
    out = batches.run(ext().store, g.actor, ledger_rec_id, action, body(), rerun=rerun,
                      lease_seconds=ext().config["JOB_LEASE_SECONDS"])
    return jsonify(out), 200 if "error" not in out else 409


@bp.post("/recs/<int:ledger_rec_id>/save")
def save_rec(ledger_rec_id: int):
    return _batch(ledger_rec_id, "save")


@bp.post("/recs/<int:ledger_rec_id>/reconcile")
def reconcile(ledger_rec_id: int):
    return _batch(ledger_rec_id, "reconcile")


@bp.post("/recs/<int:ledger_rec_id>/unreconcile")
def unreconcile(ledger_rec_id: int):
    return _batch(ledger_rec_id, "unreconcile")


@bp.post("/recs/<int:ledger_rec_id>/rerun")
def rerun(ledger_rec_id: int):
    return _batch(ledger_rec_id, None, rerun=True)


@bp.post("/recs/<int:ledger_rec_id>/auto-match")
def run_auto_match(ledger_rec_id: int):
    return jsonify(write(auto_match.run, ledger_rec_id, body()))


@bp.get("/settings")
def get_settings():
    return jsonify(read(lambda s: settings.default_for(s, g.actor.id).as_dict()))


@bp.put("/settings")
def save_settings():
    return jsonify(write(lambda ch: settings.save_default(ch, settings.parse(body())).as_dict()))
