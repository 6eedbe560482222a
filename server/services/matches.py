"""Matches: manual ones (with the preparer's reason), auto ones from the matching engine, accepting them, and
undoing them (unreconcile) with history: an undone group keeps its lines, who undid it, when and why.

An auto-match is stored as *proposed* (accepted_by/accepted_at NULL): the engine's work waits for the
preparer's review, and Submit is refused while any remains (services/review.py). Manual matches and those
made by posting are accepted when made. The rules an auto-match runs are the request's (rows in the Rules
sheet's schema, validated before a job starts) or the built-in library."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import BigInteger, func, insert, select, type_coerce, update

from ..records import BankLine, LedgerLine, ProposedTransaction
from ..store.bulk_insert import insert_columns
from ..store.bulk_update import set_by_id
from ..store.models import BankLineRow, GLLineRow, Match, MatchItem, NewTransaction, Reconciliation, User
from ..store.types import money_str, units_str
from ..controls.workflow import Refusal
from . import recs, values
from .context import Change, bad_input, not_found, now, utc_iso


def new_manual_match(ch: Change, rec, bank: list[BankLineRow], gl: list[GLLineRow], reason: str) -> str:
    """Records a manual match of these lines (a user's, or a posted transaction's) and returns its key."""
    key = _next_key(ch.session, rec.id)[0]
    m = Match(reconciliation_id=rec.id, key=key, kind="manual", rule="manual", confidence=Decimal(1),
              reason=reason, created_by=ch.actor.id, accepted_by=ch.actor.id, accepted_at=now())
    ch.session.add(m)
    ch.session.flush()
    for b in bank:
        b.match_id = m.id
        ch.session.add(MatchItem(match_id=m.id, side="bank", bank_line_id=b.id))
    for g in gl:
        g.match_id = m.id
        ch.session.add(MatchItem(match_id=m.id, side="ledger", gl_line_id=g.id))
    rec.ever_matched = True
    ch.session.flush()
    return key


def _next_key(session, rec_id: int, n: int = 1) -> list[str]:
    start = session.scalar(select(func.count()).where(Match.reconciliation_id == rec_id)) + 1
    return [f"M{i:06d}" for i in range(start, start + n)]


def _lines(ch: Change, model, rec_id: int, ids: list[str], side: str) -> list:
    rows = list(ch.session.scalars(select(model).where(model.reconciliation_id == rec_id, model.line_id.in_(ids))))
    missing = set(ids) - {r.line_id for r in rows}
    if missing:
        raise not_found(f"{side} line(s) {', '.join(sorted(missing))}")
    taken = sorted(r.line_id for r in rows if r.match_id is not None)
    if taken:
        raise Refusal("already_matched", f"{side} line(s) {', '.join(taken)} are already matched")
    return rows


def manual_match(ch: Change, rec_id: int, data: dict) -> dict:
    rec = recs.for_change(ch, rec_id, "match")
    bank_ids, gl_ids = values.id_list(data, "bank"), values.id_list(data, "ledger")
    reason = values.text(data, "reason", required=True, max_len=2000)
    if not bank_ids and not gl_ids:
        raise bad_input("a match needs at least one bank or ledger line")
    bank = _lines(ch, BankLineRow, rec.id, bank_ids, "bank")
    gl = _lines(ch, GLLineRow, rec.id, gl_ids, "ledger")
    diff = sum((b.amount for b in bank), Decimal(0)) - sum((g.amount for g in gl), Decimal(0))
    if diff and data.get("allow_difference") is not True:
        raise Refusal("amounts_differ", f"the bank lines and ledger lines differ by {money_str(diff)}: "
                                        "send allow_difference=true to match them anyway", 400)
    key = new_manual_match(ch, rec, bank, gl, reason)
    out = {"key": key, "bank": sorted(bank_ids), "ledger": sorted(gl_ids), "rule": "manual", "reason": reason,
           "amount_difference": money_str(diff)}
    ch.audit("match.manual", "match", key, None, out, rec.id)
    return out


def undo(ch: Change, rec_id: int, key: str, data: dict) -> dict:
    rec = recs.for_change(ch, rec_id, "match")
    reason = values.text(data, "reason", max_len=2000)
    m = ch.session.scalar(select(Match).where(Match.reconciliation_id == rec.id, Match.key == key))
    if m is None:
        raise not_found(f"match {key}")
    if m.undone_at is not None:
        raise Refusal("already_undone", f"match {key} was already undone")
    m.undone_at, m.undone_by, m.undo_reason = now(), ch.actor.id, reason
    nb = ch.session.execute(update(BankLineRow).where(BankLineRow.match_id == m.id).values(match_id=None)).rowcount
    ng = ch.session.execute(update(GLLineRow).where(GLLineRow.match_id == m.id).values(match_id=None)).rowcount
    ch.audit("match.undo", "match", key, {"status": "matched", "bank_lines": nb, "ledger_lines": ng},
             {"status": "undone", "reason": reason}, rec.id)
    return {"key": key, "undone": True, "bank_lines": nb, "ledger_lines": ng}


IN_CHUNK = 500  # ids in one IN (...): past it, one statement over the reconciliation's rows costs less


def _chunks(items: list, n: int = IN_CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def accept(ch: Change, rec_id: int, data: dict) -> dict:
    """Accept proposed auto-matches: the keys given, or every proposed one ({}). Keys already accepted are
    reported, not refused (pressing Accept twice is harmless); unknown or undone keys are refused."""
    rec = recs.for_change(ch, rec_id, "match")
    if "keys" not in data or data["keys"] is None:
        todo = dict(ch.session.execute(select(Match.key, Match.id).where(*_proposed(rec.id))
                                       .order_by(Match.id)).all())
        already: list[str] = []
    else:
        keys = data["keys"]
        if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
            raise bad_input("field 'keys': must be a list of match keys (or leave it out to accept every proposed "
                            "auto-match)")
        keys = list(dict.fromkeys(keys))
        found = _states(ch, rec.id, keys)
        missing = [k for k in keys if k not in found]
        if missing:
            raise not_found(f"match(es) {', '.join(missing[:20])}")
        undone = [k for k in keys if found[k][1] is not None]
        if undone:
            raise Refusal("already_undone", f"match(es) {', '.join(undone[:20])} were undone and cannot be accepted: "
                                            "nothing was accepted; press Refresh and accept the others")
        already = sorted(k for k in keys if found[k][2] is not None)
        todo = {k: found[k][0] for k in keys if found[k][2] is None}
    stamp = now()
    ids = list(todo.values())
    accepting = update(Match).values(accepted_by=ch.actor.id, accepted_at=stamp)
    if len(ids) > IN_CHUNK and len(ids) == ch.session.scalar(select(func.count()).where(*_proposed(rec.id))):
        ch.session.execute(accepting.where(*_proposed(rec.id)))  # every proposed one: one statement
    else:
        for part in _chunks(ids):
            ch.session.execute(accepting.where(Match.id.in_(part)))
    accepted = sorted(todo)
    out = {"accepted": accepted, "count": len(accepted), "already_accepted": already,
           "accepted_by": ch.actor.name, "accepted_at": utc_iso(stamp) if accepted else None}
    if accepted:
        ch.audit("match.accept", "reconciliation", rec.id, {"state": "proposed", "matches": accepted},
                 {"state": "accepted", "matches": accepted, "accepted_by": ch.actor.name}, rec.id)
    return out


def _states(ch: Change, rec_id: int, keys: list[str]) -> dict[str, tuple]:
    """{key: (row id, undone_at, accepted_at)} of those of `keys` the reconciliation has: by key for a few, else
    from one pass over its matches (thousands of keys in chunks of IN (...) cost a statement per 500)."""
    stmt = select(Match.key, Match.id, Match.undone_at, Match.accepted_at).where(Match.reconciliation_id == rec_id)
    if len(keys) <= IN_CHUNK:
        stmt = stmt.where(Match.key.in_(keys))
    wanted = set(keys)
    return {k: (mid, undone, acc) for k, mid, undone, acc in ch.session.execute(stmt) if k in wanted}


def _proposed(rec_id: int) -> tuple:
    """The filter of a reconciliation's active auto-matches nobody has accepted yet."""
    return Match.reconciliation_id == rec_id, Match.undone_at.is_(None), Match.accepted_at.is_(None)


def proposed_keys(session, rec_id: int) -> list[str]:
    """Keys of the active auto-matches nobody has accepted yet, in creation order."""
    return list(session.scalars(select(Match.key).where(*_proposed(rec_id)).order_by(Match.id)))


def listing(session, rec_id: int, history: bool = False) -> list[dict]:
    """Rows built from the cursor's tuples on the session's connection (not ORM objects or rows: a listing only
    reads, and 20,000 groups cost seconds that way); confidence from its stored units (types.units_str)."""
    conn = session.connection()
    stmt = select(Match.id, Match.key, Match.kind, Match.rule, type_coerce(Match.confidence, BigInteger),
                  Match.reason, Match.undone_at.is_not(None), Match.undo_reason, Match.accepted_by,
                  Match.accepted_at).where(Match.reconciliation_id == rec_id).order_by(Match.id)
    if not history:
        stmt = stmt.where(Match.undone_at.is_(None))
    found = conn.execute(stmt).all()
    if not found:
        return []
    names = dict(conn.execute(select(User.id, User.name).where(
        User.id.in_({m[8] for m in found if m[8] is not None}))).all())
    members: dict[int, tuple[list, list]] = {m[0]: ([], []) for m in found}
    rows = conn.execute(select(MatchItem.match_id, MatchItem.side, BankLineRow.line_id, GLLineRow.line_id)
                        .join(Match, Match.id == MatchItem.match_id)
                        .outerjoin(BankLineRow, BankLineRow.id == MatchItem.bank_line_id)
                        .outerjoin(GLLineRow, GLLineRow.id == MatchItem.gl_line_id)
                        .where(Match.reconciliation_id == rec_id))
    for mid, side, bid, gid in rows:
        held = members.get(mid)
        if held is not None:
            if side == "bank":
                held[0].append(bid)
            else:
                held[1].append(gid)
    stamps: dict = {}  # one accept stamps thousands of matches alike
    out = []
    for mid, key, kind, rule, confidence, reason, undone, undo_reason, accepted_by, accepted_at in found:
        bank, ledger = members[mid]
        stamp = stamps.get(accepted_at)
        if stamp is None and accepted_at is not None:
            stamp = stamps[accepted_at] = utc_iso(accepted_at)
        out.append({"key": key, "kind": kind, "rule": rule, "confidence": units_str(confidence), "reason": reason,
                    "bank": sorted(bank), "ledger": sorted(ledger), "status": "undone" if undone else "matched",
                    "undo_reason": undo_reason, "state": "proposed" if accepted_at is None else "accepted",
                    "accepted_by": names.get(accepted_by), "accepted_at": stamp})
    return out


def load_unmatched(session, rec: Reconciliation) -> tuple[list[BankLine], list[LedgerLine]]:
    """The unmatched lines as engine records (plain column rows: no ORM objects for 100,000 lines)."""
    b, g = BankLineRow, GLLineRow
    bank = [BankLine(*row) for row in session.execute(
        select(b.line_id, b.date, b.amount, b.currency, b.reference, b.description, b.type, b.check_number,
               b.value_date, b.pending)
        .where(b.reconciliation_id == rec.id, b.match_id.is_(None), b.pending.is_(False)).order_by(b.id))]
    ledger = [LedgerLine(*row) for row in session.execute(
        select(g.line_id, g.date, g.amount, g.currency, g.reference, g.description, g.source, g.counterparty)
        .where(g.reconciliation_id == rec.id, g.match_id.is_(None)).order_by(g.id))]
    return bank, ledger


MAX_SUGGESTIONS_KEPT = 5000  # suggestion groups a job's result carries to the workbook


# ------------------------------------------------------------------------------------------ rules of a run
BUILT_IN = "built-in"
MAX_RULE_PROBLEMS = 10


def _rule_cell(value, n: int, column: str):
    """A cell of a rule row as the Rules sheet's parser takes it (Decimal numbers as exact text)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list) and all(v is None or isinstance(v, (str, bool, int, Decimal)) for v in value):
        return [format(v, "f") if isinstance(v, Decimal) else v for v in value]
    raise Refusal("bad_rules", f"Rules row {n}, field '{column}': must be text, a number, true/false or a list "
                               "of them; nothing was started", 400)


def _rules_message(exc) -> str:
    """Each problem as "Rules row N (rule NAME), field 'F': what is wrong" (rows as on the Rules sheet)."""
    out = []
    for p in exc.problems:
        where = "Rules" if p.line is None else ("Rules header" if p.line == 1 else f"Rules row {p.line}")
        if p.record and not p.record.startswith("row "):
            where += f" (rule {p.record})"
        if p.field:
            where += f", field '{p.field}'"
        out.append(f"{where}: {p.problem}")
    more = len(out) - MAX_RULE_PROBLEMS
    text = "; ".join(out[:MAX_RULE_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
    return f"{text}. Nothing was started: correct the rule{'s' if len(out) > 1 else ''} and run the auto-match again"


def _rule_set_info(ruleset, source: str, canonical: str | None = None) -> dict:
    """What names a rule set in the job and the audit trail: the SHA-256 of its canonical TOML (only
    non-default fields, in run order: the same rules give the same text), its size and source."""
    from ..matching import rules_to_toml

    canonical = canonical if canonical is not None else rules_to_toml(ruleset)
    return {"source": source, "sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            "count": len(ruleset), "enabled": len(ruleset.active)}


def auto_match_params(data: dict) -> dict:
    """The job params of an auto-match request. `rules` (rows in the Rules sheet's schema, the first being
    sheet row 2) are validated now, so a bad rule is refused before any job starts, and kept as canonical
    TOML; absent, null or [] means the built-in library."""
    from ..matching import RulesError, default_rules, rules_from_rows, rules_to_toml

    rows = data.get("rules")
    if rows is None or rows == []:
        return {"rules_toml": None, "rule_set": _rule_set_info(default_rules(), BUILT_IN)}
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise Refusal("bad_rules", "field 'rules': must be a list of rule rows (objects keyed by the Rules sheet's "
                                   "columns); nothing was started", 400)
    clean = [{str(k): _rule_cell(v, n, str(k)) for k, v in r.items()} for n, r in enumerate(rows, start=2)]
    try:
        ruleset = rules_from_rows(clean, source="Rules", first_row=2)
    except RulesError as exc:
        raise Refusal("bad_rules", _rules_message(exc), 400) from None
    canonical = rules_to_toml(ruleset)
    return {"rules_toml": canonical, "rule_set": _rule_set_info(ruleset, "request", canonical)}


def job_rules(params: dict):
    """(RuleSet, its description) of a queued auto-match: the request's rules, else the built-in library
    (scheduled runs and jobs queued before rules could be sent)."""
    from ..matching import default_rules, rules_from_toml

    text = params.get("rules_toml")
    if not text:
        ruleset = default_rules()
        return ruleset, _rule_set_info(ruleset, BUILT_IN)
    ruleset = rules_from_toml(text, "the job's rules")
    return ruleset, _rule_set_info(ruleset, params.get("rule_set", {}).get("source", "request"))


def compute_auto(store, rec_id: int, progress: Callable[[int, str], None] | None = None, rules=None):
    """Run the engine on the unmatched lines (a read transaction only); returns its MatchResult.
    rules: a RuleSet, or None for the built-in library."""
    from ..matching import auto_match

    with store.read() as session:
        rec = recs.get(session, rec_id)
        bank, ledger = load_unmatched(session, rec)
        forbidden = rejected_pairs(session, rec)
    if progress:
        progress(20, f"matching {len(bank)} bank lines against {len(ledger)} ledger lines")
    return auto_match(bank, ledger, rules, forbidden_pairs=forbidden)


def rejected_pairs(session, rec: Reconciliation) -> set[tuple[str, str]]:
    """(bank line id, ledger line id) of every auto-match the user undid: the user's word that they do not
    belong together, so the engine never proposes them again (each line may still match another)."""
    items = select(MatchItem.match_id, BankLineRow.line_id, GLLineRow.line_id).join(
        Match, Match.id == MatchItem.match_id).outerjoin(BankLineRow, BankLineRow.id == MatchItem.bank_line_id) \
        .outerjoin(GLLineRow, GLLineRow.id == MatchItem.gl_line_id) \
        .where(Match.reconciliation_id == rec.id, Match.kind == "auto", Match.undone_at.is_not(None))
    bank: dict[int, list[str]] = {}
    ledger: dict[int, list[str]] = {}
    for mid, b, g in session.execute(items):
        if b is not None:
            bank.setdefault(mid, []).append(b)
        if g is not None:
            ledger.setdefault(mid, []).append(g)
    return {(b, g) for mid, bs in bank.items() for b in bs for g in ledger.get(mid, ())}


def store_auto(ch: Change, rec_id: int, result, progress: Callable[[int, str], None] | None = None,
               rule_set: dict | None = None) -> dict:
    """Write the engine's match groups in one transaction, after checking no line changed meanwhile.

    Columns sent to the driver in one executemany each (store/bulk_insert.py, bulk_update.py): the ORM's bulk
    paths issue one statement per row here, and Core's executemany builds every row's parameters in Python."""
    rec = recs.for_change(ch, rec_id, "match")
    groups = list(result.matched)
    b_ids = {i for g in groups for i in g.bank_ids}
    g_ids = {i for g in groups for i in g.ledger_ids}
    bank, gl = _free(ch, BankLineRow, rec.id, b_ids), _free(ch, GLLineRow, rec.id, g_ids)
    if len(bank) != len(b_ids) or len(gl) != len(g_ids):
        raise Refusal("stale", "lines were matched, edited or deleted while the auto-match ran: nothing was "
                               "stored; run it again")
    keys = _next_key(ch.session, rec.id, len(groups))
    stamp = now()
    if groups:
        n = len(groups)
        insert_columns(ch.session, Match.__table__, {
            "reconciliation_id": [rec.id] * n, "key": keys, "kind": ["auto"] * n,
            "rule": [g.rule[:80] for g in groups], "confidence": [g.confidence for g in groups],
            "reason": [g.reason for g in groups], "created_by": [ch.actor.id] * n, "created_at": [stamp] * n,
            "undo_reason": [""] * n})
    conn = ch.session.connection()
    wanted = set(keys)  # one pass over the reconciliation's matches: an IN (...) of 20,000 keys costs more
    ids = {k: i for k, i in conn.execute(select(Match.key, Match.id).where(Match.reconciliation_id == rec.id))
           if k in wanted} if keys else {}
    if progress:
        progress(85, f"storing {len(groups)} match groups")
    items = {"match_id": [], "side": [], "bank_line_id": [], "gl_line_id": []}
    placed = {"bank": ([], []), "ledger": ([], [])}  # side: (row ids, their new match_id)
    txns = []
    for k, g in zip(keys, groups):
        mid = ids[k]
        for side, members, rows in (("bank", g.bank_ids, bank), ("ledger", g.ledger_ids, gl)):
            row_ids, new_match = placed[side]
            for i in members:
                row = rows[i]
                items["match_id"].append(mid)
                items["side"].append(side)
                items["bank_line_id"].append(row if side == "bank" else None)
                items["gl_line_id"].append(row if side == "ledger" else None)
                row_ids.append(row)
                new_match.append(mid)
        for p in g.proposed:
            if isinstance(p, ProposedTransaction):
                txns.append({"reconciliation_id": rec.id, "date": p.date, "amount": p.amount,
                             "currency": p.currency or rec_currency(ch, rec), "gl_account": p.gl_account,
                             "description": p.description, "kind": p.kind, "bank_line_id": p.bank_line_id,
                             "rule": p.rule, "created_by": ch.actor.id})
    insert_columns(ch.session, MatchItem.__table__, items)
    for model, side in ((BankLineRow, "bank"), (GLLineRow, "ledger")):
        row_ids, new_match = placed[side]
        set_by_id(ch.session, model.__table__, "match_id", new_match, row_ids, rec.id)
    if txns:
        conn.execute(insert(NewTransaction.__table__), txns)
    if groups:
        rec.ever_matched = True
    rules = Counter(g.rule for g in groups)
    out = {"matched_groups": len(groups), "suggested": len(result.suggested), "rules": dict(rules),
           "proposed_transactions": len(txns),
           "unmatched_bank": len(result.unmatched_bank), "unmatched_ledger": len(result.unmatched_ledger)}
    if rule_set is not None:
        out["rule_set"] = rule_set
    ch.audit("match.auto", "reconciliation", rec.id, None,
             {**out, "groups": [[k, list(g.bank_ids), list(g.ledger_ids), g.rule] for k, g in zip(keys, groups)]},
             rec.id)
    # Suggestions (ranked candidates of the lines held for review) travel with the job's result only: they are
    # never stored as matches, so accepting matches can never take one.
    out["suggestions"] = [{"key": g.match_id, "bank": list(g.bank_ids), "ledger": list(g.ledger_ids),
                           "rule": g.rule, "reason": g.reason} for g in result.suggested[:MAX_SUGGESTIONS_KEPT]]
    return out


def rec_currency(ch: Change, rec: Reconciliation) -> str:
    from ..store.models import Account

    return ch.session.get(Account, rec.account_id).currency


def _free(ch: Change, model, rec_id: int, ids: set[str]) -> dict[str, int]:
    """{line_id: row id} of those of `ids` that are still unmatched: one pass over the unmatched lines (the
    engine's groups hold most of them; IN (...) chunks of 500 ids cost a statement each)."""
    if not ids:
        return {}
    rows = ch.session.connection().execute(select(model.line_id, model.id).where(
        model.reconciliation_id == rec_id, model.match_id.is_(None)))
    return {line_id: row_id for line_id, row_id in rows if line_id in ids}
