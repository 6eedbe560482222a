"""The server's side of the add-in buttons (issue 17): every HTTP call each button of the handlers' benchmark
makes, with the server's wall and CPU seconds for it (the request's thread, and the job thread for a job's work),
the answer's size, and a profile of the server's threads only.

`python tests/bench/server_calls.py [N ...] [--answers DIR] [--profile FILE] [--keep DIR]` runs the eight presses of
bench_addin_handlers on a month of N bank lines (default 20000). With `--answers DIR` every answer's body is kept
(DIR/NNN-METHOD-path.json), so two runs (before and after a change) can be compared answer by answer with
`python tests/bench/server_calls.py --compare DIR1 DIR2` (times of the moment masked). `--keep DIR` leaves the month's
$TIEOUT_HOME (its database) and workbook in DIR/N for endpoint_costs.py."""
from __future__ import annotations

import contextlib
import cProfile
import importlib.util
import io
import json
import os
import pstats
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_addin_handlers", HERE / "bench_addin_handlers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Flask hooks timing each request in its own thread, and a wrapper timing each job's run."""

    def __init__(self, answers: Path | None, profile: bool):
        self.button = ""
        self.calls: list[dict] = []
        self.answers = answers
        self.profiles: list[cProfile.Profile] = [] if profile else None
        self._local = threading.local()
        self._lock = threading.Lock()

    def install(self, app) -> None:
        from flask import request

        @app.before_request
        def _start():
            self._local.t = (time.perf_counter(), time.thread_time())
            if self.profiles is not None:
                self._local.prof = cProfile.Profile()
                self._local.prof.enable()

        @app.after_request
        def _stop(response):
            if self.profiles is not None:
                self._local.prof.disable()
                with self._lock:
                    self.profiles.append(self._local.prof)
            t0, c0 = self._local.t
            body = response.get_data() if not response.direct_passthrough else b""
            with self._lock:
                call = {"button": self.button, "method": request.method, "path": request.path,
                        "query": request.query_string.decode(), "status": response.status_code,
                        "wall": time.perf_counter() - t0, "cpu": time.thread_time() - c0, "bytes": len(body),
                        "sent": request.content_length or 0}
                self.calls.append(call)
                if self.answers is not None:
                    name = f"{len(self.calls):03d}-{request.method}-{_slug(request.path)}.json"
                    (self.answers / name).write_bytes(body)
            return response

        runner = app.extensions["tieout"].jobs
        run = runner._run

        def timed(job_id):
            t0, c0 = time.perf_counter(), time.thread_time()
            prof = cProfile.Profile() if self.profiles is not None else None
            if prof:
                prof.enable()
            try:
                return run(job_id)
            finally:
                if prof:
                    prof.disable()
                with self._lock:
                    if prof:
                        self.profiles.append(prof)
                    self.calls.append({"button": self.button, "method": "JOB", "path": f"job {job_id}",
                                       "query": "", "status": 0, "wall": time.perf_counter() - t0,
                                       "cpu": time.thread_time() - c0, "bytes": 0, "sent": 0})
        runner._run = timed


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", path.strip("/"))[:60]


def _route(path: str) -> str:
    return re.sub(r"/\d+", "/{id}", path)


def month(n: int, recorder: Recorder, keep: Path | None = None) -> None:
    bench = _bench()
    from tieout.addin.dispatch import run_batch
    from tieout.server.app.serve import running
    from tieout.server.sample_data import write_chase_csv

    with (contextlib.nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory()) as tmp:
        tmp = Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        os.environ["TIEOUT_HOME"] = str(tmp / "home")
        with running({"LOCAL_USER": "bench"}) as (base, app):
            recorder.install(app)
            path, files = bench.month_files(bench.synthetic_month(n), tmp)
            os.environ.update(TIEOUT_URL=base, TIEOUT_TOKEN=app.extensions["tieout"].token)
            for i, (name, args) in enumerate(bench.STEPS):
                recorder.button = f"{i + 1} {name}"
                t0, c0 = time.perf_counter(), time.process_time()
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    code = run_batch(path, name, files.get(name, args))
                if code != 0:
                    raise RuntimeError(f"{name}: exit code {code}")
                print(f"{recorder.button:<26} press {time.perf_counter() - t0:6.2f} s (CPU "
                      f"{time.process_time() - c0:6.2f})", flush=True)
            for key in ("TIEOUT_URL", "TIEOUT_TOKEN"):
                os.environ.pop(key, None)


def report(recorder: Recorder) -> None:
    by_button = defaultdict(list)
    for call in recorder.calls:
        by_button[call["button"]].append(call)
    print(f"\n{'button / call':<70} {'status':>6} {'wall s':>7} {'CPU s':>7} {'answer KB':>9} {'sent KB':>8}")
    for button, calls in by_button.items():
        wall, cpu = sum(c["wall"] for c in calls), sum(c["cpu"] for c in calls)
        print(f"{button}: {len(calls)} calls, server wall {wall:.2f} s, CPU {cpu:.2f} s")
        for c in calls:
            what = f"{c['method']} {c['path']}" + (f"?{c['query']}" if c["query"] else "")
            print(f"  {what[:68]:<68} {c['status']:>6} {c['wall']:7.3f} {c['cpu']:7.3f} {c['bytes'] / 1e3:9.0f} "
                  f"{c['sent'] / 1e3:8.0f}")
    totals = defaultdict(lambda: [0, 0.0, 0.0])
    for c in recorder.calls:
        t = totals[f"{c['method']} {_route(c['path'])}"]
        t[0] += 1
        t[1] += c["wall"]
        t[2] += c["cpu"]
    print(f"\n{'endpoint':<70} {'calls':>5} {'wall s':>7} {'CPU s':>7}")
    for key, (count, wall, cpu) in sorted(totals.items(), key=lambda kv: -kv[1][2]):
        print(f"  {key[:68]:<68} {count:5d} {wall:7.2f} {cpu:7.2f}")
    print(f"  {'all':<68} {len(recorder.calls):5d} {sum(c['wall'] for c in recorder.calls):7.2f} "
          f"{sum(c['cpu'] for c in recorder.calls):7.2f}")


# What differs between two runs of the same presses: the moments, the hashes that seal them (the audit key is
# per $TIEOUT_HOME) and the job worker's name (host, process id).
MOMENT = re.compile(rb'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^"]*|[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]+ GMT'
                    rb'|[0-9a-f]{64}|[^":]+:\d+:[0-9a-f]{8})"')
DURATIONS = re.compile(rb'"seconds":\{[^}]*\}')  # a job's timings


def _masked(path: Path) -> bytes:
    return DURATIONS.sub(b'"seconds":{}', MOMENT.sub(b'"T"', path.read_bytes()))


def _answers(folder: Path) -> list[Path]:
    """The kept answers in call order, without the job polls (how many a job takes depends on the machine)."""
    return [p for p in sorted(folder.iterdir()) if "-GET-api_jobs_" not in p.name]


def compare(a: Path, b: Path) -> int:
    """Call by call, with the moments (timestamps) masked; returns the number of answers that differ."""
    left, right = _answers(a), _answers(b)
    calls = [(x.name.split("-", 1)[1], y.name.split("-", 1)[1]) for x, y in zip(left, right)]
    if len(left) != len(right) or any(x != y for x, y in calls):
        print(f"the calls differ: {len(left)} and {len(right)} answers; first: "
              f"{next(((x, y) for x, y in calls if x != y), None)}")
        return 1
    differ = 0
    for x, y in zip(left, right):
        bx, by = _masked(x), _masked(y)
        if bx != by:
            differ += 1
            try:
                same = json.loads(bx) == json.loads(by)
            except ValueError:
                same = False
            print(f"  {x.name} / {y.name}: {'same JSON, other bytes' if same else 'DIFFERENT'} "
                  f"({len(bx)} / {len(by)} bytes)")
    print(f"{len(left)} answers compared, {differ} differ")
    return differ


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        return 1 if compare(Path(argv[1]), Path(argv[2])) else 0
    answers = profile = keep = None
    sizes = []
    it = iter(argv)
    for arg in it:
        if arg == "--answers":
            answers = Path(next(it))
            answers.mkdir(parents=True, exist_ok=True)
        elif arg == "--keep":
            keep = Path(next(it))
        elif arg == "--profile":
            profile = next(it)
        else:
            sizes.append(int(arg))
    for n in sizes or [20000]:
        recorder = Recorder(answers, profile is not None)
        print(f"N = {n} bank lines", flush=True)
        month(n, recorder, keep and keep / str(n))
        report(recorder)
        if profile:
            stats = pstats.Stats(recorder.profiles[0])
            for p in recorder.profiles[1:]:
                stats.add(p)
            stats.dump_stats(profile)
            stats.sort_stats("cumulative").print_stats(60)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
