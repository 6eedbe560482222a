"""Reviewer's report: time to write the PDF and the .xlsx for 100, 1,000 and 10,000 open items (a synthetic
State with seeded descriptions, no server), pages and size. Long lists are laid out in tables of CHUNK_ROWS
rows (report_pdf), which keeps the time about linear in the rows."""
from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tieout.addin.handlers.state import Line, MatchGroup, State
from tieout.addin.report_pdf import write_pdf_report
from tieout.addin.report_xlsx import write_xlsx_report

SEED = 20261122
WORDS = ("CHECK", "ACH", "PAYROLL", "ORIG", "CO", "NAME:", "Supplier", "Invoice", "<b>", "&", "refund", "wire",
         "INV", "4417", "CARD", "DEPOSIT", "Contoso", "Fabrikam")
GENERATED = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)


def state(n: int) -> State:
    rng = random.Random(SEED)
    end = dt.date(2026, 10, 31)

    def line(side: str, i: int, match: str | None = None) -> Line:
        amount = Decimal(rng.randint(-500000, 500000)).scaleb(-2)
        desc = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14)))
        return Line(side, f"{side[0].upper()}{i}", end - dt.timedelta(days=rng.randint(0, 60)), amount, "EUR", "",
                    desc, "", "", match, rng.choice(("", "dave", "erin")), None, "open", rng.choice(("", "ask bank")))

    bank = tuple(line("bank", i, f"M{i:06d}" if i < 200 else None) for i in range(200 + n // 2))
    ledger = tuple(line("ledger", i) for i in range(n - n // 2))
    matches = tuple(MatchGroup(f"M{i:06d}", "auto", rng.choice(("exact", "reference", "fuzzy")), Decimal(1), "",
                               (f"B{i}",), ()) for i in range(200))
    rec = {"id": 1, "status": "In Review", "period": {"name": "2026-10", "start": "2026-10-01", "end": "2026-10-31"},
           "figures": {"statement_balance": "1000.00", "adjusted_bank": "1000.00", "adjusted_gl": "1000.00",
                       "match_differences": "0.00", "difference": "0.00", "bank_lines": len(bank),
                       "gl_lines": len(ledger), "matched_bank_lines": 200, "matched_gl_lines": 0,
                       "matched_groups": 200},
           "gl_balance": "1000.00", "submitted_hash": "0" * 64}
    audit = ({"at": "2026-11-22T03:00:00.000000Z", "actor": "alice", "action": "workflow.submit",
              "after": {"status": "In Review", "comment": ""}},)
    return State(rec=rec, account={"name": "Operating", "currency": "EUR", "bank_account": "DE00"}, bank=bank,
                 ledger=ledger, matches=matches, txns=(), statements=(), audit=audit, cash_account="1010")


def run() -> None:
    import pdfplumber

    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 1000, 10000):
            st = state(n)
            t0 = time.perf_counter()
            pdf = write_pdf_report(st, Path(tmp) / f"r{n}.pdf", "Rec.xlsx", GENERATED)
            t_pdf = time.perf_counter() - t0
            t0 = time.perf_counter()
            xlsx = write_xlsx_report(st, Path(tmp) / f"r{n}.xlsx", "Rec.xlsx", GENERATED)
            t_xlsx = time.perf_counter() - t0
            with pdfplumber.open(pdf) as doc:
                pages = len(doc.pages)
            print(f"{n:>6} open items: pdf {t_pdf:6.2f} s ({pages} pages, {pdf.stat().st_size / 1e6:.2f} MB), "
                  f"xlsx {t_xlsx:5.2f} s ({xlsx.stat().st_size / 1e6:.2f} MB)", flush=True)


if __name__ == "__main__":
    run()
