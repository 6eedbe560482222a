"""The batches that change a record's lines: Save (the user's selection), Reconcile (groups that net to zero)
and Unreconcile (with a history row), each run as: check and mark the record running (its own transaction,
so others see "Reconciling"/"Unreconciling"), do the work in one transaction, and set the resting status.

What the request itself gets wrong (a group that does not net to zero, a line the record does not retrieve,
an unknown group) is refused before anything starts (400, status unchanged). What the work meets in the
database is the batch's failure: a line that another record reconciled meanwhile (the line's one `group_id`
is taken), or any internal fault. The work then changes nothing, the record goes to "Error on <action>" with
the reason, and the batch is kept so that Rerun runs it again (e.g. once the other record released the line)."""
from __future__ import annotations

import json
import logging

from sqlalchemy import func, insert, select, update

from ..controls.workflow import Refusal
from ..services.context import Actor, Change, bad_input, change, not_found, now
from ..store.types import money_str
from . import access, batch_leases, company_lines, statuses, zero_sum
from .reconciliations import as_dict, filters, get, label
from .records import SIDES
from .tables import CompanyLine, LedgerGroup, LedgerGroupItem, LedgerHistory, LedgerRec

log = logging.getLogger(__name__)
MAX_GROUPS = 100_000


class BatchFailed(Exception):
    """The work met something in the database that stops it; nothing of it is kept."""


def _ids(raw, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise bad_input(f"{where}: a list of line ids")
    return list(dict.fromkeys(raw))


# --- checks of the request (before anything starts) --------------------------------------------------------

def _check_save(session, rec: LedgerRec, params: dict) -> dict:
    sel = params.get("selected") or {}
    if not isinstance(sel, dict):
        raise bad_input("selected: {\"left\": [line ids], \"right\": [line ids]}")
    out = {side: _ids(sel.get(side, []), f"selected.{side}") for side in SIDES}
    f = filters(rec)
    for side in SIDES:
        found = company_lines.by_line_ids(session, f[side], out[side])
        missing = [i for i in out[side] if i not in found]
        if missing:
            raise bad_input(f"selected.{side}: line(s) {', '.join(missing[:5])} are not lines this record "
                            f"retrieves on the {side} side")
    return {"selected": out}


def _check_reconcile(session, rec: LedgerRec, params: dict) -> dict:
    raw = params.get("groups")
    if not isinstance(raw, list) or not raw:
        raise bad_input("groups: a non-empty list of {\"left\": [ids], \"right\": [ids]}")
    if len(raw) > MAX_GROUPS:
        raise bad_input(f"groups: at most {MAX_GROUPS:,} per batch")
    basis = params.get("basis", "amount")
    if basis not in zero_sum.BASES:
        raise bad_input(f"basis: amount or document, not {str(basis)[:20]!r}")
    kind = params.get("kind", "manual")
    if kind not in ("manual", "auto"):
        raise bad_input("kind: manual or auto")
    groups = []
    for n, g in enumerate(raw, start=1):
        if not isinstance(g, dict):
            raise bad_input(f"groups[{n}]: an object with left and right line ids")
        groups.append({side: _ids(g.get(side, []), f"groups[{n}].{side}") for side in SIDES})
    f = filters(rec)
    seen: dict[str, set[str]] = {s: set() for s in SIDES}
    found = {}
    for side in SIDES:
        ids = [i for g in groups for i in g[side]]
        found[side] = company_lines.by_line_ids(session, f[side], ids)
        twice = {i for i in ids if i in seen[side] or seen[side].add(i)}
        if twice:
            raise bad_input(f"groups: {side} line {sorted(twice)[0]} is in more than one group")
    problems = []
    for n, g in enumerate(groups, start=1):
        missing = [f"{side} {i}" for side in SIDES for i in g[side] if i not in found[side]]
        if missing:
            problems.append(f"group {n}: line(s) {', '.join(missing[:5])} are not lines this record retrieves")
            continue
        why = zero_sum.problem(*[[company_lines.as_record(found[s][i], None) for i in g[s]] for s in SIDES], basis)
        if why:
            problems.append(f"group {n} ({', '.join(g['left'][:3])} | {', '.join(g['right'][:3])}): {why}")
        if len(problems) >= 20:
            break
    if problems:
        raise Refusal("not_zero_sum", "nothing was reconciled: " + "; ".join(problems), 400)
    return {"groups": groups, "basis": basis, "kind": kind, "reason": str(params.get("reason") or "")[:2000]}


def _check_unreconcile(session, rec: LedgerRec, params: dict) -> dict:
    keys = params.get("groups")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise bad_input("groups: a non-empty list of group keys (G000001...)")
    keys = list(dict.fromkeys(keys))
    active = set(session.scalars(select(LedgerGroup.key).where(
        LedgerGroup.rec_id == rec.id, LedgerGroup.key.in_(keys), LedgerGroup.undone_at.is_(None))))
    missing = [k for k in keys if k not in active]
    if missing:
        raise not_found(f"reconciled group(s) {', '.join(missing[:5])} of record {label(rec)}")
    reason = params.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise bad_input("reason: say why the group is unreconciled (it is kept in the history)")
    return {"groups": keys, "reason": reason.strip()[:2000]}


# --- the work ----------------------------------------------------------------------------------------------

def _work_save(ch: Change, rec: LedgerRec, params: dict) -> dict:
    f = filters(rec)
    for side in SIDES:
        rows = company_lines.by_line_ids(ch.session, f[side], params["selected"][side])
        taken = [i for i in params["selected"][side] if rows.get(i) is None or rows[i].group_id is not None]
        if taken:
            raise BatchFailed(f"{side} line(s) {', '.join(taken[:5])} were reconciled meanwhile (in this or another "
                              "record): a reconciled line cannot stay selected")
    rec.selected = json.dumps(params["selected"], sort_keys=True)
    return {"selected": {s: len(params["selected"][s]) for s in SIDES}}


def _holder(session, pks: list[int]) -> str:
    row = session.execute(select(CompanyLine.line_id, LedgerRec.id, LedgerRec.name, LedgerGroup.key)
                          .join(LedgerGroup, LedgerGroup.id == CompanyLine.group_id)
                          .join(LedgerRec, LedgerRec.id == LedgerGroup.rec_id)
                          .where(CompanyLine.id.in_(pks), CompanyLine.group_id.is_not(None)).limit(1)).first()
    return (f"line {row[0]} is reconciled already in group {row[3]} of record {row[1]} ({row[2]})" if row
            else "a line is no longer open")


def _next_key(session, rec_id: int) -> int:
    keys = session.scalars(select(LedgerGroup.key).where(LedgerGroup.rec_id == rec_id))
    return max((int(k[1:]) for k in keys), default=0) + 1


def _work_reconcile(ch: Change, rec: LedgerRec, params: dict) -> dict:
    f = filters(rec)
    rows = {s: company_lines.by_line_ids(ch.session, f[s], [i for g in params["groups"] for i in g[s]])
            for s in SIDES}
    n0, stamp = _next_key(ch.session, rec.id), now()
    made = []
    for n, g in enumerate(params["groups"]):
        members = {s: [rows[s][i] for i in g[s] if i in rows[s]] for s in SIDES}
        if any(len(members[s]) != len(g[s]) for s in SIDES):
            raise BatchFailed(f"group {n + 1}: a line of it is no longer in the company's ledger")
        group = LedgerGroup(rec_id=rec.id, key=f"G{n0 + n:06d}", basis=params["basis"], kind=params["kind"],
                            made_by=ch.actor.id, made_at=stamp)
        ch.session.add(group)
        made.append((group, members))
    ch.session.flush()
    pks = [ln.id for _, members in made for s in SIDES for ln in members[s]]
    taken = [pk for i in range(0, len(pks), 5000) for pk, gid in ch.session.execute(
        select(CompanyLine.id, CompanyLine.group_id).where(CompanyLine.id.in_(pks[i:i + 5000])).with_for_update())
        if gid is not None]  # locked: the line's one group_id cannot be taken while this batch writes
    if taken:  # taken by another group since the request was checked
        raise BatchFailed(_holder(ch.session, taken))
    ch.session.execute(update(CompanyLine), [{"id": ln.id, "group_id": group.id} for group, members in made
                                             for s in SIDES for ln in members[s]])
    items, history, audited = [], [], []
    for group, members in made:
        items += [{"group_id": group.id, "line_pk": ln.id, "side": s} for s in SIDES for ln in members[s]]
        recs = {s: [company_lines.as_record(ln, group.key) for ln in members[s]] for s in SIDES}
        totals = [[c, money_str(a), money_str(b)] for c, a, b in zero_sum.totals(recs["left"], recs["right"],
                                                                                 group.basis)]
        lines = {s: [ln.line_id for ln in members[s]] for s in SIDES}
        history.append({"rec_id": rec.id, "group_key": group.key, "action": "reconciled", "by": ch.actor.id,
                        "at": stamp, "reason": params["reason"], "lines": json.dumps(lines),
                        "totals": json.dumps(totals)})
        audited.append([group.key, lines["left"], lines["right"], totals])
    # one audit row for the batch's groups (key, left lines, right lines, totals): a row per group made a
    # 10,000-group batch spend most of its time chaining audit rows
    ch.audit("ledger.groups.reconciled", "ledger_rec", rec.id, None,
             {"basis": params["basis"], "kind": params["kind"], "groups": audited})
    ch.session.execute(insert(LedgerGroupItem), items)
    ch.session.execute(insert(LedgerHistory), history)
    rec.ever_reconciled = True
    held = json.loads(rec.selected)  # a line reconciled now is no longer selected
    rec.selected = json.dumps({s: [i for i in held.get(s, []) if i not in rows[s]] for s in SIDES}, sort_keys=True)
    return {"reconciled": [g.key for g, _ in made]}


def _work_unreconcile(ch: Change, rec: LedgerRec, params: dict) -> dict:
    stamp = now()
    done = []
    for key in params["groups"]:
        group = ch.session.scalar(select(LedgerGroup).where(LedgerGroup.rec_id == rec.id, LedgerGroup.key == key,
                                                            LedgerGroup.undone_at.is_(None)).with_for_update())
        if group is None:
            raise BatchFailed(f"group {key} was unreconciled meanwhile")
        members = list(ch.session.execute(select(LedgerGroupItem.side, CompanyLine).join(
            CompanyLine, CompanyLine.id == LedgerGroupItem.line_pk).where(LedgerGroupItem.group_id == group.id)
            .order_by(LedgerGroupItem.id)))
        lines = {s: [ln.line_id for side, ln in members if side == s] for s in SIDES}
        recs = {s: [company_lines.as_record(ln, key) for side, ln in members if side == s] for s in SIDES}
        totals = [[c, money_str(a), money_str(b)] for c, a, b in zero_sum.totals(recs["left"], recs["right"], group.basis)]
        ch.session.execute(update(CompanyLine).where(CompanyLine.group_id == group.id).values(group_id=None)
                           .execution_options(synchronize_session=False))
        group.undone_by, group.undone_at = ch.actor.id, stamp
        ch.session.add(LedgerHistory(rec_id=rec.id, group_key=key, action="unreconciled", by=ch.actor.id, at=stamp,
                                     reason=params["reason"], lines=json.dumps(lines), totals=json.dumps(totals)))
        ch.audit("ledger.group.unreconciled", "ledger_group", f"{rec.id}:{key}", {**lines, "status": "reconciled"},
                 {"status": "unreconciled", "reason": params["reason"]})
        done.append(key)
    return {"unreconciled": done}


CHECKS = {"save": _check_save, "reconcile": _check_reconcile, "unreconcile": _check_unreconcile}
WORK = {"save": _work_save, "reconcile": _work_reconcile, "unreconcile": _work_unreconcile}


# --- running a batch ---------------------------------------------------------------------------------------

def _start(store, actor: Actor, rec_id: int, action: str, params: dict | None, rerun: bool,
           lease_seconds: float) -> tuple[str, dict, str]:
    """Checks the request and marks the record running, leased to this process (its own transaction). A record
    a dead batch left running is first put in its Error status (kept even when the action is then refused)."""
    with change(store, actor) as ch:
        rec = get(ch.session, rec_id, lock=True)  # waits while a live batch's work holds the row
        access.check_act(ch.session, actor, rec, "rerun" if rerun else action)
        dead = rec.status in statuses.RUNNING and batch_leases.expired(rec, lease_seconds)
        if dead:
            batch_leases.fail_dead(ch, rec)
        if not dead or rerun:
            statuses.check(rec.status, "rerun" if rerun else action, label(rec))
            if rerun:
                pending = json.loads(rec.pending)
                action, params = pending["action"], pending["params"]
            else:
                params = CHECKS[action](ch.session, rec, params or {})
                rec.resting_status = rec.status
            before = rec.status
            rec.status = statuses.RUNNING_STATUS.get(action, rec.status)
            rec.pending, rec.updated_at = json.dumps({"action": action, "params": params}), now()
            holder = batch_leases.take(rec)
            ch.audit(f"ledger.{action}.{'rerun' if rerun else 'started'}", "ledger_rec", rec.id,
                     {"status": before}, {"status": rec.status, "worker": holder})
            return action, params, holder
    raise Refusal("bad_transition", f"record {label(rec)} was left running by a server that stopped; it is "
                                    f"{rec.status} now, with nothing of that batch stored: press Rerun first")


def run(store, actor: Actor, rec_id: int, action: str | None, params: dict | None = None, rerun: bool = False,
        lease_seconds: float = batch_leases.DEFAULT_LEASE_SECONDS) -> dict:
    """Runs one batch (or reruns the failed one); returns the record, the batch's outcome or its error."""
    action, params, holder = _start(store, actor, rec_id, action, params, rerun, lease_seconds)
    try:
        with change(store, actor) as ch:
            rec = get(ch.session, rec_id, lock=True)  # held until the work commits: the batch is alive
            if rec.batch_worker != holder:
                raise BatchFailed("the batch's lease ran out before its work began (another server process took "
                                  "the record as stopped); nothing was stored: press Rerun")
            outcome = WORK[action](ch, rec, params)
            ch.session.flush()
            active = ch.session.scalar(select(func.count()).select_from(LedgerGroup).where(
                LedgerGroup.rec_id == rec_id, LedgerGroup.undone_at.is_(None))) or 0
            before, rec.status = rec.status, statuses.after(action, active, rec.ever_reconciled)
            rec.pending, rec.error, rec.updated_at = None, "", now()
            batch_leases.release(rec)
            ch.audit(f"ledger.{action}.done", "ledger_rec", rec.id, {"status": before},
                     {"status": rec.status, **outcome})
            return {"record": as_dict(ch.session, rec), "outcome": outcome}
    except BatchFailed as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - a batch must end in a status, never leave the record running
        log.exception("ledger batch %s of record %s failed", action, rec_id)
        message = f"internal error ({type(exc).__name__}: {exc}); nothing was changed"
    with change(store, actor) as ch:
        rec = get(ch.session, rec_id, lock=True)
        before, rec.status = rec.status, statuses.ERRORS[action]
        rec.error, rec.updated_at = message, now()
        batch_leases.release(rec)
        ch.audit(f"ledger.{action}.failed", "ledger_rec", rec.id, {"status": before},
                 {"status": rec.status, "error": message})
        return {"record": as_dict(ch.session, rec), "error": {"code": "batch_failed", "message": message}}


def recover(store, actor: Actor, lease_seconds: float = batch_leases.DEFAULT_LEASE_SECONDS) -> int:
    """At start: records that dead batches left Reconciling/Unreconciling become Error on <action>, ready
    for Rerun; a live batch of another server process on the same database is left alone (batch_leases)."""
    return batch_leases.recover(store, actor, lease_seconds)
