"""The server's state of one reconciliation, read through the API into immutable records (Decimal money,
real dates), so that rendering, comparing and posting never touch JSON."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ...server.services.posting import POSTED_SOURCE, posted_line_id  # one definition: the server's
from ..client import NOT_MODIFIED, Client


def _money(v) -> Decimal | None:
    return None if v is None or v == "" else Decimal(str(v))


def _date(v) -> dt.date | None:
    return dt.date.fromisoformat(v[:10]) if v else None


def match_number(key: str) -> int:
    """M000012 -> 12 (keys are numbered in creation order per reconciliation)."""
    digits = "".join(ch for ch in key if ch.isdigit())
    return int(digits) if digits else 0


@dataclass(frozen=True)
class Line:
    side: str  # bank | ledger
    line_id: str
    date: dt.date
    amount: Decimal
    currency: str
    reference: str
    description: str
    kind: str  # bank: transaction type; ledger: source
    extra: str  # bank: check number; ledger: counterparty
    match: str | None
    owner: str
    due_date: dt.date | None
    item_status: str
    notes: str
    pending: bool = False
    carried: bool = False  # brought forward from the prior period's open items

    @property
    def posted_here(self) -> bool:
        return self.side == "ledger" and self.kind == POSTED_SOURCE and self.line_id.startswith("NT-")


@dataclass(frozen=True)
class MatchGroup:
    key: str
    kind: str  # auto | manual
    rule: str
    confidence: Decimal
    reason: str
    bank: tuple[str, ...]
    ledger: tuple[str, ...]
    state: str = "accepted"  # the server's: proposed (an auto-match nobody accepted yet) | accepted
    accepted_by: str | None = None
    accepted_at: str | None = None


@dataclass(frozen=True)
class Txn:
    id: int
    date: dt.date
    amount: Decimal
    currency: str
    gl_account: str
    description: str
    kind: str
    bank_line_id: str
    rule: str


class _Deferred:
    """One GET asked only when something reads its answer, and only once: a press that syncs the user's input
    reads the state without rendering it, and the parts only sheets show (the review's checks, seconds at
    20,000 lines; every match; the audit trail; the last auto-match's suggestions) are then never asked for."""

    def __init__(self, fetch: Callable[[], object]):
        self._fetch, self._answer, self.fetched = fetch, None, False

    @property
    def _data(self):
        if not self.fetched:
            self._answer, self.fetched = self._fetch(), True
        return self._answer

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, key):
        return self._data[key]


class LazyReview(_Deferred, Mapping):
    """GET .../review (a dict) when read."""


class LazyRows(_Deferred, Sequence):
    """A listing (a tuple of rows) when read; equal to another listing of the same rows, as a tuple is."""

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and tuple(self) == tuple(other)

    __hash__ = None


@dataclass(frozen=True)
class State:
    rec: dict  # the server's description: status, balances, figures, sign-offs
    account: dict
    bank: Sequence[Line]  # a tuple, but lazy (LazyRows) in the inputs' sync state (common.current_state)
    ledger: Sequence[Line]
    matches: Sequence[MatchGroup]  # lazy in a press (LazyRows), as are audit and suggestions
    txns: tuple[Txn, ...]
    statements: tuple[dict, ...]
    audit: Sequence[dict]
    cash_account: str = ""  # the GL cash account: the server account's, else the workbook's CashAccount
    findings: tuple[dict, ...] = ()  # the statements' findings as the server lists them (GET .../findings)
    suggestions: Sequence[dict] = ()  # the last auto-match's ranked candidates for the lines it held
    review: Mapping | None = None  # GET .../review (lazy in a press: LazyReview): checks, ticks, aging, escalations
    chart: tuple[str, ...] = ()  # the account's chart of accounts as the server holds it (GET .../chart)
    default_rules: tuple[dict, ...] = ()  # the account's rules saved as its default (Save Rules as Default)
    items: tuple = ()  # a Manual account's reconciling items (manual/items.Item), read by common.current_state
    # path -> the ETag of the answer this state holds for it (filled as its listings are read): what the sheets
    # drawn from this state show, named by the server (handlers/shown_sheets.py)
    tags: dict = field(default_factory=dict, compare=False, repr=False)
    # GET .../summary-sums (lazy): the Summary's sums of unmatched lines and count of proposed matches, asked for
    # only when the lines (or matches) are not read anyway (sheets.summary_sums)
    sums: Mapping | None = field(default=None, compare=False, repr=False)

    def holds(self, listing: Sequence) -> bool:
        """Whether the listing's rows are here (read, or a tuple): adding them up then costs no server call."""
        return not isinstance(listing, _Deferred) or listing.fetched

    def suggested_for(self, side: str, line_id: str) -> list[dict]:
        """Suggestions naming a line, whose lines are all still unmatched (a suggestion is never a match)."""
        if not self.suggestions:
            return []
        open_ids = self._open_ids
        return [s for s in self.suggestions if line_id in s[side]
                and all(("bank", i) in open_ids for i in s["bank"])
                and all(("ledger", i) in open_ids for i in s["ledger"])]

    @cached_property
    def _open_ids(self) -> frozenset[tuple[str, str]]:
        """Unmatched lines as (side, line_id): asked once per Unmatched row, built once per state."""
        return frozenset({("bank", ln.line_id) for ln in self.bank if ln.match is None}
                         | {("ledger", ln.line_id) for ln in self.ledger if ln.match is None})

    @property
    def gl_balance(self) -> Decimal | None:
        return _money(self.rec.get("gl_balance"))

    @property
    def id(self) -> int:
        return self.rec["id"]

    @property
    def status(self) -> str:
        return self.rec["status"]

    @property
    def period_end(self) -> dt.date:
        return dt.date.fromisoformat(self.rec["period"]["end"])

    @property
    def open_findings(self) -> tuple[dict, ...]:
        """Findings nobody acknowledged yet: Submit is refused while any remains."""
        return tuple(f for f in self.findings if f["state"] == "open")

    def figure(self, name: str) -> Decimal | None:
        return _money(self.rec["figures"].get(name))

    def proposed(self, m: MatchGroup) -> bool:
        """An auto-match nobody has accepted yet, as the server says (shown green, outside the Matched sheet)."""
        return m.state == "proposed"

    # Lookups are computed once per state (cached_property writes the instance's __dict__ directly, which a
    # frozen dataclass allows): rendering asks them for every line.
    @cached_property
    def proposed_keys(self) -> frozenset[str]:
        return frozenset(m.key for m in self.matches if self.proposed(m))

    def line(self, side: str, line_id: str) -> Line | None:
        return self._lines.get((side, line_id))

    @cached_property
    def _lines(self) -> dict:
        return {(ln.side, ln.line_id): ln for ln in (*self.bank, *self.ledger)}

    def match(self, key: str) -> MatchGroup | None:
        return self._matches.get(key)

    @cached_property
    def _matches(self) -> dict:
        return {m.key: m for m in self.matches}

    @cached_property
    def posted_ids(self) -> frozenset[str]:
        return frozenset(ln.line_id for ln in self.ledger if ln.posted_here)

    def posted(self, t: Txn) -> bool:
        return posted_line_id(t.id) in self.posted_ids


def _bank(d: dict) -> Line:
    return Line("bank", d["line_id"], _date(d["date"]), _money(d["amount"]), d["currency"], d["reference"] or "",
                d["description"] or "", d["type"] or "", d["check_number"] or "", d["match"], d["owner"] or "",
                _date(d["due_date"]), d["status"] or "open", d["notes"] or "", bool(d["pending"]),
                bool(d.get("carried_forward")))


def _ledger(d: dict) -> Line:
    return Line("ledger", d["line_id"], _date(d["date"]), _money(d["amount"]), d["currency"], d["reference"] or "",
                d["description"] or "", d["source"] or "", d["counterparty"] or "", d["match"], d["owner"] or "",
                _date(d["due_date"]), d["status"] or "open", d["notes"] or "",
                carried=bool(d.get("carried_forward")))


class _Unparsed:
    """An answer a probe received (its tag was stale), kept to be parsed by the read that needs it."""

    def __init__(self, answer):
        self.answer = answer


class Held:
    """What a press already read of the listings and the review that carry ETags (bank and GL lines, matches,
    new transactions, the review), parsed: read again, each is asked with If-None-Match and kept when the server
    answers 304. A press that changes a few matches then redraws reads the 20,000 bank lines once, not twice."""

    def __init__(self, client: Client, answers: dict | None = None, tags: dict | None = None):
        self.client = client
        self.answers = {} if answers is None else answers  # path -> (ETag, parsed)
        self.tags = {} if tags is None else tags  # path -> the ETag of the answer returned (State.tags)

    def get(self, path: str, parse: Callable[[object], object]):
        etag, parsed = self.answers.get(path, (None, None))
        tag, answer = self.client.get_if_changed(path, etag)
        if answer is NOT_MODIFIED:
            if type(parsed) is _Unparsed:
                parsed = parse(parsed.answer)
                self.answers[path] = (etag, parsed)
            self.tags[path] = etag
            return parsed
        parsed = parse(answer)
        self.tags[path] = tag
        if tag:
            self.answers[path] = (tag, parsed)
        return parsed

    def probe(self, path: str, etag: str) -> bool:
        """Whether `etag` (what a sheet was drawn from) still names the answer at `path`, asked without its body
        (304). When it does not, the new answer is kept unparsed for the read that follows (no second body)."""
        if path in self.tags:
            return self.tags[path] == etag
        tag, answer = self.client.get_if_changed(path, etag)
        if answer is NOT_MODIFIED:
            self.tags[path] = etag
            return True
        if tag:
            self.answers[path] = (tag, _Unparsed(answer))
        return False


def load_state(client: Client, rec_id: int, cash_account: str = "", lazy: bool = False,
               held: dict | None = None, lazy_lines: bool = False) -> State:
    """The state as the server holds it now. `lazy`: the matches, audit trail, suggestions and review are asked
    for when first read (a button press's state, common.current_state, read again after any change it sends);
    otherwise all now, a snapshot that later changes on the server do not alter. `held`: what the press
    already read (Held's answers), re-read only where the server's ETag changed. `lazy_lines`: the bank and GL
    lines too are asked for when first read (the inputs' sync, which needs them only when the user typed)."""
    base = f"/api/reconciliations/{rec_id}"
    rec = client.get(base)
    account = client.get(f"/api/accounts/{rec['account']['id']}")
    rows, review = (LazyRows, LazyReview) if lazy else (_now, _now)
    lines = LazyRows if lazy and lazy_lines else _now
    tags: dict = {}
    get = Held(client, held, tags).get
    matches = rows(lambda: get(base + "/matches", lambda answer: tuple(_match(m) for m in answer)))
    txns = get(base + "/transactions", lambda answer: tuple(
        Txn(t["id"], _date(t["date"]), _money(t["amount"]), t["currency"], t["gl_account"] or "",
            t["description"] or "", t["kind"], t["bank_line_id"] or "", t["rule"] or "") for t in answer))
    bank = lines(lambda: get(base + "/bank-lines", lambda answer: tuple(_bank(d) for d in answer)))
    ledger = lines(lambda: get(base + "/gl-lines", lambda answer: tuple(_ledger(d) for d in answer)))
    return State(rec, account, bank, ledger, matches, txns,
                 tuple(client.get(base + "/statements")),
                 rows(lambda: tuple(client.get_all("/api/audit", reconciliation_id=rec_id))),
                 account.get("gl_account") or cash_account, tuple(client.get(base + "/findings")),
                 rows(lambda: _last_suggestions(client.get(base + "/jobs"))),
                 review(lambda: get(base + "/review", lambda answer: answer)),
                 tuple(client.get(f"/api/accounts/{rec['account']['id']}/chart")["accounts"]),
                 tuple(client.get(f"/api/accounts/{account['id']}/settings/rules")["value"].get("rows") or ()),
                 tags=tags, sums=LazyReview(lambda: client.get(base + "/summary-sums")))


def _now(fetch: Callable[[], object]):
    return fetch()


def _match(m: dict) -> MatchGroup:
    return MatchGroup(m["key"], m["kind"], m["rule"], _money(m["confidence"]) or Decimal(0), m["reason"] or "",
                      tuple(m["bank"]), tuple(m["ledger"]), m["state"], m.get("accepted_by"), m.get("accepted_at"))


def _last_suggestions(jobs: list[dict]) -> tuple[dict, ...]:
    """The suggestions of the last finished auto-match job (none when a later run found none)."""
    done = [j for j in jobs if j.get("kind") == "auto_match" and j.get("status") == "Done"]
    return tuple((done[-1].get("detail") or {}).get("suggestions") or ()) if done else ()
