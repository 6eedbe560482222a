"""The store: migrations, SQLite settings, exact money on both backends, and all-or-nothing changes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from test_server_kit import db_url, pg_cluster  # noqa: F401
from tieout.server.controls import audit, audit_anchor
from tieout.server.services.context import Actor, change
from tieout.server.store import open_store
from tieout.server.store.migrate import MIGRATIONS, current
from tieout.server.store.models import Account, AuditRow, Base, ManualItem, Role
from tieout.server.store.types import Money, MoneyScaleError, money_str


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.dispose()


def test_migrations_build_the_whole_schema_and_rerun_as_no_op(store, db_url):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None and current(store) == head
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    again = open_store(db_url)
    try:
        assert current(again) == head
    finally:
        again.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        s.dispose()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError):
        with store.write() as s:
            s.add(Role(account_id=999, user_id=999, role="preparer"))


# up to 10^13 each: 20 of them still sum inside a signed 64-bit count of 1/10,000 units
AMOUNTS = st.decimals(min_value=Decimal("-9999999999999.9999"), max_value=Decimal("9999999999999.9999"),
                      places=4, allow_nan=False, allow_infinity=False)


@pytest.fixture
def rec_id(store):
    import datetime as dt

    from tieout.server.store.models import Period, Reconciliation, User

    with store.write() as s:
        user = User(name="u")
        acc = Account(name="Manual", currency="USD", kind="Manual")
        period = Period(name="2026-01", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
        s.add_all([user, acc, period])
        s.flush()
        rec = Reconciliation(account_id=acc.id, period_id=period.id)
        s.add(rec)
        s.flush()
        return rec.id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=20))
def test_money_round_trips_and_sums_exactly(store, rec_id, amounts):
    import datetime as dt

    from tieout.server.services.summary import _sum

    with store.write() as s:
        s.execute(text("DELETE FROM manual_items"))
        s.add_all([ManualItem(reconciliation_id=rec_id, date=dt.date(2026, 1, 1), amount=a) for a in amounts])
    with store.read() as s:
        got = [i.amount for i in s.scalars(select(ManualItem).order_by(ManualItem.id))]
        total, count = _sum(s, ManualItem.amount, ManualItem.reconciliation_id == rec_id)
    assert got == amounts
    assert (total, count) == (sum(amounts, Decimal(0)), len(amounts))


def test_money_refuses_rounding_and_floats():
    col = Money()
    with pytest.raises(MoneyScaleError):
        col.process_bind_param(Decimal("0.00001"), None)
    with pytest.raises(TypeError):
        col.process_bind_param(0.1, None)
    assert money_str(Decimal("12.5000")) == "12.50" and money_str(Decimal("0.1235")) == "0.1235"
    assert money_str(Decimal("-3")) == "-3.00"


def test_a_failed_change_leaves_neither_rows_nor_audit(store):
    actor = Actor(0, "tester")
    with pytest.raises(RuntimeError):
        with change(store, actor) as ch:
            ch.session.add(Account(name="Temp", currency="USD", kind="Bank"))
            ch.session.flush()
            ch.audit("account.create", "account", 1, None, {"name": "Temp"})
            raise RuntimeError("boom")
    with store.read() as s:
        assert s.scalars(select(Account)).all() == []
        assert s.scalars(select(AuditRow)).all() == []
        verdict = audit.verify(s)  # no row, and no anchor for the rolled-back one: empty, not broken
        assert verdict.rows == 0 and verdict.broken_id is None and "empty" in verdict.problem, verdict.describe()
    assert not audit_anchor.anchor_path().exists()
