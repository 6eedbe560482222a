"""Ledger group of the ribbon: a transaction reconciliation of two companies' ledgers (intercompany) in its
own workbook (addin/ledger_sheets.py). Import Ledger sends a company's ledger file to the server; Retrieve
creates or updates the record from the Ledger Rec sheet and shows both sides' lines; Auto-Match proposes
groups into blank `select` cells; Reconcile Selected reconciles the labelled groups (each must net to zero);
Unreconcile undoes groups (with a reason, kept in the history); Rerun reruns a failed batch."""
from __future__ import annotations

from ...server.ledgers.company_files import read_company_file
from ...server.store.types import money_str
from .. import ledger_sheets as ls
from ..client import ServerError
from .context import ActionError, Context
from .imports import _path
from .registry import handler

API = "/api/ledgers"
SIDES = ("left", "right")


def _rec_id(ctx: Context, required: bool = True) -> int | None:
    value = ctx.arg("ledger_rec") or ctx.setting(ls.LEDGER_REC_ID)
    if value is None:
        if required:
            raise ActionError("This workbook is not linked to a transaction reconciliation yet.",
                              "Type the name and both sides' companies on the Ledger Rec sheet and press Retrieve"
                              + ctx.batch_hint("--rec-name, --left-filter, --right-filter, or --ledger-rec ID")
                              + ".")
        return None
    try:
        return int(value)
    except ValueError:
        raise ActionError(f"Record id {value!r} is not a number.", "Give the record's number" + ctx.batch_hint("--ledger-rec") + ".") \
            from None


def _filter_option(text: str, side: str) -> dict:
    """`company=A Inc;periods=2026-10,2026-11;gl_accounts=1400;accounts=B Ltd` as a side's filter."""
    out: dict = {}
    for part in (p for p in text.split(";") if p.strip()):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in ls.FILTER_FIELDS:
            raise ActionError(f"--{side}-filter: {part.strip()!r} is not field=value with a field of "
                              f"{', '.join(ls.FILTER_FIELDS)}.", "Example: company=A Inc;periods=2026-10")
        out[key] = value.strip() if key == "company" else [v.strip() for v in value.split(",") if v.strip()]
    return out


def _definition(ctx: Context) -> dict:
    typed = ls.read_definition(ctx.book)
    for side in SIDES:
        given = ctx.arg(f"{side}_filter")
        if given:
            typed[side] = _filter_option(given, side)
    if ctx.arg("rec_name"):
        typed["name"] = ctx.arg("rec_name")
    for side in SIDES:
        if ctx.arg(f"{side}_account"):
            typed[f"{side}_account"] = ctx.arg(f"{side}_account")
    return typed


def _lines(ctx: Context, rid: int) -> dict[str, list[dict]]:
    """Both sides' lines, in batches of 10,000."""
    out = {}
    for side in SIDES:
        rows, after = [], 0
        while True:
            batch = ctx.client.get(f"{API}/recs/{rid}/lines/{side}", after=after)
            rows += batch["lines"]
            ctx.progress(f"Retrieved {len(rows):,} {side} lines")
            if batch["next_after"] is None:
                break
            after = batch["next_after"]
        out[side] = rows
    return out


def show(ctx: Context, rid: int, labels: dict | None = None) -> tuple[dict, dict]:
    rec = ctx.client.get(f"{API}/recs/{rid}")
    lines = _lines(ctx, rid)
    labels = ls.read_labels(ctx.book) if labels is None else labels
    ls.render(ctx.book, rec, lines, labels, ctx.client.get(f"{API}/recs/{rid}/groups"),
              ctx.client.get(f"{API}/recs/{rid}/history"))
    return rec, lines


def _totals_text(lines, labels) -> str:
    rows = ls.selected_totals(lines, labels)
    return "; ".join(f"{c}: left {money_str(a)}, right {money_str(b)}, difference {money_str(d)}"
                     for c, a, b, d, _, _ in rows) or "nothing selected"


@handler("ledger_import", options=("file", "company", "gl_account"), sync=False)
def ledger_import(ctx: Context) -> None:
    """Import a company's ledger lines (canonical ledger CSV or filled GL template) to the server."""
    company = ctx.arg("company") or ctx.book.ask_text("Which company's ledger is this?")
    if not company:
        raise ActionError("No company was given, so nothing was imported.", "Name the company whose ledger it is"
                          + ctx.batch_hint("--company") + ".")
    path = _path(ctx, "Tieout: import a company's ledger")
    rows, gl_account = read_company_file(path)
    done = ctx.client.post(f"{API}/lines", {"company": company, "gl_account": ctx.arg("gl_account") or gl_account,
                                            "source": path.name, "lines": rows})
    ctx.say(f"Imported {path.name} for {company}: {done['added']} new lines"
            + (f", {done['already_held']} already held" if done["already_held"] else "") + ".")


@handler("ledger_retrieve", options=("ledger_rec", "rec_name", "left_filter", "right_filter", "left_account",
                                     "right_account"), sync=False)
def ledger_retrieve(ctx: Context) -> None:
    """Create or update the record from the Ledger Rec sheet, then retrieve both sides' lines."""
    rid = _rec_id(ctx, required=False)
    typed = _definition(ctx)
    if rid is None:
        if not typed.get("name") or not all(typed.get(s, {}).get("company") for s in SIDES):
            raise ActionError("The record needs a name and each side's company.",
                              "Type them on the Ledger Rec sheet (B3, B7 and D7), and the account each side "
                              "belongs to (B11 and D11)"
                              + ctx.batch_hint("--rec-name, --left-filter, --right-filter, --left-account and "
                                               "--right-account") + ".")
        rid = ctx.client.post(f"{API}/recs", typed)["id"]
        ctx.book.set_setting(ls.LEDGER_REC_ID, str(rid))
    else:
        held = ctx.client.get(f"{API}/recs/{rid}")
        changes = {k: v for k, v in typed.items() if v and v != held.get(k)}
        if {"left_account", "right_account"} & changes.keys():  # the server takes both sides' accounts together
            changes.update({k: typed.get(k) or held.get(k) for k in ("left_account", "right_account")})
        if changes:
            ctx.client.put(f"{API}/recs/{rid}", changes)
            ctx.book.set_setting(ls.LEDGER_REC_ID, str(rid))
    rec, lines = show(ctx, rid)
    ctx.say(f"{rec['name']} ({rec['status']}): {len(lines['left']):,} left and {len(lines['right']):,} right "
            f"lines, {rec['active_groups']} groups reconciled.")


@handler("ledger_auto_match", options=("keys", "save_as_default"), sync=False)
def ledger_auto_match(ctx: Context) -> None:
    """Propose groups (labels P1, P2... in blank select cells); lines you labelled are never touched."""
    rid = _rec_id(ctx)
    labels = ls.read_labels(ctx.book)
    body: dict = {"selected": {s: sorted(labels[s]) for s in SIDES}}
    if ctx.arg("keys"):
        body["keys"] = ctx.ids("keys")
    if (ctx.arg("save_as_default") or "").lower() in ("yes", "true", "1"):
        body["save_as_default"] = True
    out = ctx.client.post(f"{API}/recs/{rid}/auto-match", body)
    used = set(labels["left"].values()) | set(labels["right"].values())
    n = 0
    for g in out["proposed"]:
        n += 1
        while f"P{n}" in used:
            n += 1
        for side in SIDES:
            for line_id in g[side]:
                labels[side][line_id] = f"P{n}"
    rec, lines = show(ctx, rid, labels)
    ctx.say(f"Auto-match on {', '.join(out['settings']['keys'])} ({out['settings']['source']} settings): "
            f"{len(out['proposed'])} groups proposed (labels P1...). Check them, then press Reconcile Selected. "
            f"Selected totals: {_totals_text(lines, labels)}.")


def _batch(ctx: Context, rid: int, action: str, body: dict, labels: dict | None = None) -> tuple[dict, dict]:
    """Runs a batch on the server and shows the record. A batch that failed there leaves the record in an Error
    status: the sheets show it (the user's labels kept) and the message says to press Rerun."""
    try:
        done = ctx.client.post(f"{API}/recs/{rid}/{action}", body)
    except ServerError as exc:
        if exc.code != "batch_failed":
            raise
        show(ctx, rid, labels)
        raise ActionError(f"The batch failed and changed nothing: {exc.message}",
                          "Put right what the message names (e.g. unreconcile the line in the other record), "
                          "then press Rerun.") from None
    rec, _ = show(ctx, rid)
    return done, rec


def _groups_from(ctx: Context) -> tuple[list[dict], dict]:
    labels = ls.read_labels(ctx.book)
    if ctx.arg("left") or ctx.arg("right"):
        return [{"left": ctx.ids("left"), "right": ctx.ids("right")}], labels
    by_label: dict[str, dict[str, list[str]]] = {}
    for side in SIDES:
        for line_id, label in labels[side].items():
            by_label.setdefault(label, {"left": [], "right": []})[side].append(line_id)
    return list(by_label.values()), labels


@handler("ledger_reconcile_selected", options=("left", "right", "basis", "reason"), sync=False)
def ledger_reconcile_selected(ctx: Context) -> None:
    """Reconcile the labelled groups (lines with the same select label); each must net to zero."""
    rid = _rec_id(ctx)
    groups, labels = _groups_from(ctx)
    if not groups:
        raise ActionError("No lines are selected.", "Type the same label (e.g. 1) in the select column of the lines "
                                                    "to reconcile together, on both sides"
                                                    + ctx.batch_hint("--left, --right") + ".")
    body = {"groups": groups, "basis": ctx.arg("basis", "amount"), "reason": ctx.arg("reason") or "",
            "kind": "auto" if all(lbl.startswith("P") for s in SIDES for lbl in labels[s].values()) else "manual"}
    done, rec = _batch(ctx, rid, "reconcile", body, labels)
    ctx.say(f"Reconciled {len(done['outcome']['reconciled'])} groups "
            f"({', '.join(done['outcome']['reconciled'][:10])}); the record is {rec['status']}.")


@handler("ledger_unreconcile", options=("group", "reason"), sync=False)
def ledger_unreconcile(ctx: Context) -> None:
    """Undo reconciled groups (selected rows of Reconciled Groups); the reason goes to the history."""
    rid = _rec_id(ctx)
    keys = ctx.ids("group") or list(dict.fromkeys(ls.cell_text(v) for v in ctx.book.selected_ids(ls.GROUPS_SHEET)))
    if not keys:
        raise ActionError("No reconciled group is selected.", "Select its rows on Reconciled Groups"
                                                              + ctx.batch_hint("--group G000001") + ".")
    reason = ctx.arg("reason") or ctx.book.ask_text("Why are these groups unreconciled?")
    if not reason:
        raise ActionError("Unreconciling needs a reason: it is kept in the history.",
                          "Give the reason when asked" + ctx.batch_hint("--reason") + ".")
    _, rec = _batch(ctx, rid, "unreconcile", {"groups": keys, "reason": reason})
    ctx.say(f"Unreconciled {', '.join(keys)}; the record is {rec['status']}.")


@handler("ledger_rerun", sync=False)
def ledger_rerun(ctx: Context) -> None:
    """Run the record's failed batch again (after an Error on Save, Reconcile or Unreconcile)."""
    rid = _rec_id(ctx)
    done, rec = _batch(ctx, rid, "rerun", {})
    ctx.say(f"Rerun done: the record is {rec['status']}"
            + (f"; reconciled {', '.join(done['outcome']['reconciled'])}" if "reconciled" in done["outcome"] else "")
            + ".")
