"""The workspace over every account the user may see (?period=yyyy-mm), and one account's recent periods."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from ..services import accounts
from ..workspace import service
from .access import visible_accounts
from .http import query_int, read

bp = Blueprint("workspace", __name__, url_prefix="/api")


@bp.get("/workspace")
def workspace():
    period = request.args.get("period") or None
    return jsonify(read(lambda s: service.workspace(s, visible_accounts(s, g.actor), period)))


@bp.get("/accounts/<int:account_id>/history")
def history(account_id: int):
    last = query_int("periods", 6, 1, 60)
    return jsonify(read(lambda s: (accounts.get_account(s, account_id), service.history(s, account_id, last))[1]))
