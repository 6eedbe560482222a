"""One column of many rows, each found by its primary key, set in one executemany of the database driver (issue 17).

Why not `connection.execute(table.update()..., rows)`: as for inserts (bulk_insert.py), SQLAlchemy builds and
processes every row's parameters in Python, which cost more than the database's own work for the 40,000 lines an
auto-match at 20,000 bank lines places in groups. The column's own bind processor is mapped over the values once;
the data versions (versions.py) are told the table and reconciliation, as their listener would be."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table

from . import versions
from .bulk_insert import placeholder


def set_by_id(session, table: Table, column: str, values: Sequence, ids: Sequence[int], rec_id: int) -> int:
    """`table.column = values[k]` on the row whose id is `ids[k]`, in the session's transaction (rows of
    reconciliation `rec_id`); returns how many were given."""
    if len(values) != len(ids):
        raise ValueError(f"{table.name}.{column}: {len(values)} values for {len(ids)} rows")
    if not ids:
        return 0
    session.flush()  # what the session holds goes first, as session.execute() would autoflush it
    conn = session.connection()
    dialect = conn.dialect
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    quote, mark = dialect.identifier_preparer.quote, placeholder(dialect)
    sql = (f"UPDATE {dialect.identifier_preparer.format_table(table)} SET {quote(column)} = {mark} "
           f"WHERE {quote('id')} = {mark}")
    conn.exec_driver_sql(sql, list(zip(map(process, values) if process else values, ids)))
    if conn.get_execution_options().get("tieout_write"):
        versions.note(conn, table.name, [{"reconciliation_id": rec_id}])
    return len(ids)
