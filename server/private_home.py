"""$TIEOUT_HOME belongs to its owner alone: the folder 0700, the database, token and logs 0600.

Whoever makes it first (the server, the add-in starting the server and opening its log, the CLI) goes through
here, so the default umask (often 022) never decides: a folder made 0755 by an earlier `mkdir -p` is tightened,
and files are created with their final mode rather than chmod-ed after a window in which others could open them.
POSIX modes only; on Windows the user's profile folder already keeps other users out."""
from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """`path` (and missing parents) made owner-only; an existing folder of ours that is looser is tightened."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):  # mkdir(parents=True) would make the parents with the umask's mode
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """`path` exists, owner-only (created empty with mode 0600 when missing; a looser one of ours is tightened)."""
    path = Path(path)
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def open_private_log(path: Path):
    """A log file opened for appending (binary), owner-only."""
    return open(private_file(path), "ab")  # noqa: SIM115 - the caller owns and closes it


def _tighten(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    st = path.stat()
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(path, mode)
