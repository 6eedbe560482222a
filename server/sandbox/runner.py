"""The parent's side: one fresh worker process per file, and what its end means.

A fresh process per file rather than a long-lived pool: RLIMIT_CPU counts a process's whole life, memory a
reader grabbed is given back only when its process ends, and a dead worker then needs no replacing. Workers
come from a fork server started once per process (POSIX), which has the importers loaded already (preload.py),
so a worker costs a fork; forking the caller itself is unsafe in the threaded server. Windows spawns.
TIEOUT_SANDBOX_START=fork forks the caller instead, so that the worker inherits its state: the test suite uses it
for the test importer it installs in its own process."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from ..gc_pause import paused_gc
from . import child, transport
from .budget import Budget

_PRELOAD = ["tieout.server.sandbox.preload"]


class ReaderFailed(RuntimeError):
    """The reader raised an unexpected (internal) error in the worker; its traceback is in the message."""


def _context():
    if os.environ.get("TIEOUT_SANDBOX_START") == "fork":
        return multiprocessing.get_context("fork")
    if sys.platform == "win32" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def run(fn, *args, source, error, budget: Budget | None = None):
    """fn(*args) in a worker within `budget` (default: from the environment). Its InputError is raised here as
    it was raised there; a worker that runs out of its budget, aborts or hangs raises `error(source, ...)`
    saying so; any other exception raises ReaderFailed. fn and args must pickle (a module-level function)."""
    budget = budget or Budget.from_environment()
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    fd, log = tempfile.mkstemp(prefix="tieout-reader-", suffix=".log")
    os.close(fd)
    proc = ctx.Process(target=child.main, args=(sender, log, budget, dict(os.environ), fn, args), daemon=True,
                       name="tieout-reader")
    try:
        proc.start()
        sender.close()
        outcome = _receive(receiver, proc, budget.wall_seconds)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()
        stderr = _stderr(log)
    return _verdict(outcome, proc.exitcode, stderr, budget, source, error)


def _receive(receiver, proc, wall_seconds: float):
    """The worker's message; None when it died without one; "timeout" when it ran out of wall-clock time."""
    deadline = time.monotonic() + wall_seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        if receiver.poll(min(left, 1.0)):
            try:
                with paused_gc():  # a result is many small objects that all stay alive (see gc_pause)
                    return receiver.recv()
            except (EOFError, OSError):
                return None
        if not proc.is_alive() and not receiver.poll(0):
            return None


def _stderr(log: str) -> str:
    """The start of what the worker printed (a Rust abort names the failed allocation before its backtrace)."""
    try:
        with open(log, "rb") as fh:
            return fh.read(16384).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        Path(log).unlink(missing_ok=True)


def _verdict(outcome, exitcode, stderr: str, budget: Budget, source, error):
    if isinstance(outcome, tuple):
        kind = outcome[0]
        if kind == "ok":
            with paused_gc():  # the lines are rebuilt here: many small objects that all stay alive
                return transport.unpack(outcome[1])
        if kind == "refused":
            _, cls, file, problems = outcome
            raise cls(file, problems)
        if kind == "failed":
            raise ReaderFailed(f"{source}: the reader failed: {outcome[1]}\n{outcome[2]}")
        if kind == "memory":
            raise error(source, f"could not be read safely: the reader ran out of its {budget.memory_text()} "
                                "memory budget")
    raise error(source, "could not be read safely: " + _death(outcome, exitcode, stderr, budget))


_ALLOCATION_CRASHES = frozenset({signal.SIGSEGV, signal.SIGBUS})


def _death(outcome, exitcode, stderr: str, budget: Budget) -> str:
    """Why the worker ended without an answer, in the user's words."""
    if outcome == "timeout":
        return f"the reader did not finish within {budget.wall_seconds:.0f} s and was stopped"
    if "memory allocation of" in stderr or "MemoryError" in stderr or "out of memory" in stderr:
        return f"the reader ran out of its {budget.memory_text()} memory budget"
    sig = -exitcode if exitcode is not None and exitcode < 0 else None
    if sig == getattr(signal, "SIGXCPU", None):
        return f"the reader ran out of its {budget.cpu_text()} CPU budget"
    if sig == signal.SIGKILL:
        return f"the reader was killed (its {budget.cpu_text()} CPU budget or the machine's memory ran out)"
    if sig in _ALLOCATION_CRASHES:
        # compiled code that does not check a failed allocation dies this way when the address-space limit is hit
        return (f"the reader crashed ({signal.Signals(sig).name}), most likely when its {budget.memory_text()} "
                "memory budget ran out")
    if sig is not None:
        return f"the reader crashed ({signal.Signals(sig).name})"
    return f"the reader stopped unexpectedly (exit code {exitcode})"
