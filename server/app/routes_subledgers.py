"""GL against subledger: configured checks per account x legal entity, running one now, and the results (runs
and the exceptions of each latest run, with the action to take)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from ..controls.workflow import Refusal
from ..ledgers.records import PERIOD
from ..services.context import bad_input, not_found, now
from ..subledgers import configs, exceptions, runs
from ..subledgers.access import only_visible
from ..subledgers.records_json import exception_dict
from ..subledgers.tables import SubledgerConfig, SubledgerRun
from .http import body, ext, read, write

bp = Blueprint("subledgers", __name__, url_prefix="/api/subledgers")


@bp.get("/configs")
def list_configs():
    return jsonify(read(lambda s: only_visible(s, g.actor, configs.listing(s), lambda c: c["account"])))


@bp.post("/configs")
def create_config():
    return jsonify(write(configs.create, body())), 201


@bp.post("/configs/<int:config_id>/run")
def run_now(config_id: int):
    """Runs the check now for ?period=yyyy-mm (default: the current month); answers the stored run."""
    period = request.args.get("period") or runs.period_of(now())
    if not PERIOD.fullmatch(period):
        raise bad_input(f"query parameter 'period': yyyy-mm, not {period[:20]!r}")
    if read(lambda s: s.get(SubledgerConfig, config_id)) is None:
        raise not_found(f"subledger check {config_id}")
    if not g.actor.is_admin:
        raise Refusal("forbidden", "only an administrator runs a configured subledger check", 403)
    run_id = runs.run_config(ext().store, g.actor, config_id, period)
    return jsonify(read(lambda s: configs.run_dict(s.get(SubledgerRun, run_id))))


@bp.get("/runs")
def list_runs():
    return jsonify(read(lambda s: [configs.run_dict(r) for r in only_visible(
        s, g.actor, s.scalars(select(SubledgerRun).order_by(SubledgerRun.id)))]))


@bp.get("/exceptions")
def list_exceptions():
    """The exceptions of the latest run of each account x legal entity x subledger (?account, ?legal_entity,
    ?period to narrow)."""
    found = read(lambda s: only_visible(s, g.actor, exceptions.latest_exceptions(
        s, request.args.get("account"), request.args.get("legal_entity"), request.args.get("period"))))
    return jsonify([exception_dict(e) for e in found])
