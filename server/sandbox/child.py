"""The worker's side: set the budget, run the reader, send back its result or its refusal. Whatever the reader
does to this process, the parent only ever sees a message or a dead child (runner.py tells which death)."""
from __future__ import annotations

import faulthandler
import os
import traceback

from ..errors import InputError
from ..gc_pause import paused_gc
from . import transport


def main(conn, stderr_path: str, budget, environ: dict, fn, args) -> None:
    # the caller's environment now, not the fork server's from when it started (TIEOUT_HOME and its profiles...)
    os.environ.clear()
    os.environ.update(environ)
    fd = os.open(stderr_path, os.O_WRONLY | os.O_TRUNC)
    os.dup2(fd, 2)  # what a native reader prints before aborting tells the parent why it died
    os.close(fd)
    faulthandler.disable()  # a forked caller's fault handler would print this worker's end as its own
    budget.apply()
    try:
        try:
            result = fn(*args)
            with paused_gc():
                conn.send(("ok", transport.pack(result)))
        except InputError as exc:
            conn.send(("refused", type(exc), exc.file, exc.problems))
        except MemoryError:
            conn.send(("memory",))
        except Exception as exc:  # noqa: BLE001 - an internal error is reported as one, with its traceback
            conn.send(("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    except MemoryError:  # the result itself did not fit in the budget while being sent
        conn.send(("memory",))
    finally:
        conn.close()
