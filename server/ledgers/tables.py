"""The tables of ledger-against-ledger reconciliation (migration 0011), on the store's one declarative Base.

A company line's `group_id` points at its one active reconciled group, so a line can never stand in two
groups (of one record or of two records whose filters overlap); `ledger_group_items` keeps every membership,
undone groups too, and `ledger_history` one row per reconcile and unreconcile."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import GL_LINE_ID_COLUMN, Base, utcnow
from ..store.types import Money


class CompanyLine(Base):
    """One line of a company's ledger, imported from a canonical ledger file or the GL template."""

    __tablename__ = "ledger_lines"
    __table_args__ = (UniqueConstraint("company", "line_id"), Index("ix_ledger_lines_company_period", "company",
                                                                      "period"))
    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(100))
    line_id: Mapped[str] = mapped_column(String(GL_LINE_ID_COLUMN))
    date: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # yyyy-mm
    gl_account: Mapped[str] = mapped_column(String(100), default="")
    account: Mapped[str] = mapped_column(String(100), default="")  # the counterparty's account (intercompany)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    document_amount: Mapped[Decimal | None] = mapped_column(Money)
    document_currency: Mapped[str] = mapped_column(String(3), default="")
    reference: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(120), default="")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_groups.id"), index=True)
    imported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LedgerRec(Base):
    """A transaction reconciliation record: what each side retrieves, its status, and a failed batch to rerun."""

    __tablename__ = "ledger_recs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    left_filter: Mapped[str] = mapped_column(Text)  # JSON of records.SideFilter
    right_filter: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="Draft")
    resting_status: Mapped[str] = mapped_column(String(30), default="Draft")  # the status before a batch
    ever_reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    selected: Mapped[str] = mapped_column(Text, default='{"left": [], "right": []}')  # saved selection (JSON)
    pending: Mapped[str | None] = mapped_column(Text)  # JSON {"action", "params"} of a failed batch
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Since migration 0014: the account each side belongs to (access.py; NULL: administrators only) and the
    # lease of a running batch (batch_leases.py).
    left_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    right_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    batch_worker: Mapped[str | None] = mapped_column(String(120))
    batch_lease_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LedgerGroup(Base):
    """Lines of the two sides reconciled together; they net to zero on `basis` in every currency."""

    __tablename__ = "ledger_groups"
    __table_args__ = (UniqueConstraint("rec_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rec_id: Mapped[int] = mapped_column(ForeignKey("ledger_recs.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(20))  # amount | document
    kind: Mapped[str] = mapped_column(String(10), default="manual")  # manual | auto
    made_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LedgerGroupItem(Base):
    __tablename__ = "ledger_group_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("ledger_groups.id"), index=True)
    line_pk: Mapped[int] = mapped_column(ForeignKey("ledger_lines.id"), index=True)
    side: Mapped[str] = mapped_column(String(5))  # left | right


class LedgerHistory(Base):
    """One row per group reconciled or unreconciled: who, when, why, which lines and what they netted to."""

    __tablename__ = "ledger_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    rec_id: Mapped[int] = mapped_column(ForeignKey("ledger_recs.id"), index=True)
    group_key: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))  # reconciled | unreconciled
    by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    lines: Mapped[str] = mapped_column(Text)  # JSON {"left": [line ids], "right": [...]}
    totals: Mapped[str] = mapped_column(Text)  # JSON [[currency, left total, right total], ...]


class LedgerMatchSettings(Base):
    """A user's default auto-match settings ("Save as Default")."""

    __tablename__ = "ledger_match_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    keys: Mapped[str] = mapped_column(String(400))  # comma-separated, 1 to 5
    tolerance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
