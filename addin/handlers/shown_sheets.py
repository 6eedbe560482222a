"""Which sheets a press must draw again: those whose data changed since the workbook last showed them, decided
from facts the server gives, not guessed from the button pressed.

Each data sheet depends on some of the server's listings (DEPENDS); every listing answer carries an ETag naming
its data version (server/app/etags.py). After a render the workbook keeps, per sheet, a digest of the ETags it
was drawn from and of the stage's lock on it (hidden settings `Shown<sheet>`). The next press draws a sheet again
when that digest differs, when the sheet's part is not what the add-in last wrote (the adapter's `as_written`:
someone typed over it), or when the workbook's history cannot be verified against the server's.

Verified history: an ETag is a counter per reconciliation, so the same tag from another database, or from a
restored copy whose history went another way, would name other data. The workbook therefore also keeps the last
audit row it showed (id and hash, setting `ShownHistory`). The server's audit rows are a hash chain: when the row
of that id still carries that hash, this is the history the sheets were drawn from, and the counters compare;
otherwise (another database, another reconciliation, a copy restored to before that row) every sheet is drawn.
A row after it means the Audit sheet changed.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ..locking import policy
from ..manual import layout as manual_layout
from .context import Context
from .state import Held, LazyRows, State

# The listings (server paths under the reconciliation) each data sheet is drawn from. Unmatched also shows the
# last auto-match's suggestions, which follow from the data and the account's rules: the review's ETag names both.
LISTINGS = {"bank": "/bank-lines", "ledger": "/gl-lines", "matches": "/matches", "transactions": "/transactions",
            "review": "/review"}
DEPENDS = {"Bank Statement": ("bank", "matches"), "GL Lines": ("ledger", "matches"),
           "Matched": ("bank", "ledger", "matches"), "Unmatched": ("bank", "ledger", "matches", "review"),
           "New Transactions": ("transactions", "ledger"), "Review": ("review",), "Audit": ("audit",)}
SETTINGS = {"Bank Statement": "ShownBank", "GL Lines": "ShownGL", "Matched": "ShownMatched",
            "Unmatched": "ShownUnmatched", "New Transactions": "ShownTransactions", "Review": "ShownReview",
            "Audit": "ShownAudit"}
HISTORY = "ShownHistory"
TAGS = "ShownTags"  # the listings' ETags the sheets were last drawn from: asked again without their bodies
RENDER = "render-1"  # bump when a sheet's rows or layout are drawn differently: every workbook is drawn anew


@dataclass(frozen=True)
class Plan:
    """What the render writes: `only` (None: every sheet) and `untouched` (left as they are, locks too)."""

    only: frozenset[str] | None
    untouched: frozenset[str]
    kept_audit: str | None = None  # "id:hash" of the last audit row the Audit sheet shows when left as it is


def plan(ctx: Context, state: State) -> Plan:
    """The sheets this press must draw, from the server's ETags against what the workbook last showed."""
    if manual_layout.is_manual(state) or ctx.setting("ReconciliationId") is None:
        return Plan(None, frozenset())
    audit = _audit_tag(ctx, state)
    if audit is None:
        return Plan(None, frozenset())
    tags = {**_tags(state, _probe(ctx, state)), "audit": audit}
    present = set(ctx.book.sheet_names())
    only, untouched = set(), set()
    for sheet in DEPENDS:
        if sheet not in present:
            continue
        content, lock = _key(state, sheet, tags)
        shown = (ctx.setting(SETTINGS[sheet]) or "").split(":")
        same_content = content is not None and shown[0] == content and _as_written(ctx, sheet)
        if not same_content:
            only.add(sheet)
        elif shown[1:] == [lock]:
            untouched.add(sheet)
        # else: the rows stay, the stage's new lock is applied (sheets.render decides whether that rewrites them)
    kept = audit if "Audit" in present and "Audit" not in only else None
    return Plan(frozenset(only), frozenset(untouched), kept)


def record(ctx: Context, state: State, done: Plan) -> None:
    """After the render: what each data sheet now shows, and the last audit row the workbook shows."""
    if manual_layout.is_manual(state) or ctx.setting("ReconciliationId") is None:
        return
    last = _last_audit(ctx, state, done)
    if last is None:
        for name in (HISTORY, TAGS, *SETTINGS.values()):
            if ctx.setting(name):
                ctx.book.set_setting(name, "")
        return
    ctx.book.set_setting(HISTORY, f"{state.id}:{last}")
    listed = _tags(state, _probe(ctx, state))
    held = ";".join(f"{part}={tag}" for part, tag in listed.items() if tag)
    if ctx.setting(TAGS) != held:
        ctx.book.set_setting(TAGS, held)
    tags = {**listed, "audit": last}
    present = set(ctx.book.sheet_names())
    for sheet, name in SETTINGS.items():
        content, lock = _key(state, sheet, tags)
        value = f"{content}:{lock}" if sheet in present and content is not None else ""
        if ctx.setting(name) != value:
            ctx.book.set_setting(name, value)


def showing(ctx: Context, state: State) -> frozenset[str]:
    """The data sheets that show exactly this state's data as the add-in drew them (drawn from these ETags, their
    parts unchanged since): comparing their cells with the server's data could find nothing (handlers/refresh)."""
    done = plan(ctx, state)
    if done.only is None:
        return frozenset()
    return frozenset(s for s in DEPENDS if s in ctx.book.sheet_names() and s not in done.only)


def _probe(ctx: Context, state: State) -> Callable[[str, str], bool]:
    """Asks whether a listing's ETag the workbook keeps (setting ShownTags) is still the server's, without its
    body (state.Held.probe): a press whose sheets show current data then reads no listing it does not draw."""
    kept = dict(item.split("=", 1) for item in (ctx.setting(TAGS) or "").split(";") if "=" in item)
    held = Held(ctx.client, ctx.held, state.tags)
    base = f"/api/reconciliations/{state.id}"

    def probe(part: str, path: str) -> bool:
        return part in kept and held.probe(base + path, kept[part])
    return probe


def _tags(state: State, probe: Callable[[str, str], bool] | None = None) -> dict[str, str | None]:
    """The ETags of the listings this state holds: read now if not yet, unless `probe` confirms the tag the
    workbook was drawn from (then the listing is read only if a sheet drawn now needs it)."""
    base = f"/api/reconciliations/{state.id}"
    reads = {"bank": lambda: len(state.bank), "ledger": lambda: len(state.ledger),
             "matches": lambda: len(state.matches), "transactions": lambda: len(state.txns),
             "review": lambda: (state.review or {}).get("checks")}
    for part, path in LISTINGS.items():
        if base + path not in state.tags and not (probe is not None and probe(part, path)):
            reads[part]()
    return {part: state.tags.get(base + path) for part, path in LISTINGS.items()}


def _key(state: State, sheet: str, tags: dict) -> tuple[str | None, str]:
    """(digest of what the sheet is drawn from, or None when a tag is unknown; digest of the stage's lock)."""
    lock = hashlib.blake2b(repr(policy(state.status).get(sheet)).encode(), digest_size=6).hexdigest()
    parts = [tags.get(d) for d in DEPENDS[sheet]]
    if any(p is None for p in parts):
        return None, lock
    content = hashlib.blake2b(repr((RENDER, state.id, sheet, parts)).encode(), digest_size=12).hexdigest()
    return content, lock


def _audit_tag(ctx: Context, state: State) -> str | None:
    """The last audit row the workbook showed ("id:hash") when the server still holds it as such and none came
    after it; "changed" when rows came after it; None when the history cannot be verified (draw everything)."""
    kept = (ctx.setting(HISTORY) or "").split(":")
    if len(kept) != 3 or kept[0] != str(state.id) or not kept[1].isdigit():
        return None
    row_id, row_hash = int(kept[1]), kept[2]
    rows = ctx.client.get("/api/audit", reconciliation_id=state.id, after=row_id - 1, limit=2)
    if not rows or rows[0]["id"] != row_id or rows[0]["hash"] != row_hash:
        return None
    return f"{row_id}:{row_hash}" if len(rows) == 1 else "changed"


def _last_audit(ctx: Context, state: State, done: Plan) -> str | None:
    """"id:hash" of the last audit row the Audit sheet shows after the render (None: not known)."""
    if done.kept_audit is not None:
        return done.kept_audit
    if isinstance(state.audit, LazyRows) and not state.audit.fetched:
        return None  # the render did not draw Audit
    rows = tuple(state.audit)
    return f"{rows[-1]['id']}:{rows[-1]['hash']}" if rows else None


def _as_written(ctx: Context, sheet: str) -> bool:
    check = getattr(ctx.book, "as_written", None)
    return bool(check and check(sheet))

