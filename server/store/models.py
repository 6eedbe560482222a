"""The server's tables. Money columns are `Money` (exact integer units), dates are `Date`, times are UTC.

A line's `match_id` points at its one active match group, so the database itself refuses a line in two
matches; `match_items` keeps every membership, undone ones too, as history."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import Money


# Line ids (migration 0005). An import stores a bank line id of up to BANK_LINE_ID_LEN characters: the bank's
# own id (an OFX FITID has up to 255) with line_ids' "~<k>" occurrence mark and services/imports' "-<n>"
# suffix; a client sends GL line ids of up to GL_LINE_ID_LEN. Carried forward to the next period, a line's id
# gets "<period name>:" in front (services/recs.start), so the columns hold that much more.
BANK_LINE_ID_LEN = 300
GL_LINE_ID_LEN = 120
PERIOD_NAME_LEN = 40
CARRIED_PREFIX_LEN = PERIOD_NAME_LEN + 1
BANK_LINE_ID_COLUMN = BANK_LINE_ID_LEN + CARRIED_PREFIX_LEN  # every column that holds a bank line's id
GL_LINE_ID_COLUMN = GL_LINE_ID_LEN + CARRIED_PREFIX_LEN


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    gl_account: Mapped[str] = mapped_column(String(100), default="")
    bank_account: Mapped[str] = mapped_column(String(100), default="")
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(10))  # Bank | Manual
    segregation: Mapped[str] = mapped_column(String(10), default="standard")  # standard | strict (workflow.py)
    # Since migration 0009: the legal entity the account belongs to, and what it is (services/accounts.TYPES).
    legal_entity: Mapped[str] = mapped_column(String(200), default="")
    account_type: Mapped[str] = mapped_column(String(10), default="other")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Role(Base):
    __tablename__ = "account_roles"
    __table_args__ = (UniqueConstraint("account_id", "user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))  # preparer | reviewer | approver


class Period(Base):
    __tablename__ = "periods"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(PERIOD_NAME_LEN), unique=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class Reconciliation(Base):
    __tablename__ = "reconciliations"
    __table_args__ = (UniqueConstraint("account_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    status: Mapped[str] = mapped_column(String(20), default="Not Started")
    opening_balance: Mapped[Decimal | None] = mapped_column(Money)  # carried forward
    gl_balance: Mapped[Decimal | None] = mapped_column(Money)
    support_balance: Mapped[Decimal | None] = mapped_column(Money)  # Manual kind
    reconciled_balance: Mapped[Decimal | None] = mapped_column(Money)  # set at approval
    prepared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_hash: Mapped[str | None] = mapped_column(String(64))
    submitted_snapshot: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ever_matched: Mapped[bool] = mapped_column(Boolean, default=False)


class StatementRow(Base):
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("account_id", "fingerprint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    bank_account: Mapped[str] = mapped_column(String(100), default="")
    currency: Mapped[str] = mapped_column(String(3), default="")
    opening_balance: Mapped[Decimal | None] = mapped_column(Money)
    closing_balance: Mapped[Decimal | None] = mapped_column(Money)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    statement_ref: Mapped[str] = mapped_column(String(200), default="")
    format: Mapped[str] = mapped_column(String(40), default="")
    source_name: Mapped[str] = mapped_column(String(300), default="")
    imported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Since migration 0002 (NULL on statements imported before it): whether the bank printed the period
    # (else period_start/end are its first and last lines' dates), how many lines the statement had and
    # how many of them were skipped as already held, and the continuity findings at import (JSON list).
    period_stated: Mapped[bool | None] = mapped_column(Boolean)
    lines_in_file: Mapped[int | None] = mapped_column(Integer)
    lines_skipped: Mapped[int | None] = mapped_column(Integer)
    continuity: Mapped[str | None] = mapped_column(Text)
    # Since migration 0006: where each balance came from ("file": stated by the bank; "entered": typed by a user
    # from the printed statement, who and when below; NULL: unknown, or imported before 0006), and the booked
    # lines' total at import (to check an entered balance against; NULL before 0006).
    opening_source: Mapped[str | None] = mapped_column(String(10))
    closing_source: Mapped[str | None] = mapped_column(String(10))
    opening_entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opening_entered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closing_entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closing_entered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lines_total: Mapped[Decimal | None] = mapped_column(Money)


class StatementFinding(Base):
    """Something a statement's own figures say that does not add up (records.Finding), kept with the statement
    (migration 0006). Submit is refused while one of the reconciliation's findings is not acknowledged: the
    preparer says, with a comment, why the reconciliation stands anyway."""

    __tablename__ = "statement_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    statement_ref: Mapped[str] = mapped_column(String(200), default="")  # as the file names it ("#2", an id)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    figures: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[name, exact decimal text], ...]
    origin: Mapped[str] = mapped_column(String(10), default="import")  # import | entry (a balance entered later)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")


class _Annotated:
    """What an accountant records about an unmatched item."""

    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    item_status: Mapped[str] = mapped_column(String(20), default="open")
    notes: Mapped[str] = mapped_column(Text, default="")


class BankLineRow(_Annotated, Base):
    __tablename__ = "bank_lines"
    __table_args__ = (UniqueConstraint("reconciliation_id", "line_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"), index=True)
    line_id: Mapped[str] = mapped_column(String(BANK_LINE_ID_COLUMN))
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(20), default="other")
    check_number: Mapped[str] = mapped_column(String(40), default="")
    value_date: Mapped[dt.date | None] = mapped_column(Date)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    carried_from: Mapped[int | None] = mapped_column(Integer)  # bank_lines.id in the prior period
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"), index=True)


class GLLineRow(_Annotated, Base):
    __tablename__ = "gl_lines"
    __table_args__ = (UniqueConstraint("reconciliation_id", "line_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"))
    line_id: Mapped[str] = mapped_column(String(GL_LINE_ID_COLUMN))
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(120), default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    carried_from: Mapped[int | None] = mapped_column(Integer)  # gl_lines.id in the prior period
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"), index=True)


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("reconciliation_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"))
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # auto | manual
    rule: Mapped[str] = mapped_column(String(80))
    confidence: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undo_reason: Mapped[str] = mapped_column(Text, default="")
    # Since migration 0004: who accepted the match and when. NULL while an auto-match is only proposed (the
    # engine's work, waiting for the preparer's review); manual and posting matches are accepted when made.
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MatchItem(Base):
    __tablename__ = "match_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), index=True)
    side: Mapped[str] = mapped_column(String(6))  # bank | ledger
    bank_line_id: Mapped[int | None] = mapped_column(ForeignKey("bank_lines.id"))
    gl_line_id: Mapped[int | None] = mapped_column(ForeignKey("gl_lines.id"))


class ManualItem(_Annotated, Base):
    """A reconciling item of a Manual reconciliation (support balance vs GL balance)."""

    __tablename__ = "manual_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text, default="")
    carried_from: Mapped[int | None] = mapped_column(Integer)  # manual_items.id in the prior period (0016)


class NewTransaction(Base):
    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    gl_account: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="custom")
    bank_line_id: Mapped[str] = mapped_column(String(BANK_LINE_ID_COLUMN), default="")
    rule: Mapped[str] = mapped_column(String(80), default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Since migration 0003: set when the transaction was posted (its GL line NT-<id>), NULL until then.
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    posted_line_id: Mapped[str | None] = mapped_column(String(120))


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import | auto_match
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="Queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    message: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rerun_of: Mapped[int | None] = mapped_column(Integer)
    # Claimed through the database (server/job_claims.py): which server process runs it, and its lease.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_renewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claims: Mapped[int] = mapped_column(Integer, default=0)


class Schedule(Base):
    """Scheduled auto-reconciliation of an account's open reconciliation."""

    __tablename__ = "schedules"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the scheduled runs act as this user
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditRow(Base):
    """Append-only, hash-chained: hash = SHA-256(prev_hash + canonical JSON of the row's other fields)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, exactly as hashed
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(BANK_LINE_ID_COLUMN))  # a bank line's id, among others
    reconciliation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str] = mapped_column(Text)  # canonical JSON
    after: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, one row: appends lock it, so the chain is a line even under concurrency."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


Index("ix_jobs_status", Job.status)


class ReviewTick(Base):
    """The reviewer's tick and comment on one review check of a reconciliation (migration 0008). Approve is
    refused while a check fails and its comment is empty (services/review_checks.py)."""

    __tablename__ = "review_ticks"
    __table_args__ = (UniqueConstraint("reconciliation_id", "check_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    check_id: Mapped[str] = mapped_column(String(40))
    ticked: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ChartAccount(Base):
    """One GL account of an account's chart of accounts, as the workbook's Rules sheet last sent it (migration
    0008): the review checks that new transactions post to an account of the chart."""

    __tablename__ = "chart_accounts"
    __table_args__ = (UniqueConstraint("account_id", "gl_account"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    gl_account: Mapped[str] = mapped_column(String(100))


class AccountSetting(Base):
    """What an account remembers for its next workbooks (migration 0010): the import options its preparer chose
    ("import_options") and the Rules sheet saved as its default ("rules"); the value is JSON."""

    __tablename__ = "account_settings"
    __table_args__ = (UniqueConstraint("account_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text, default="{}")
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReconciliationVersion(Base):
    """A reconciliation's data versions (migration 0015, store/versions.py): counters bumped in the transaction
    of every change, the whole data's and each listing's, read by the ETags and the review cache."""

    __tablename__ = "reconciliation_versions"
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), primary_key=True,
                                                   autoincrement=False)
    data: Mapped[int] = mapped_column(Integer, default=0)
    bank: Mapped[int] = mapped_column(Integer, default=0)
    ledger: Mapped[int] = mapped_column(Integer, default=0)
    matches: Mapped[int] = mapped_column(Integer, default=0)
    transactions: Mapped[int] = mapped_column(Integer, default=0)
