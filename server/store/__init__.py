"""Storage of the calculation server: SQLAlchemy models, one `Store` per app, Alembic migrations.

SQLite in $TIEOUT_HOME by default; PostgreSQL (psycopg 3) when TIEOUT_DATABASE_URL names one."""
from .db import Store, database_url, open_store

__all__ = ["Store", "database_url", "open_store"]
