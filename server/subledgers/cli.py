"""`tieout subledger`: a GL account checked against its subledger export from the command line (no server):
the balances and the exceptions with the action to take, written as CSV or xlsx (no formulas)."""
from __future__ import annotations

import json

from ..errors import InputError


def _cmd(args) -> int:
    from ..ledgers.records import PERIOD
    from ..table_files import write_records
    from .columns_out import EXCEPTION_COLUMNS, exception_row
    from .records_json import exception_dict
    from .runs import check_files

    if not PERIOD.fullmatch(args.period):
        raise InputError("--period", f"yyyy-mm, not {args.period!r}")
    if args.sign not in ("1", "-1"):
        raise InputError("--sign", "1, or -1 when the export shows the account's credits as positive figures")
    result = check_files(args.subledger, args.gl, account=args.account, legal_entity=args.entity, kind=args.kind,
                         period=args.period, currency=args.currency.upper(), sign=int(args.sign))
    if args.out:
        write_records(args.out, EXCEPTION_COLUMNS, (exception_row(e) for e in result.exceptions),
                      sheet="Subledger Exceptions", table="SubledgerExceptions")
    summary = {"account": result.account, "legal_entity": result.legal_entity, "period": result.period,
               "currency": result.currency, "gl_balance": str(result.gl_balance),
               "subledger_balance": str(result.subledger_balance), "difference": str(result.difference),
               "matched": result.matched, "exceptions": [exception_dict(e) for e in result.exceptions]}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{result.account} x {result.legal_entity} {result.period}: GL {result.gl_balance} "
              f"{result.currency}, subledger {result.subledger_balance}, difference {result.difference}; "
              f"{result.matched} documents agree, {len(result.exceptions)} exceptions"
              + (f" (written to {args.out})" if args.out else ""))
    return 0


def add_parser(sub) -> None:
    sl = sub.add_parser("subledger", help="check a GL account against its subledger export (AP, AR, tax, bank)")
    sl.add_argument("--subledger", required=True, help="the subledger's open items, CSV or Excel in any layout")
    sl.add_argument("--gl", required=True, help="the GL account's lines: canonical ledger CSV or filled GL template")
    sl.add_argument("--account", required=True, help="the GL account")
    sl.add_argument("--entity", required=True, help="the legal entity")
    sl.add_argument("--kind", choices=("AP", "AR", "tax", "bank"), default="AR")
    sl.add_argument("--period", required=True, help="yyyy-mm")
    sl.add_argument("--currency", required=True, help="the account's currency (when the export names none)")
    sl.add_argument("--sign", default="1", help="-1 when the export shows the account's credits as positive")
    sl.add_argument("--out", help="the exceptions file to write, .csv or .xlsx")
    sl.add_argument("--json", action="store_true", help="print the figures and exceptions as JSON")
    sl.set_defaults(func=_cmd)
