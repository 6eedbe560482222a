"""Result-identity harness for tabular import speed work: dump what `tieout import --json` says and writes,
compare after a change.

Why: a faster importer must not change one line, figure or error message. This runs the CLI in process (as
`tieout import FILE --json --out LINES.csv`, once as given and once with the corpus's `--currency` where the
file states none) on every file of both corpora, on the tabular bench's files (100,000 lines) and on small
copies of them with broken cells (a bad amount, date, balance and currency, both debit and credit, a summary
row, a continuation row), and keeps per case the exit code, stdout, stderr and the written lines; `--compare
DIR` runs them again and reports the first differing line of each case that changed.

    python tests/bench/import_identity.py --out /tmp/before          # before the change
    python tests/bench/import_identity.py --compare /tmp/before      # after: exit 1 on any difference
    python tests/bench/import_identity.py --only chase --compare /tmp/before   # cases whose name holds "chase"
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared"
CORPORA = (SHARED / "corpus-wild", SHARED / "corpus")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_import_tabular", HERE / "bench_import_tabular.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus_cases():
    for corpus in CORPORA:
        expected = json.loads((corpus / "EXPECTED.json").read_text())["files"]
        for rel, e in sorted(expected.items()):
            path = corpus / rel
            yield f"{corpus.name}/{rel}", path, []
            cur = e.get("currency") or []
            if e.get("currency_stated_in_file") is False and len(cur) == 1:
                yield f"{corpus.name}/{rel} --currency", path, ["--currency", cur[0]]


def _break(path: Path, out: Path, encoding: str, delimiter: str, edits) -> Path:
    """A copy of a bench file's first 2,000 lines with the cells `edits` names replaced: {line: {col: text}}
    (1-based lines, 0-based columns); a column of None inserts the text as a whole new line."""
    import csv

    with open(path, newline="", encoding=encoding) as fh:
        rows = [row for _, row in zip(range(2001), csv.reader(fh, delimiter=delimiter))]
    for line in sorted(edits, reverse=True):
        for col, text in edits[line].items():
            if col is None:
                rows.insert(line - 1, text)
            else:
                rows[line - 1][col] = text
    with open(out, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return out


def _bench_cases(folder: Path):
    b = _bench()
    txns = b._transactions(random.Random(b.SEED))
    opening = Decimal("50000.00")
    chase, euro, polish = folder / "chase.csv", folder / "umsaetze.csv", folder / "wyciag.csv"
    b._write_chase(chase, txns, opening)
    b._write_european(euro, txns, opening)
    b._write_inferred(polish, txns, opening)
    yield "bench/chase", chase, []
    yield "bench/european", euro, ["--currency", "EUR"]
    yield "bench/inferred", polish, []
    small = b.N
    try:
        b.N = 3000
        book = folder / "statement.xlsx"
        b._write_xlsx(book, b._transactions(random.Random(b.SEED)), opening)
    finally:
        b.N = small
    yield "bench/xlsx3000", book, []
    yield "broken/chase", _break(chase, folder / "chase-broken.csv", "utf-8", ",", {
        5: {3: "12,34.5x"}, 9: {1: "13/45/2020"}, 12: {5: "abc"}, 20: {3: ""}, 30: {1: ""},
        40: {None: ["", "", "CONTINUED TEXT", "", "", "", ""]}}), []
    yield "broken/chase-summary", _break(chase, folder / "chase-summary.csv", "utf-8", ",", {
        2: {None: ["", "", "Ending balance", "", "", "1.00", ""]}}), []
    yield "broken/european", _break(euro, folder / "umsaetze-broken.csv", "cp1252", ";", {
        5: {2: "1,00", 3: "2,00"}, 8: {2: "1.2.3,4"}, 11: {0: "31.02.2020"}, 14: {4: "x"}}), ["--currency", "EUR"]
    yield "broken/inferred", _break(polish, folder / "wyciag-broken.csv", "utf-8", ";", {
        6: {2: "1,2,3"}, 9: {0: "99.99.2020"}, 13: {3: "ZZ1"}, 17: {4: "--"}}), []
    yield "bench/chase --strict", chase, ["--strict"]


def run_case(path: Path, extra: list[str], out_dir: Path) -> dict:
    from tieout.server.cli import main

    lines = out_dir / "lines.csv"
    if lines.exists():
        lines.unlink()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(["import", str(path), "--json", "--out", str(lines), *extra])
        except SystemExit as exc:
            code = exc.code
    written = lines.read_text(encoding="utf-8") if lines.exists() else ""
    here = str(out_dir)  # a new temporary folder each run: named alike so that messages compare
    return {"exit": code, "stdout": stdout.getvalue().replace(here, "<tmp>"),
            "stderr": stderr.getvalue().replace(here, "<tmp>"), "lines": written}


def _first_difference(a: str, b: str) -> str:
    al, bl = a.splitlines(), b.splitlines()
    for n, (x, y) in enumerate(zip(al, bl), start=1):
        if x != y:
            return f"line {n}: before {x[:200]!r} / after {y[:200]!r}"
    return f"lengths {len(al)} / {len(bl)} lines"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write the dumps into this folder")
    ap.add_argument("--compare", type=Path, help="compare with the dumps in this folder")
    ap.add_argument("--only", default="", help="only the cases whose name holds this text")
    args = ap.parse_args(argv)
    if not (args.out or args.compare):
        ap.error("give --out or --compare")
    differing = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["TIEOUT_HOME"] = str(tmp / "home")  # no user profiles of this machine
        cases = list(_corpus_cases()) + list(_bench_cases(tmp))
        for name, path, extra in cases:
            if args.only not in name:
                continue
            got = run_case(path, extra, tmp)
            key = name.replace("/", "__").replace(" ", "_") + ".json"
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / key).write_text(json.dumps(got, indent=0, ensure_ascii=False))
            if args.compare:
                before = json.loads((args.compare / key).read_text())
                diffs = [f"{part}: {_first_difference(str(before[part]), str(got[part]))}"
                         for part in ("exit", "stdout", "stderr", "lines") if before[part] != got[part]]
                if diffs:
                    differing += 1
                    print(f"DIFFERENT {name}: " + "; ".join(diffs), flush=True)
            print(f"  {name}: exit {got['exit']}", file=sys.stderr, flush=True)
    if args.compare:
        print(f"{differing} case(s) differ" if differing else "all cases identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
