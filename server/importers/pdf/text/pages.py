"""A PDF's text as positioned words, page by page, read with PDFium inside worker processes.

Why worker processes: a damaged or hostile PDF can keep any reader busy (or crash PDFium, which is C code), and
neither can be interrupted from a thread, so it could hold an import (and the server thread running it) for ever.
Workers get a page limit, a memory limit and a time budget, and are killed when the budget runs out. The words
(text and box) are all the layout code needs, so only they cross the process boundary. Pages are independent, so
a long statement is read by two workers pulling page numbers from a shared counter.
Readers (TIEOUT_PDF_READER): `pdfium` (default; a file PDFium refuses as damaged, and a page turned by /Rotate,
are read with pdfminer) or `pdfminer` (pdfplumber's reader, 3-5 times slower: that fallback, and for comparison).
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
from .chars import NO_UNICODE, CharDocument, Damaged, Unreadable, describe_failure, iter_pages
from .words import page_words

PARALLEL_FROM_PAGES = 4  # a second worker is started for documents with at least this many pages
NO_TEXT = ("the PDF has no text layer (it is a scanned image): it needs OCR first, or ask the bank for a CSV, "
           "OFX or camt.053 export of the statement")


class Word(NamedTuple):
    """One word as pdfplumber's extract_words would find it; coordinates in points, `top` from the page's top."""

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
    reader: str = "pdfium"  # or "pdfminer" (see the module's docstring)

    @classmethod
    def from_env(cls) -> ReadLimits:
        env = os.environ
        return cls(max_pages=int(env.get("TIEOUT_PDF_MAX_PAGES", cls.max_pages)),
                   seconds=float(env.get("TIEOUT_PDF_SECONDS", cls.seconds)),
                   memory_mb=int(env.get("TIEOUT_PDF_MEMORY_MB", cls.memory_mb)),
                   workers=max(1, min(int(env.get("TIEOUT_PDF_WORKERS", cls.workers)), os.cpu_count() or 1)),
                   isolate=env.get("TIEOUT_PDF_ISOLATE", "1") not in ("0", "false", "no"),
                   reader="pdfminer" if env.get("TIEOUT_PDF_READER", "").lower() == "pdfminer" else "pdfium")


# ------------------------------------------------------------------------------------------------ reading

def open_document(path: str, reader: str = "pdfium") -> CharDocument:
    """The PDF opened by `reader`; with PDFium, a file it refuses as damaged gets a second chance with pdfminer,
    which looks for the %PDF header beyond the first KB and repairs files its own way (when both refuse,
    pdfminer's reason is given)."""
    from .pdfminer_chars import PdfminerDocument  # here: the format registry loads this module for every import

    if reader == "pdfminer":
        return PdfminerDocument(path)
    from .pdfium_chars import PdfiumDocument

    try:
        return PdfiumDocument(path)
    except Damaged:
        return PdfminerDocument(path)


def _messages(path: str, max_pages: int, claim: Callable[[], int], reader: str = "pdfium") -> Iterator[tuple]:
    """Read pages claimed one at a time; yields ("count", n) first, then ("page", number, w, h, words)."""
    try:
        doc = open_document(path, reader)
        try:
            if doc.page_count > max_pages:
                raise Unreadable(f"the PDF has {doc.page_count} pages, over the limit of {max_pages} for one "
                                 "statement (set TIEOUT_PDF_MAX_PAGES to raise it)")
            yield ("count", doc.page_count)
            for page in iter_pages(doc, claim):
                yield ("page", page.number, page.width, page.height, page_words(page.chars))
        finally:
            doc.close()
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a reader on bad content is the file's problem
        raise Unreadable(describe_failure(exc)) from None


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


def _worker(path: str, max_pages: int, memory_mb: int, counter, conn, reader: str = "pdfium") -> None:
    """Runs in a worker process: streams messages to the parent, ends with ("done",) or ("error", text)."""
    _limit_memory(memory_mb)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its repair notes on damaged files are not the user's

    def claim() -> int:
        with counter.get_lock():
            i = counter.value
            counter.value = i + 1
        return i

    try:
        for msg in _messages(path, max_pages, claim, reader):
            conn.send(msg)
        conn.send(("done",))
    except Unreadable as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - the parent must hear why, not just see a dead pipe
        try:
            conn.send(("error", describe_failure(exc)))
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
            ctx.set_forkserver_preload([__name__, f"{__package__}.pdfium_chars"])
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
        proc = ctx.Process(target=_worker, args=(str(path), limits.max_pages, limits.memory_mb, counter, send,
                                                 limits.reader),
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
        for msg in _messages(str(path), limits.max_pages, lambda: next(claimed), limits.reader):
            yield msg
            if time.monotonic() > deadline:
                raise _over_budget(path, limits)
    except Unreadable as exc:
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
    unmapped = sum(1 for t in words if "(cid:" in t or NO_UNICODE in t)  # pdfminer's mark, PDFium's
    if unmapped * 2 > len(words):
        raise BankFileError(path, "the PDF's fonts carry no text mapping, so its text cannot be extracted: it "
                                  "needs OCR first, or ask the bank for a CSV, OFX or camt.053 export")
