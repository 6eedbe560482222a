"""A costly function of a text over a million distinct texts on two cores: the second half in a forked worker.

Why: reading the document numbers of every line (document_numbers.read, some 15 microseconds a text) is the
largest single cost of a full sheet a side (about two million distinct texts), and each text is read on its own,
so a second core halves that wall time. The answers are the same values in the same order wherever they were
computed: a worker that cannot start, dies or does not answer in time leaves its half to this process.

Only a process running no other thread forks (the `tieout match` command, batch runs, the benchmarks): forking
the threaded server is unsafe (sandbox/runner.py says why), so there, on Windows and on one core everything is
computed here. Fewer than PARALLEL_MIN texts are not worth a process either.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence

from ..gc_pause import paused_gc

PARALLEL_MIN = 300_000  # distinct texts from which a worker pays for its fork and for sending its answers back
MIN_WAIT = 60.0  # seconds the worker is given after this process finished its half, at the least


def map_texts(fn: Callable, values: Sequence) -> list:
    """[fn(v) for v in values], the second half computed by a forked worker where that pays and is safe."""
    if len(values) < PARALLEL_MIN or not fork_is_safe():
        return [fn(v) for v in values]
    half = len(values) // 2
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_work, args=(sender, fn, values[half:]), daemon=True, name="tieout-match-texts")
    try:
        worker.start()
    except OSError:  # no process to be had (limits): all here
        receiver.close()
        sender.close()
        return [fn(v) for v in values]
    sender.close()
    started = time.monotonic()
    first = [fn(v) for v in values[:half]]
    second = _receive(receiver, worker, max(MIN_WAIT, 4 * (time.monotonic() - started)))
    if worker.is_alive():
        worker.kill()
    worker.join()
    receiver.close()
    if second is None or len(second) != len(values) - half:
        second = [fn(v) for v in values[half:]]
    return first + second


def fork_is_safe() -> bool:
    """POSIX, two cores or more, and this process runs no other thread (a fork copies one thread only: a lock
    another thread holds would stay locked in the worker)."""
    if sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores >= 2 and threading.active_count() == 1


def _work(sender, fn, values) -> None:
    try:
        sender.send([fn(v) for v in values])
    finally:
        sender.close()


def _receive(receiver, worker, wait: float):
    """The worker's answers; None when it ended without them or gave none within `wait` seconds."""
    deadline = time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        if receiver.poll(min(left, 1.0)):
            try:
                with paused_gc():  # many small objects that all stay alive (see gc_pause)
                    return receiver.recv()
            except (EOFError, OSError):
                return None
        if not worker.is_alive() and not receiver.poll(0):
            return None
    return None
