"""Many rows of one table inserted from columns, in one executemany of the database driver (issue 17).

Why not `connection.execute(insert(table), rows)`: SQLAlchemy builds and processes every row's parameters in
Python, row by row (construct_params, then each column's bind processor), which cost about a second of CPU
per 20,000 bank lines, several times the database's own work. Here each column's bind processor (the very one
SQLAlchemy applies: Money's integer units, SQLite's date text) is mapped over the column once, the rows are
zipped in C and the driver takes them as they are. Scalar column defaults of the model fill the columns not
given, as an insert through SQLAlchemy would. The data versions (versions.py) are told what the rows touch,
as their listener is told for SQLAlchemy's own statements."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat

from sqlalchemy import Table

from . import versions

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_columns(session, table: Table, columns: Mapping[str, Sequence]) -> int:
    """Insert len(any column) rows into `table` in the session's transaction; returns how many. Every column
    given must have as many values; a column with a default computed per row must be given."""
    sizes = {len(values) for values in columns.values()}
    if len(sizes) != 1:
        raise ValueError(f"{table.name}: columns of different lengths {sorted(sizes)}")
    count = sizes.pop()
    if not count:
        return 0
    session.flush()  # what the session holds goes first, as session.execute() would autoflush it
    conn = session.connection()
    dialect = conn.dialect
    names, data = [], []
    for col in table.columns:
        if col.name in columns:
            values = columns[col.name]
        elif col.default is not None and col.default.is_scalar:
            values = repeat(col.default.arg, count)
        elif col.default is not None:
            raise ValueError(f"{table.name}.{col.name}: its default is computed per row; give the column")
        else:
            continue  # NULL, or the database's own default and key
        process = col.type.dialect_impl(dialect).bind_processor(dialect)
        names.append(col.name)
        data.append(list(map(process, values)) if process else values)
    unknown = set(columns) - set(names)
    if unknown:
        raise ValueError(f"{table.name}: no column {', '.join(sorted(unknown))}")
    mark = placeholder(dialect)
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(map(quote, names))}) "
           f"VALUES ({', '.join(repeat(mark, len(names)))})")
    conn.exec_driver_sql(sql, list(zip(*data)))
    if conn.get_execution_options().get("tieout_write"):
        recs = columns.get("reconciliation_id", ())
        versions.note(conn, table.name, [{"reconciliation_id": r} for r in set(recs)])
    return count


def placeholder(dialect) -> str:
    """The driver's parameter mark (its paramstyle) for a statement sent past SQLAlchemy's compiler."""
    return _PLACEHOLDERS[dialect.paramstyle]
