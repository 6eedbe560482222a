"""Accounts, roles on them, and their auto-reconciliation schedule."""
from __future__ import annotations

from flask import Blueprint, g, jsonify
from sqlalchemy import select

from ..services import accounts
from ..store.models import Schedule
from .access import visible_accounts
from .http import body, read, write

bp = Blueprint("accounts", __name__, url_prefix="/api/accounts")


@bp.get("")
def list_accounts():
    return jsonify(read(lambda s: accounts.list_accounts(s, visible_accounts(s, g.actor))))


@bp.post("")
def create_account():
    return jsonify(write(accounts.create_account, body())), 201


@bp.get("/<int:account_id>")
def get_account(account_id: int):
    def one(session):
        out = accounts.account_dict(accounts.get_account(session, account_id))
        out["roles"] = accounts.roles_of_account(session, account_id)
        return out
    return jsonify(read(one))


@bp.put("/<int:account_id>")
def update_account(account_id: int):
    return jsonify(write(accounts.update_account, account_id, body()))


@bp.get("/<int:account_id>/roles")
def list_roles(account_id: int):
    return jsonify(read(lambda s: (accounts.get_account(s, account_id), accounts.roles_of_account(s, account_id))[1]))


@bp.post("/<int:account_id>/roles")
def grant_role(account_id: int):
    return jsonify(write(accounts.grant_role, account_id, body()))


@bp.get("/<int:account_id>/schedule")
def get_schedule(account_id: int):
    def one(session):
        accounts.get_account(session, account_id)
        return accounts.schedule_dict(session.scalar(select(Schedule).where(Schedule.account_id == account_id)))
    return jsonify(read(one))


@bp.put("/<int:account_id>/schedule")
def set_schedule(account_id: int):
    return jsonify(write(accounts.set_schedule, account_id, body()))
