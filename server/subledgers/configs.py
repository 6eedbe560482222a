"""Which account x legal entity is checked against which subledger export, and how often. Only an
administrator configures a check: its files are read on the server's machine."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..controls.workflow import Refusal
from ..currencies import iso_currency
from ..services.context import Change, bad_input
from ..store.types import money_str
from .items import KINDS
from .tables import SubledgerConfig, SubledgerRun


def _text(body: dict, name: str, limit: int = 100) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise bad_input(f"{name}: text of 1 to {limit} characters is required")
    return value.strip()


def create(ch: Change, body: dict) -> dict:
    """POST /api/subledgers/configs {account, legal_entity, kind, currency, subledger_path, gl_path, sign?,
    interval_minutes?}."""
    if not ch.actor.is_admin:
        raise Refusal("forbidden", "only an administrator configures a subledger check (its files are read on the "
                                   "server's machine)", 403)
    kind = body.get("kind")
    if kind not in KINDS:
        raise bad_input(f"kind: one of {', '.join(KINDS)}")
    currency = _text(body, "currency", 3).upper()
    if not iso_currency(currency)[0]:
        raise bad_input(f"currency: not a currency code: {currency!r}")
    paths = {}
    for name in ("subledger_path", "gl_path"):
        paths[name] = _text(body, name, 1000)
        if not Path(paths[name]).is_file():
            raise bad_input(f"{name}: no such file on the server: {paths[name][:200]!r}")
    sign, minutes = body.get("sign", 1), body.get("interval_minutes", 1440)
    if sign not in (1, -1):
        raise bad_input("sign: 1, or -1 when the export shows the account's credits as positive figures")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 527_040:
        raise bad_input("interval_minutes: a whole number from 5 to 527040 (a year)")
    fields = dict(account=_text(body, "account"), legal_entity=_text(body, "legal_entity"), kind=kind,
                  currency=currency, sign=sign, interval_minutes=minutes, **paths)
    if ch.session.scalar(select(SubledgerConfig.id).where(SubledgerConfig.account == fields["account"],
                                                          SubledgerConfig.legal_entity == fields["legal_entity"],
                                                          SubledgerConfig.kind == kind)):
        raise bad_input(f"{fields['account']} x {fields['legal_entity']} is checked against its {kind} subledger "
                        "already")
    cfg = SubledgerConfig(**fields, set_by=ch.actor.id)
    ch.session.add(cfg)
    ch.session.flush()
    ch.audit("subledger.config.created", "subledger_config", cfg.id, None, fields)
    return as_dict(cfg)


def as_dict(cfg: SubledgerConfig) -> dict:
    return {"id": cfg.id, "account": cfg.account, "legal_entity": cfg.legal_entity, "kind": cfg.kind,
            "currency": cfg.currency, "subledger_path": cfg.subledger_path, "gl_path": cfg.gl_path,
            "sign": cfg.sign, "interval_minutes": cfg.interval_minutes, "enabled": cfg.enabled}


def listing(session) -> list[dict]:
    return [as_dict(c) for c in session.scalars(select(SubledgerConfig).order_by(SubledgerConfig.id))]


def run_dict(run: SubledgerRun) -> dict:
    return {"id": run.id, "config_id": run.config_id, "account": run.account, "legal_entity": run.legal_entity,
            "kind": run.kind, "period": run.period, "currency": run.currency, "status": run.status,
            "message": run.message, "gl_balance": money_str(run.gl_balance),
            "subledger_balance": money_str(run.subledger_balance), "matched": run.matched,
            "ran_at": run.ran_at.isoformat() + "Z"}
