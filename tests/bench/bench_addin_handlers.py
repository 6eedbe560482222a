"""Add-in handlers in batch mode (saved-workbook adapter) against the real server on loopback: the time of
each button on a month of N bank lines and about as many GL lines, and the workbook's size.

Input: a seeded synthetic month (Chase CSV statement, filled GL template), N = 1,000, 20,000 and 100,000 bank
lines (BENCH_SIZES; BENCH_ACCEPT_SIZES adds sizes run up to Accept Matches only), and a summary of Accept
Matches at every N. Each button runs as `tieout run WB.xlsx --action NAME` does (dispatch.run_batch: open,
handler, save), timed in wall and CPU seconds, split into reading (opening the workbook and reading its sheets
through the adapter), writing (every adapter call that changes the workbook, and saving) and the rest (the
handler's own work and the server's answers), with the process's peak memory during the button. Targets
(issue 17): every button <= 4 s at 20,000 lines, <= 20 s at 100,000, and the process's peak memory <= 2 GiB
(each button's, and the whole run's after each N: it includes the in-process server).

The server runs in this process (a thread), so its answers share the process, and its garbage collector, with
the workbook's cells: what slows the add-in's side slows the server's answers here too, more than with
`tieout serve` in its own process."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SEED = 20261201
SIZES = tuple(int(x) for x in os.environ.get("BENCH_SIZES", "1000,20000,100000").split(",") if x)
ACCEPT_SIZES = tuple(int(x) for x in os.environ.get("BENCH_ACCEPT_SIZES", "").split(",") if x)
STEPS = (("import_bank_file", None), ("import_gl_template", None), ("auto_match", {}), ("accept_matches", {}),
         ("post_new_transactions", {}), ("refresh", {}), ("submit_for_review", {}), ("refresh", {}))
READS = ("__init__", "read_table_rows", "read_table", "read_range", "sheet_names", "get_setting")
WRITES = ("write_table", "set_cells", "colour_rules", "set_choices", "protect", "unprotect", "protect_structure",
          "define_range", "set_setting", "save")


class _Shares:
    """Wall time spent inside the saved-workbook adapter's reading and writing calls (outermost call only)."""

    def __init__(self):
        self.read = self.write = self.read_cpu = self.write_cpu = 0.0
        self._depth = 0

    def reset(self):
        self.read = self.write = self.read_cpu = self.write_cpu = 0.0

    @contextlib.contextmanager
    def timing(self):
        from tieout.addin.xlsx_workbook import XlsxWorkbook

        saved = {}
        for kind, names in (("read", READS), ("write", WRITES)):
            for name in names:
                saved[name] = getattr(XlsxWorkbook, name)
                setattr(XlsxWorkbook, name, self._wrap(saved[name], kind))
        try:
            yield self
        finally:
            for name, fn in saved.items():
                setattr(XlsxWorkbook, name, fn)

    def _wrap(self, fn, kind):
        def timed(*args, **kwargs):
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                setattr(self, kind, getattr(self, kind) + time.perf_counter() - t0)
                setattr(self, kind + "_cpu", getattr(self, kind + "_cpu") + time.process_time() - c0)
                self._depth -= 1
        return timed


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Starts the process's peak memory (VmHWM) afresh, so that a button's own peak can be read (Linux 4.0+:
    writing 5 to /proc/self/clear_refs); False where it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _button_peak_mib(reset: bool) -> float:
    """The peak memory since `_reset_peak` (the process's peak so far where it could not reset)."""
    if reset:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return _peak_mib()


def synthetic_month(n: int, seed: int = SEED):
    from tieout.server.sample_data import CENT, CUSTOMERS, VENDORS, SampleMonth, SampleTxn

    rng = random.Random(seed)
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    txns = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(28))
        receipt = rng.random() < 0.4
        amount = (Decimal(rng.randint(1_000, 2_500_000)) * CENT) * (1 if receipt else -1)
        party = rng.choice(CUSTOMERS if receipt else VENDORS)
        in_gl = rng.random() < 0.97  # 3% bank-only
        txns.append(SampleTxn(day, day - dt.timedelta(days=rng.randrange(3)) if in_gl else None, amount,
                              f"{'ACH CREDIT' if receipt else 'ACH DEBIT'} {party.upper()} {i:06d}",
                              "CREDIT" if receipt else "DEBIT", "ACH_CREDIT" if receipt else "ACH_DEBIT",
                              gl_reference=f"R{i:06d}", gl_description=f"{party} {i:06d}",
                              gl_source="AR" if receipt else "AP", counterparty=party))
    for i in range(n // 50):  # GL-only items: outstanding checks and deposits in transit
        txns.append(SampleTxn(None, end, Decimal(rng.randint(1_000, 500_000)) * CENT * rng.choice((1, -1)), "", "",
                              "", gl_reference=f"O{i:05d}", gl_description="outstanding item", gl_source="JE"))
    return SampleMonth("000000987654321", "1010", "USD", start, end, Decimal("250000.00"), tuple(txns))


def run() -> None:
    accepted: dict[int, tuple] = {}
    for n in SIZES:
        accepted[n] = _month(n, len(STEPS))
    for n in ACCEPT_SIZES:
        if n not in accepted:
            accepted[n] = _month(n, 4)  # through accept_matches only
    print("Accept Matches (tieout run WB.xlsx --action accept_matches: open, handler, save):")
    for n, (lines, wall, cpu) in sorted(accepted.items()):
        print(f"  {n:>6} bank lines, {lines:>6} matched lines: {wall:6.2f} s (CPU {cpu:.2f} s)", flush=True)


def month_files(month, folder: Path) -> tuple[Path, dict]:
    """The month's bank file (Chase CSV) and filled GL template written in `folder`, a new reconciliation workbook
    beside them, and the arguments of the two import buttons: (workbook, {button: its arguments})."""
    from tieout.addin.dispatch import new_workbook
    from tieout.excel_templates.gl_template import fill_gl_template
    from tieout.server.sample_data import write_chase_csv

    bank = write_chase_csv(month, folder / "bank.csv")
    gl = fill_gl_template(None, folder / "gl.xlsx", month.gl_balance(), month.ledger_lines())
    path = folder / "Rec.xlsx"
    new_workbook(path)
    return path, {"import_bank_file": {"file": str(bank), "account_name": "Bench"},
                  "import_gl_template": {"file": str(gl)}}


def _month(n: int, steps: int) -> tuple:
    """The first `steps` buttons on a month of n bank lines, each timed; returns Accept Matches' figures."""
    from tieout.addin.client import Client
    from tieout.addin.dispatch import run_batch
    from tieout.addin.xlsx_workbook import XlsxWorkbook
    from tieout.server.app.serve import running
    from tieout.server.sample_data import write_chase_csv

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["TIEOUT_HOME"] = str(tmp / "home")
        with running({"LOCAL_USER": "bench"}) as (base, app):
            client = Client(base, token=app.extensions["tieout"].token, autostart=False)
            month = synthetic_month(n)
            path, files = month_files(month, tmp)
            print(f"N = {n} bank lines, {len(month.ledger_lines())} GL lines (seed {SEED})")
            figures = None
            os.environ.update(TIEOUT_URL=base, TIEOUT_TOKEN=app.extensions["tieout"].token)
            shares = _Shares()
            for name, args in STEPS[:steps]:
                out = io.StringIO()
                shares.reset()
                reset = _reset_peak()
                c0, t0 = time.process_time(), time.perf_counter()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()), shares.timing():
                    code = run_batch(path, name, files.get(name, args))  # what `tieout run` does
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                if code != 0:
                    raise RuntimeError(f"{name}: exit code {code}")
                rest, rest_cpu = wall - shares.read - shares.write, cpu - shares.read_cpu - shares.write_cpu
                print(f"  {name:<24} {wall:6.2f} s  (CPU {cpu:6.2f} s)  reading {shares.read:6.2f} (CPU "
                      f"{shares.read_cpu:6.2f})  server+handler {rest:6.2f} (CPU {rest_cpu:6.2f})  writing "
                      f"{shares.write:6.2f} (CPU {shares.write_cpu:6.2f})  peak {_button_peak_mib(reset):5.0f} MiB",
                      flush=True)
                if name == "accept_matches":
                    said = out.getvalue()  # "Accepted K matches (L lines): ..."
                    figures = (int(said.split("(")[1].split()[0]), wall, cpu)
            book = XlsxWorkbook(path, echo=lambda text: None)
            rec = client.get(f"/api/reconciliations/{book.get_setting('ReconciliationId')}")
            f = rec["figures"]
            print(f"  workbook {path.stat().st_size / 1e6:.1f} MB; matched bank {f['matched_bank_lines']}/"
                  f"{f['bank_lines']}, GL {f['matched_gl_lines']}/{f['gl_lines']}; difference {f['difference']}; "
                  f"status {rec['status']}; peak memory so far {_peak_mib():.0f} MiB", flush=True)
            client.close()
            for key in ("TIEOUT_URL", "TIEOUT_TOKEN"):
                os.environ.pop(key, None)
    return figures


if __name__ == "__main__":
    run()
