"""An account's remembered settings (import options, default rules): /api/accounts/<id>/settings/<name>."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..services import account_settings
from .http import body, read, write

bp = Blueprint("account_settings", __name__, url_prefix="/api/accounts")


@bp.get("/<int:account_id>/settings/<name>")
def get_setting(account_id: int, name: str):
    return jsonify(read(account_settings.get_setting, account_id, name))


@bp.put("/<int:account_id>/settings/<name>")
def put_setting(account_id: int, name: str):
    return jsonify(write(account_settings.put_setting, account_id, name, body()))
