"""`tieout audit verify` on whatever it finds: a missing, empty or damaged store is a clear verdict (exit 2),
never a traceback and never "intact". The store is opened as it is: no migration, no file created."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from .audit import Verdict, verify
from ..store.db import Store, database_url


def verify_store(url: str | None = None) -> Verdict:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            return Verdict(False, 0, None, f"there is no database at {path}: nothing was ever recorded here "
                                           "(is TIEOUT_HOME or TIEOUT_DATABASE_URL the one you meant?)")
    store = Store(url)
    try:
        with store.read() as session:
            return verify(session)
    except (SQLAlchemyError, ValueError, TypeError, UnicodeDecodeError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return Verdict(False, 0, None, f"the database {_shown(url)} cannot be read as a Tieout store ({detail}): "
                                       "it is damaged, or not a Tieout database")
    finally:
        store.dispose()


def _shown(url: str) -> str:
    """The database's name without a password."""
    return url.removeprefix("sqlite:///") if url.startswith("sqlite") else url.split("@")[-1]
