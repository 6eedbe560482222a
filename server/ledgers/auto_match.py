"""Auto-match of a record: the intercompany matcher (matching/intercompany.py) on the record's open lines, with
the user's key fields. It proposes groups; nothing is reconciled until the user reconciles them.

Lines the user already selected (the record's saved selection and those the request names) are left out
before matching, so auto-match never touches them. Matching on the document value leaves out lines without
one (counted in the answer)."""
from __future__ import annotations

import json
import time

import pandas as pd

from ..errors import InputError
from ..records import LEDGER_COLUMNS
from ..services.context import Change, bad_input
from ..store.types import money_str
from . import access, company_lines, settings, statuses
from .reconciliations import filters, get, label
from .records import SIDES, CompanyLineRecord

FRAME_COLUMNS = (*LEDGER_COLUMNS, "document_amount", "document_currency")


def frame(lines: list[CompanyLineRecord]) -> pd.DataFrame:
    """The matcher's frame of a side's lines (amounts as Decimal, dates as dates)."""
    return pd.DataFrame({c: [getattr(ln, c) for ln in lines] for c in FRAME_COLUMNS}, columns=list(FRAME_COLUMNS))


def propose(left: list[CompanyLineRecord], right: list[CompanyLineRecord], chosen: settings.MatchSettings):
    """The matcher's result on two sides' lines (module-level so the benchmark measures exactly this)."""
    from ..matching.intercompany import match_ledgers

    return match_ledgers(frame(left), frame(right), chosen.keys, tolerance=chosen.tolerance, rule="auto-match")


def run(ch: Change, rec_id: int, body: dict) -> dict:
    """POST /api/ledgers/recs/<id>/auto-match {"keys"?, "tolerance"?, "save_as_default"?, "selected"?}."""
    rec = get(ch.session, rec_id)
    access.check_act(ch.session, ch.actor, rec, "auto-match")
    statuses.check(rec.status, "auto_match", label(rec))
    chosen = settings.parse(body) if "keys" in body else settings.default_for(ch.session, ch.actor.id)
    if body.get("save_as_default"):
        if "keys" not in body:
            raise bad_input("save_as_default: give the keys (and tolerance) to save")
        chosen = settings.save_default(ch, chosen)
    held = json.loads(rec.selected)
    sent = body.get("selected") or {}
    if not isinstance(sent, dict):
        raise bad_input("selected: {\"left\": [line ids], \"right\": [line ids]}")
    skip = {s: set(held.get(s, [])) | {str(x) for x in (sent.get(s) or [])} for s in SIDES}
    t0 = time.perf_counter()
    f = filters(rec)
    lines, no_document = {}, {}
    for s in SIDES:
        open_lines = [ln for ln in company_lines.retrieve_all(ch.session, f[s], open_only=True)
                      if ln.line_id not in skip[s]]
        if "document_amount" in chosen.keys:
            no_document[s] = sum(1 for ln in open_lines if ln.document_amount is None)
            open_lines = [ln for ln in open_lines if ln.document_amount is not None]
        lines[s] = open_lines
    t1 = time.perf_counter()
    if not lines["left"] or not lines["right"]:
        result_groups, suggested = [], 0
    else:
        try:
            result = propose(lines["left"], lines["right"], chosen)
        except InputError as exc:
            raise bad_input(exc.message()) from None
        result_groups, suggested = result.matched, len(result.suggested)
    ch.audit("ledger.auto_match.proposed", "ledger_rec", rec.id, None,
             {"settings": chosen.as_dict(), "proposed": len(result_groups),
              "left_open": len(lines["left"]), "right_open": len(lines["right"])})
    return {"settings": chosen.as_dict(), "basis": "document" if "document_amount" in chosen.keys else "amount",
            "proposed": [{"left": list(g.bank_ids), "right": list(g.ledger_ids), "reason": g.reason,
                          "net": money_str(g.amount_difference)} for g in result_groups],
            "suggested": suggested, "left_open": len(lines["left"]), "right_open": len(lines["right"]),
            "left_out_selected": {s: len(skip[s]) for s in SIDES},
            "left_out_without_document_value": no_document or None,
            "seconds": {"load": round(t1 - t0, 3), "match": round(time.perf_counter() - t1, 3)}}
