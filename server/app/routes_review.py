"""The reviewer's workpaper: the five review checks with aging and escalations, the reviewer's tick and comment
per check, and the chart of accounts new transactions are checked against."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..services import recs, review_checks, review_line_ticks
from .etags import conditional, review_tag
from .http import body, read, write

bp = Blueprint("review", __name__, url_prefix="/api")


@bp.get("/reconciliations/<int:rec_id>/review")
def get_review(rec_id: int):
    """Conditional (etags.py): its ETag names the versions its cache key names (review/cache.py)."""
    return conditional(rec_id, review_tag, lambda s: review_checks.describe(s, rec_id))


@bp.get("/reconciliations/<int:rec_id>/review/ticks")
def get_ticks(rec_id: int):
    """The reviewer's marks only, without running the checks: what a client compares its typed ticks with."""
    return jsonify(read(lambda s: review_checks.held_ticks(s, recs.get(s, rec_id).id)))


@bp.put("/reconciliations/<int:rec_id>/review/<check_id>")
def tick(rec_id: int, check_id: str):
    return jsonify(write(review_checks.set_tick, rec_id, check_id, body()))


@bp.put("/reconciliations/<int:rec_id>/review/<check_id>/lines/<side>/<path:ref>")
def tick_line(rec_id: int, check_id: str, side: str, ref: str):
    """The reviewer's tick and comment on one line the check lists (e.g. one unusual pair: side match)."""
    return jsonify(write(review_line_ticks.set_line_tick, rec_id, check_id, side, ref, body()))


@bp.get("/accounts/<int:account_id>/chart")
def get_chart(account_id: int):
    return jsonify(read(lambda s: review_checks.chart(s, account_id)))


@bp.put("/accounts/<int:account_id>/chart")
def put_chart(account_id: int):
    return jsonify(write(review_checks.set_chart, account_id, body()))
