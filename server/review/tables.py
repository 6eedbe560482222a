"""The review's own table (migration 0014), on the store's one declarative Base: the reviewer's tick and
comment on one line of a check (a matched pair of unusual_matches, a new transaction...), beside the tick per
check (store.models.ReviewTick). A line is named as the check names it: its side and ref (CheckLine)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base


class ReviewLineTick(Base):
    __tablename__ = "review_line_ticks"
    __table_args__ = (UniqueConstraint("reconciliation_id", "check_id", "side", "ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    check_id: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(300))
    ticked: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime | None] = mapped_column(DateTime)
