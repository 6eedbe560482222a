"""The local server's port, one per user, kept in $TIEOUT_HOME/port.

Several people on one machine (a terminal server) each run their own local server: with one fixed port the
first to start takes it and the others' add-ins would talk to her server, with her token refused. So the port
is chosen once per TIEOUT_HOME: 8765 (the documented default) when it is free, else a free port in a range
spread by the user's name, then kept, so the add-in and `tieout serve` of that user always agree on it."""
from __future__ import annotations

import getpass
import hashlib
import socket
from pathlib import Path

from ..private_home import private_dir

DEFAULT_PORT = 8765
FIRST, SPAN = 20000, 20000  # the range other users' ports are drawn from
FILE = "port"


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _candidates(user: str):
    yield DEFAULT_PORT
    start = int.from_bytes(hashlib.sha256(user.encode("utf-8")).digest()[:4], "big") % SPAN
    for k in range(SPAN):
        yield FIRST + (start + k) % SPAN


def stored_port(home: Path) -> int | None:
    try:
        value = int((Path(home) / FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return value if 0 < value < 65536 else None


def user_port(home: Path, user: str | None = None) -> int:
    """The port kept in `home`, else one chosen now (free at this moment) and kept."""
    kept = stored_port(home)
    if kept is not None:
        return kept
    user = user or getpass.getuser()
    port = next(p for p in _candidates(user) if _free(p))
    private_dir(Path(home))
    (Path(home) / FILE).write_text(f"{port}\n", encoding="utf-8")
    return port
