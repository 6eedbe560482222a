"""Reconciliations: create, read, workflow actions, balances, GL lines, items, transactions, unmatched."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from ..services import lines, posting, recs, review, summary
from ..controls.workflow import Refusal
from ..figures.summary_sums import summary_sums
from .access import visible_accounts
from .etags import conditional, listing_tag
from .http import body, ext, query_int, read, write

bp = Blueprint("reconciliations", __name__, url_prefix="/api/reconciliations")


def _describe(rec_id: int) -> dict:
    return read(lambda s: summary.describe(s, recs.get(s, rec_id)))


def _exists(session, rec_id: int):
    recs.get(session, rec_id)
    return session


@bp.get("")
def list_recs():
    account = query_int("account_id")
    return jsonify(read(lambda s: summary.list_recs(s, account, visible_accounts(s, g.actor))))


@bp.post("")
def create_rec():
    rec_id = write(recs.create, body())
    return jsonify(_describe(rec_id)), 201


@bp.get("/<int:rec_id>")
def get_rec(rec_id: int):
    return jsonify(_describe(rec_id))


@bp.post("/<int:rec_id>/workflow/<action>")
def workflow_action(rec_id: int, action: str):
    comment = body().get("comment", "")
    if not isinstance(comment, str):
        raise Refusal("bad_input", "field 'comment': must be text", 400)
    try:
        write(review.act, rec_id, action, comment)
    except Refusal as exc:
        if exc.code == "tampered":
            review.record_tamper(ext().store, g.actor, rec_id, action, exc.message)
        raise
    return jsonify(_describe(rec_id))


@bp.put("/<int:rec_id>/gl-balance")
def set_gl_balance(rec_id: int):
    write(lines.set_gl_balance, rec_id, body())
    return jsonify(_describe(rec_id))


@bp.put("/<int:rec_id>/support-balance")
def set_support_balance(rec_id: int):
    write(lines.set_support_balance, rec_id, body())
    return jsonify(_describe(rec_id))


@bp.get("/<int:rec_id>/bank-lines")
def bank_lines(rec_id: int):
    return conditional(rec_id, listing_tag("bank"), lambda s: lines.listing(s, rec_id, "bank"))


@bp.get("/<int:rec_id>/gl-lines")
def gl_lines(rec_id: int):
    return conditional(rec_id, listing_tag("ledger"), lambda s: lines.listing(s, rec_id, "ledger"))


@bp.post("/<int:rec_id>/gl-lines")
def add_gl_lines(rec_id: int):
    return jsonify(write(lines.add_gl_lines, rec_id, body())), 201


@bp.put("/<int:rec_id>/gl-lines/<path:line_id>")
def edit_gl_line(rec_id: int, line_id: str):
    return jsonify(write(lines.edit_gl_line, rec_id, line_id, body()))


@bp.delete("/<int:rec_id>/gl-lines/<path:line_id>")
def delete_gl_line(rec_id: int, line_id: str):
    write(lines.delete_gl_line, rec_id, line_id)
    return "", 204


@bp.get("/<int:rec_id>/unmatched")
def unmatched(rec_id: int):
    def both(session):
        _exists(session, rec_id)
        return {"bank": lines.listing(session, rec_id, "bank", only_unmatched=True),
                "ledger": lines.listing(session, rec_id, "ledger", only_unmatched=True),
                "items": lines.listing(session, rec_id, "items")}
    return jsonify(read(both))


@bp.put("/<int:rec_id>/unmatched/<side>/<path:line_id>")
def annotate(rec_id: int, side: str, line_id: str):
    return jsonify(write(lines.annotate, rec_id, side, line_id, body()))


@bp.get("/<int:rec_id>/items")
def items(rec_id: int):
    return jsonify(read(lambda s: lines.listing(_exists(s, rec_id), rec_id, "items")))


@bp.post("/<int:rec_id>/items")
def add_item(rec_id: int):
    return jsonify(write(lines.add_item, rec_id, body())), 201


@bp.put("/<int:rec_id>/items/<int:item_id>")
def edit_item(rec_id: int, item_id: int):
    return jsonify(write(lines.edit_item, rec_id, item_id, body()))


@bp.delete("/<int:rec_id>/items/<int:item_id>")
def delete_item(rec_id: int, item_id: int):
    write(lines.delete_item, rec_id, item_id)
    return "", 204


@bp.get("/<int:rec_id>/transactions")
def transactions(rec_id: int):
    return conditional(rec_id, listing_tag("transactions"), lambda s: lines.listing(s, rec_id, "transactions"))


@bp.post("/<int:rec_id>/transactions")
def add_transaction(rec_id: int):
    return jsonify(write(lines.add_transaction, rec_id, body())), 201


@bp.post("/<int:rec_id>/transactions/post")
def post_transactions(rec_id: int):
    return jsonify(write(posting.post, rec_id, body()))


@bp.put("/<int:rec_id>/transactions/<int:txn_id>")
def edit_transaction(rec_id: int, txn_id: int):
    return jsonify(write(lines.edit_transaction, rec_id, txn_id, body()))


@bp.delete("/<int:rec_id>/transactions/<int:txn_id>")
def delete_transaction(rec_id: int, txn_id: int):
    write(lines.delete_transaction, rec_id, txn_id)
    return "", 204


@bp.get("/<int:rec_id>/summary-sums")
def get_summary_sums(rec_id: int):
    return jsonify(read(lambda s: summary_sums(_exists(s, rec_id), rec_id)))
