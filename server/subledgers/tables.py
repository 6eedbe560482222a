"""The tables of GL-against-subledger checks (migration 0011): which account x legal entity is checked against
which subledger export and how often, each run's figures, and its exceptions."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base, utcnow
from ..store.types import Money


class SubledgerConfig(Base):
    """An account x legal entity checked against a subledger: the files its exports are dropped as, and when."""

    __tablename__ = "subledger_configs"
    __table_args__ = (UniqueConstraint("account", "legal_entity", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(100))
    legal_entity: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # AP | AR | tax | bank
    currency: Mapped[str] = mapped_column(String(3))
    subledger_path: Mapped[str] = mapped_column(Text)
    gl_path: Mapped[str] = mapped_column(Text)
    sign: Mapped[int] = mapped_column(Integer, default=1)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=1440)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class SubledgerRun(Base):
    __tablename__ = "subledger_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    config_id: Mapped[int | None] = mapped_column(ForeignKey("subledger_configs.id"), index=True)
    account: Mapped[str] = mapped_column(String(100))
    legal_entity: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(7))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10))  # done | failed
    message: Mapped[str] = mapped_column(Text, default="")
    gl_balance: Mapped[Decimal | None] = mapped_column(Money)
    subledger_balance: Mapped[Decimal | None] = mapped_column(Money)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    ran_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ran_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SubledgerExceptionRow(Base):
    __tablename__ = "subledger_exceptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("subledger_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    document: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3))
    gl_amount: Mapped[Decimal | None] = mapped_column(Money)
    subledger_amount: Mapped[Decimal | None] = mapped_column(Money)
    difference: Mapped[Decimal] = mapped_column(Money)
    gl_date: Mapped[dt.date | None] = mapped_column(Date)
    subledger_date: Mapped[dt.date | None] = mapped_column(Date)
    party: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(Text)
