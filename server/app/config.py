"""Server settings: defaults, then the environment (TIEOUT_*), then what `create_app(config)` is given."""
from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_PORT = 8765
DEFAULT_MAX_CONTENT_LENGTH = 256 * 1024 * 1024


def _int_env(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def load(overrides: dict | None = None) -> dict:
    home = Path(os.environ.get("TIEOUT_HOME") or Path.home() / ".tieout")
    cfg = {
        "TIEOUT_HOME": home,
        "DATABASE_URL": os.environ.get("TIEOUT_DATABASE_URL") or None,  # None: SQLite in TIEOUT_HOME
        "MODE": os.environ.get("TIEOUT_MODE", "local"),  # local | team
        "TEAM_HOST": os.environ.get("TIEOUT_TEAM_HOST") or None,  # Host header a team server answers to
        "ALLOWED_ORIGINS": [o for o in os.environ.get("TIEOUT_ALLOWED_ORIGINS", "").split(",") if o],
        "SERVER_PORT": None,  # set by `tieout serve`; None accepts any port on loopback names (tests)
        "MAX_CONTENT_LENGTH": _int_env("TIEOUT_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH),
        "IMPORT_BACKGROUND_BYTES": _int_env("TIEOUT_IMPORT_BACKGROUND_BYTES", 2 * 1024 * 1024),
        "JOB_WORKERS": _int_env("TIEOUT_JOB_WORKERS", 1),
        # PostgreSQL: a job whose server renewed no lease for this long is requeued (server/job_claims.py)
        "JOB_LEASE_SECONDS": _int_env("TIEOUT_JOB_LEASE_SECONDS", 30),
        "SCHEDULER_INTERVAL": _int_env("TIEOUT_SCHEDULER_INTERVAL", None),  # seconds; None: no scheduler
        "LOCAL_USER": os.environ.get("TIEOUT_USER") or getpass.getuser(),
    }
    for key, value in (overrides or {}).items():
        cfg[key] = value
    cfg["TIEOUT_HOME"] = Path(cfg["TIEOUT_HOME"])
    if cfg["MODE"] not in ("local", "team"):
        raise ValueError(f"TIEOUT_MODE must be local or team, not {cfg['MODE']!r}")
    return cfg
