"""A PDF's text as positioned words, page by page, read with pdfplumber inside worker processes.

Why worker processes: pdfminer (under pdfplumber) is pure Python and cannot be interrupted from a thread, so a
damaged or hostile PDF could hold an import (and the server thread running it) for ever. Workers get a page
limit, a memory limit and a time budget, and are killed when the budget runs out. The words (text and box) are
all the layout code needs, so only they cross the process boundary. Pages are independent, so a long statement
is read by two workers pulling page numbers from a shared counter (pdfplumber reads ~15-25 pages/s per core).
Set TIEOUT_PDF_ISOLATE=0 to read in-process (the time budget is then checked between pages only).
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ....errors import BankFileError

PARALLEL_FROM_PAGES = 4  # a second worker is started for documents with at least this many pages
NO_TEXT = ("the PDF has no text layer (it is a scanned image): it needs OCR first, or ask the bank for a CSV, "
           "OFX or camt.053 export of the statement")


class Word(NamedTuple):
    """One word as pdfplumber's extract_words found it; coordinates in points, `top` measured from the page top."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True, slots=True)
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]


@dataclass(frozen=True)
class ReadLimits:
    """How much a PDF may cost to read. `from_env` lets an administrator change them without code."""

    max_pages: int = 500
    seconds: float = 120.0
    memory_mb: int = 2048
    workers: int = 2
    isolate: bool = True

    @classmethod
    def from_env(cls) -> ReadLimits:
        env = os.environ
        return cls(max_pages=int(env.get("TIEOUT_PDF_MAX_PAGES", cls.max_pages)),
                   seconds=float(env.get("TIEOUT_PDF_SECONDS", cls.seconds)),
                   memory_mb=int(env.get("TIEOUT_PDF_MEMORY_MB", cls.memory_mb)),
                   workers=max(1, min(int(env.get("TIEOUT_PDF_WORKERS", cls.workers)), os.cpu_count() or 1)),
                   isolate=env.get("TIEOUT_PDF_ISOLATE", "1") not in ("0", "false", "no"))


class _Refused(Exception):
    """A reason to stop reading, worded for the user."""


# ------------------------------------------------------------------------------------------------ reading

def _describe(exc: BaseException) -> str:
    """pdfminer's exception, worded for an accountant."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return ("the PDF is encrypted with an open password; save an unprotected copy (print to PDF) "
                "or ask the bank for a CSV export")
    if isinstance(inner, PDFEncryptionError):
        return f"the PDF is encrypted in a way that cannot be read ({inner}); save an unprotected copy"
    if isinstance(inner, MemoryError):
        return "the PDF needs more memory to read than allowed (TIEOUT_PDF_MEMORY_MB)"
    if isinstance(inner, RecursionError):
        return "the PDF is damaged: its objects refer to each other without end"
    detail = str(inner).strip() or type(inner).__name__
    return f"the PDF is damaged and cannot be read ({type(inner).__name__}: {detail[:200]})"


def _lean_chars(page) -> list[dict]:
    """The page's characters as pdfplumber's char dicts, holding only the keys its word extraction reads.

    pdfplumber's own conversion (Page.chars) resolves every pdfminer attribute of every character (colours,
    matrices, fonts...) and is ~40% of the time to read a page; this loop does the same geometry (pdfplumber's
    process_object: top-left origin, MediaBox offsets) and nothing else, including text inside Form XObjects.
    """
    from pdfminer.layout import LTChar, LTContainer

    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    out = []
    stack = [iter(page.layout)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                top = height - obj.y1 + mb_top
                out.append({"text": obj.get_text(), "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top,
                            "bottom": height - obj.y0 + mb_top, "doctop": top, "upright": obj.upright})
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj))
                break
        else:
            stack.pop()
    return out


def _page_words(page) -> list[tuple]:
    """pdfplumber's extract_words, once per page; rotated text (watermarks, margin notes) is no part of a table."""
    from pdfplumber.utils import extract_words

    words = extract_words(_lean_chars(page), x_tolerance=2, y_tolerance=2, keep_blank_chars=False,
                          use_text_flow=False)
    return [(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
            for w in words if w["upright"]]


def _messages(path: str, max_pages: int, claim: Callable[[], int]) -> Iterator[tuple]:
    """Read pages claimed one at a time; yields ("count", n) first, then ("page", number, w, h, words)."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            if len(pages) > max_pages:
                raise _Refused(f"the PDF has {len(pages)} pages, over the limit of {max_pages} for one statement "
                               "(set TIEOUT_PDF_MAX_PAGES to raise it)")
            yield ("count", len(pages))
            while (i := claim()) < len(pages):
                page = pages[i]
                yield ("page", page.page_number, float(page.width), float(page.height), _page_words(page))
                page.close()
    except _Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any pdfminer failure on bad content is the file's problem
        raise _Refused(_describe(exc)) from None


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time budget still bounds the worker
        return
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def _worker(path: str, max_pages: int, memory_mb: int, counter, conn) -> None:
    """Runs in a worker process: streams messages to the parent, ends with ("done",) or ("error", text)."""
    _limit_memory(memory_mb)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its repair notes on damaged files are not the user's

    def claim() -> int:
        with counter.get_lock():
            i = counter.value
            counter.value = i + 1
        return i

    try:
        for msg in _messages(path, max_pages, claim):
            conn.send(msg)
        conn.send(("done",))
    except _Refused as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - the parent must hear why, not just see a dead pipe
        try:
            conn.send(("error", _describe(exc)))
        except BaseException:  # noqa: BLE001
            pass
    finally:
        conn.close()


_CONTEXT = None


def _context():
    """forkserver where there is one (fast workers, forked from a clean single-threaded process), else spawn."""
    global _CONTEXT
    if _CONTEXT is None:
        import multiprocessing as mp  # here, not at the top: importing the format registry should stay cheap

        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload([__name__, "pdfplumber"])
        else:
            ctx = mp.get_context("spawn")
        _CONTEXT = ctx
    return _CONTEXT


def _over_budget(path: Path, limits: ReadLimits) -> BankFileError:
    return BankFileError(path, f"reading the PDF took longer than its time budget of {limits.seconds:g} s "
                               "(a damaged or unusually complex PDF; set TIEOUT_PDF_SECONDS to allow longer)")


def _read_isolated(path: Path, limits: ReadLimits) -> Iterator[tuple]:
    from multiprocessing.connection import wait

    ctx = _context()
    counter = ctx.Value("i", 0)
    deadline = time.monotonic() + limits.seconds
    procs, conns, done = [], [], set()

    def start() -> None:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(str(path), limits.max_pages, limits.memory_mb, counter, send),
                           name="tieout-pdf-reader", daemon=True)
        proc.start()
        send.close()
        procs.append(proc)
        conns.append(recv)

    try:
        start()
        while len(done) < len(conns):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _over_budget(path, limits)
            for conn in wait([c for c in conns if c not in done], timeout=remaining):
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    proc = procs[conns.index(conn)]
                    proc.join(1)
                    raise BankFileError(path, f"the PDF reader stopped while reading this PDF (exit code "
                                              f"{proc.exitcode}): the PDF is damaged or too complex") from None
                if msg[0] == "done":
                    done.add(conn)
                elif msg[0] == "error":
                    raise BankFileError(path, msg[1])
                else:
                    if msg[0] == "count" and msg[1] >= PARALLEL_FROM_PAGES and len(procs) < limits.workers:
                        start()
                    yield msg
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join(5)
        for conn in conns:
            conn.close()


def _read_inline(path: Path, limits: ReadLimits) -> Iterator[tuple]:
    deadline = time.monotonic() + limits.seconds
    claimed = iter(range(1 << 62))
    try:
        for msg in _messages(str(path), limits.max_pages, lambda: next(claimed)):
            yield msg
            if time.monotonic() > deadline:
                raise _over_budget(path, limits)
    except _Refused as exc:
        raise BankFileError(path, str(exc)) from None


def read_pages(path: str | Path, limits: ReadLimits | None = None) -> tuple[PdfPage, ...]:
    """Every page's words, in page order. BankFileError when the PDF cannot be read within the limits or has no
    text layer."""
    path = Path(path)
    limits = limits or ReadLimits.from_env()
    import multiprocessing as mp

    isolate = limits.isolate and not mp.current_process().daemon  # daemonic processes may not start workers
    count, pages = None, {}
    for msg in (_read_isolated if isolate else _read_inline)(path, limits):
        if msg[0] == "count":
            count = count if count is not None else msg[1]
        else:
            _, number, width, height, words = msg
            pages[number] = PdfPage(number, width, height, tuple(Word(*w) for w in words))
    if not count or len(pages) != count:
        raise BankFileError(path, "the PDF has no pages" if not count else
                            f"only {len(pages)} of the PDF's {count} pages could be read")
    ordered = tuple(pages[n] for n in sorted(pages))
    _check_text(path, ordered)
    return ordered


def _check_text(path: Path, pages: tuple[PdfPage, ...]) -> None:
    """A scan has no words (or a handful from a stamp); fonts without a Unicode map give '(cid:N)' garbage."""
    if max(len(p.words) for p in pages) < 5:
        raise BankFileError(path, NO_TEXT)
    words = [w.text for p in pages for w in p.words]
    unmapped = sum(1 for t in words if "(cid:" in t)
    if unmapped * 2 > len(words):
        raise BankFileError(path, "the PDF's fonts carry no text mapping, so its text cannot be extracted: it "
                                  "needs OCR first, or ask the bank for a CSV, OFX or camt.053 export")
