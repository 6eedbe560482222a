"""The `tieout` command line (DESIGN.md). Exit codes: 0 success, 2 bad input, 1 internal error."""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from .errors import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _cmd_import(args) -> int:
    from . import importers
    from .canonical import write_bank_lines
    from .importers.base import ImportOptions
    from .summary import import_summary

    opts = ImportOptions(profile=args.profile, currency=args.currency, account=args.account,
                         profile_dirs=tuple(Path(p) for p in args.profile_dir or ()))
    result = importers.import_file(args.file, args.format, opts)
    write_bank_lines(args.out, result.lines)
    summary = import_summary(result)
    if args.json:
        print(json.dumps(summary, indent=None))
    else:
        for st in summary["statements"]:
            print(f"{result.format}: account {st['account']} {st['currency']}: {st['count']} lines, "
                  f"total {st['total']}, {st['first_date']} .. {st['last_date']}, "
                  f"opening {st['opening_balance']}, closing {st['closing_balance']}")
        print(f"wrote {len(result.lines)} lines to {args.out}")
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return EXIT_OK


def _cmd_match(args) -> int:
    from .canonical import read_bank_lines, read_ledger_lines, write_matches
    from .matching import auto_match

    bank = read_bank_lines(args.bank)
    ledger = read_ledger_lines(args.ledger)
    result = auto_match(bank, ledger, rules=args.rules)
    write_matches(args.out, result.matched)
    nb, nl = len(bank), len(ledger)
    mb = nb - len(result.unmatched_bank)
    ml = nl - len(result.unmatched_ledger)
    print(f"matched {len(result.matched)} groups: bank {mb}/{nb} lines, ledger {ml}/{nl} lines; "
          f"{len(result.suggested)} suggestions left for review; wrote {args.out}")
    return EXIT_OK


def _cmd_demo(args) -> int:
    from .demo import run_demo

    run_demo(Path(args.out), seed=args.seed)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tieout", description="Bank and GL reconciliation for Excel workbooks.")
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="import a bank file into canonical bank lines")
    imp.add_argument("file")
    imp.add_argument("--format", default="auto",
                     choices=["auto", "csv", "xlsx", "xls", "pdf", "bai2", "mt940", "camt053", "ofx"])
    imp.add_argument("--profile", help="force a CSV/Excel layout profile by name")
    imp.add_argument("--profile-dir", action="append", help="folder with your own layout profiles (TOML)")
    imp.add_argument("--currency", help="currency to assume when the file does not state one")
    imp.add_argument("--account", help="account to assume when the file does not state one")
    imp.add_argument("--out", required=True, help="canonical bank lines CSV to write")
    imp.add_argument("--json", action="store_true", help="print the import summary as JSON")
    imp.set_defaults(func=_cmd_import)

    m = sub.add_parser("match", help="auto-match canonical bank lines against canonical ledger lines")
    m.add_argument("--bank", required=True)
    m.add_argument("--ledger", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--rules", help="rules TOML file (default: the built-in rule library)")
    m.set_defaults(func=_cmd_match)

    d = sub.add_parser("demo", help="build a sample reconciliation workbook end to end")
    d.add_argument("--out", default="demo/Reconciliation-demo.xlsx")
    d.add_argument("--seed", type=int, default=20261122)
    d.set_defaults(func=_cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc.message()}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERNAL
    except Exception:  # noqa: BLE001 - the CLI's last line of defence: say it is ours, not the user's
        traceback.print_exc()
        print("internal error: this is a bug in Tieout, not a problem with your file", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
