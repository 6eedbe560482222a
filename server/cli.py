"""The `tieout` command line (DESIGN.md). Exit codes: 0 success, 2 bad input, 1 internal error."""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from .errors import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _amount_arg(flag: str, text: str | None):
    """A balance typed on the command line, as an exact Decimal (thousands separators not accepted)."""
    from decimal import Decimal, InvalidOperation

    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputError(flag, f"not an amount: {text!r} (write it as 1234.56 or -1234.56)") from None
    if not value.is_finite():
        raise InputError(flag, f"not an amount: {text!r}")
    return value


def _cmd_import(args) -> int:
    from . import sandbox
    from .canonical import write_bank_lines
    from .importers.base import ImportOptions
    from .summary import import_summary

    opts = ImportOptions(profile=args.profile, currency=args.currency, account=args.account,
                         profile_dirs=tuple(Path(p) for p in args.profile_dir or ()), strict=args.strict,
                         opening=_amount_arg("--opening", args.opening), closing=_amount_arg("--closing", args.closing),
                         account_kind=args.account_kind, date_order=args.date_order)
    result = sandbox.import_file(args.file, args.format, opts)
    if args.append:
        from .statements.canonical_append import import_appending

        summary, written, told = import_appending(args.out, result, args.file)
    else:
        write_bank_lines(args.out, result.lines)
        summary, written, told = import_summary(result), f"wrote {len(result.lines)} lines to {args.out}", []
    if args.json:
        print(json.dumps(summary, indent=None))
    else:
        for st in summary["statements"]:
            print(f"{result.format}: account {st['account']} {st['currency']}: {st['count']} lines, "
                  f"total {st['total']}, {st['first_date']} .. {st['last_date']}, "
                  f"opening {st['opening_balance']}, closing {st['closing_balance']}")
        print(written)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for f in result.findings:
        print(f"finding [{f.code}]: {f.message}", file=sys.stderr)
    for m in told:
        print(m, file=sys.stderr)
    return EXIT_OK


def _cmd_profile_infer(args) -> int:
    """The layout inference reads for a CSV/Excel/PDF file, written as a profile the user owns and can edit.
    Whichever importer reads the file offers it (layout_proposal): no format is named here. The file is read in
    the sandbox, as every import is."""
    from . import importers, sandbox
    from .errors import BankFileError
    from .importers.base import ImportOptions
    from .importers.tabular.infer.profile_file import default_path, profile_name

    path = Path(args.file)
    imp = importers.detect(path)
    proposer = getattr(imp, "layout_proposal", None)
    if proposer is None:
        raise InputError(path, f"a {imp.name} file has the layout its standard fixes: there is no layout to infer")
    out = Path(args.out) if args.out else default_path(path)
    proposal = sandbox.run(proposer, path, ImportOptions(currency=args.currency), profile_name(out.stem),
                           source=args.file, error=BankFileError)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proposal.profile_text, encoding="utf-8")
    print(json.dumps({"profile": str(out), "format": imp.name, "name": proposal.name,
                      "columns": [{"column": c, "role": r} for c, r in proposal.columns],
                      "confidence": proposal.confidence, "balance_proof": proposal.proof,
                      "notes": list(proposal.notes), "sample": [list(r) for r in proposal.sample]},
                     ensure_ascii=False))
    return EXIT_OK


def _cmd_match(args) -> int:
    from .canonical import read_bank_lines, read_ledger_lines, write_matches
    from .matching import auto_match, default_rules, load_rules
    from .matching.report import suggestions_path, write_proposals, write_suggestions

    rules = load_rules(args.rules) if args.rules else default_rules()  # bad rules: exit 2 before reading data
    bank = read_bank_lines(args.bank)
    ledger = read_ledger_lines(args.ledger)
    result = auto_match(bank, ledger, rules=rules)
    write_matches(args.out, result.matched)
    sugg = Path(args.suggestions) if args.suggestions else suggestions_path(args.out)
    write_suggestions(sugg, result.suggested)
    print(f"wrote {args.out} ({len(result.matched)} groups) and {sugg} ({len(result.suggested)} suggestions)")
    if args.proposed:
        write_proposals(args.proposed, result.proposed)
        print(f"wrote {args.proposed} ({len(result.proposed)} proposed new transactions)")
    for line in result.statistics.lines():
        print(line)
    return EXIT_OK


def _cmd_intercompany(args) -> int:
    from decimal import Decimal, InvalidOperation

    from .matching.intercompany_files import match_files

    try:
        tolerance = Decimal(args.tolerance)
    except InvalidOperation:
        raise InputError("--tolerance", f"not an amount: {args.tolerance!r}") from None
    if not tolerance.is_finite() or tolerance < 0:
        raise InputError("--tolerance", f"must be zero or a positive amount, not {args.tolerance!r}")
    result = match_files(args.left, args.right, args.keys.split(","), args.out, tolerance, args.suggestions)
    print(f"wrote {args.out} ({len(result.matched)} groups)"
          + (f" and {args.suggestions} ({len(result.suggested)} suggestions)" if args.suggestions else ""))
    print(f"left lines unmatched: {len(result.unmatched_bank)}; right lines unmatched: {len(result.unmatched_ledger)}")
    return EXIT_OK


def _cmd_demo(args) -> int:
    from .demo import run_demo

    run_demo(Path(args.out), seed=args.seed)
    return EXIT_OK


def _cmd_serve(args) -> int:
    from .app.serve import serve
    from .install.cli_install import default_port, serve_control

    if args.stop or args.status:
        return serve_control(args)
    try:
        serve(args.host, args.port or default_port())
    except ValueError as exc:
        raise InputError(None, str(exc)) from None
    return EXIT_OK


def _cmd_audit_verify(args) -> int:
    from .controls.audit_verify import verify_store

    verdict = verify_store()
    print(verdict.describe(), file=sys.stdout if verdict.intact else sys.stderr)
    return EXIT_OK if verdict.intact else EXIT_INPUT


def _cmd_run(args) -> int:
    from ..addin.dispatch import run_batch
    from ..addin.handlers.options import OPTIONS

    options = {k: getattr(args, k) for k in OPTIONS if getattr(args, k, None) is not None}
    return run_batch(args.workbook, args.action, options)


def _cmd_report(args) -> int:
    """The Report button's handler on a saved workbook; the workbook is only read (a report changes nothing)."""
    from ..addin.dispatch import run_batch
    from ..addin.handlers.report import WRITERS

    if args.out and Path(args.out).suffix.lower() not in WRITERS:
        raise InputError(args.out, f"the report is written as {' or '.join(WRITERS)}; name it *.pdf or *.xlsx")
    return run_batch(args.workbook, "report", {"out": args.out} if args.out else {}, save=False)


def _cmd_review(args) -> int:
    """The five review checks of a workbook's reconciliation, as the server computes them."""
    from ..addin.dispatch import run_review

    return run_review(args.workbook, args.json)
def _cmd_workspace(args) -> int:
    from ..addin.workspace.commands import workspace_command

    return workspace_command(args.period, args.out)


def _cmd_accounts(args) -> int:
    from ..addin.workspace import commands

    if args.accounts_command == "list":
        return commands.accounts_list_command(args.json)
    changes = {k: v for k, v in (("legal_entity", args.legal_entity), ("account_type", args.type)) if v is not None}
    return commands.accounts_set_command(args.account, changes)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tieout", description="Bank and GL reconciliation for Excel workbooks.")
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="import a bank file into canonical bank lines")
    imp.add_argument("file")
    imp.add_argument("--format", default="auto",
                     help="auto (by content, the default) or a format name: csv, xlsx, xls, pdf, bai2, mt940, mt942, "
                          "camt052, camt053, camt054, ofx, qif (an unknown name lists those known)")
    imp.add_argument("--profile", help="force a CSV/Excel layout profile by name")
    imp.add_argument("--profile-dir", action="append", help="folder with your own layout profiles (TOML)")
    imp.add_argument("--account-kind", choices=("bank", "card"),
                     help="card: a CSV/Excel file's positive amounts are charges (money out)")
    imp.add_argument("--currency", help="currency to assume when the file does not state one")
    imp.add_argument("--account", help="account to assume when the file does not state one")
    imp.add_argument("--opening", help="the statement's printed opening balance, for a file that states none")
    imp.add_argument("--closing", help="the statement's printed closing balance, for a file that states none")
    imp.add_argument("--strict", action="store_true",
                     help="refuse a statement whose own figures disagree (default: import it with a finding)")
    imp.add_argument("--date-order", choices=("day_first", "month_first"),
                     help="how to read dates such as 03/04 when nothing in the file tells")
    imp.add_argument("--out", required=True, help="canonical bank lines CSV to write")
    imp.add_argument("--append", action="store_true",
                     help="when OUT exists, add only the lines it does not hold yet (overlapping downloads)")
    imp.add_argument("--json", action="store_true", help="print the import summary as JSON")
    imp.set_defaults(func=_cmd_import)

    pr = sub.add_parser("profile", help="layout profiles of CSV/Excel bank files")
    pr_sub = pr.add_subparsers(dest="profile_command", required=True)
    pi = pr_sub.add_parser("infer", help="write the layout Tieout infers for a file as a profile you can edit")
    pi.add_argument("file")
    pi.add_argument("--out", help="the profile to write (default: $TIEOUT_HOME/profiles/<file name>.toml)")
    pi.add_argument("--currency", help="currency to assume when the file does not state one")
    pi.set_defaults(func=_cmd_profile_infer)
    from .cli_profiles import register as register_profiles  # list, forget (gaps13)

    register_profiles(pr_sub)

    m = sub.add_parser("match", help="auto-match canonical bank lines against canonical ledger lines")
    m.add_argument("--bank", required=True, help="canonical bank lines CSV")
    m.add_argument("--ledger", required=True, help="canonical ledger lines CSV")
    m.add_argument("--out", required=True, help="matches CSV to write (match_id,side,line_id,rule,confidence)")
    m.add_argument("--rules", help="rules TOML file (default: the built-in rule library)")
    m.add_argument("--suggestions", help="suggestions CSV to write: lines in doubt with their ranked candidates "
                                         "(default: OUT's name with .suggestions.csv)")
    m.add_argument("--proposed", help="also write the proposed new transactions (fees, interest, returns) here")
    m.set_defaults(func=_cmd_match)

    ic = sub.add_parser("intercompany", help="match two companies' canonical ledger files (groups that net to zero)")
    ic.add_argument("--left", required=True, help="the first company's canonical ledger lines CSV")
    ic.add_argument("--right", required=True, help="the second company's canonical ledger lines CSV")
    ic.add_argument("--keys", required=True, help="1 to 5 key fields, comma-separated: reference, counterparty, "
                                                  "description, source, date, currency, document_currency, "
                                                  "document_amount (needs document_currency), amount")
    ic.add_argument("--tolerance", default="0", help="largest net difference still matched (currency units)")
    ic.add_argument("--out", required=True, help="matches CSV to write (side = left | right)")
    ic.add_argument("--suggestions", help="suggestions CSV to write: lines with several candidates")
    ic.set_defaults(func=_cmd_intercompany)

    d = sub.add_parser("demo", help="build a sample reconciliation workbook end to end")
    d.add_argument("--out", default="demo/Reconciliation-demo.xlsx")
    d.add_argument("--seed", type=int, default=20261122)
    d.set_defaults(func=_cmd_demo)

    sv = sub.add_parser("serve", help="run the calculation server (loopback only unless in team mode)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=None,
                    help="default: your own port, kept in $TIEOUT_HOME/port (8765 for the first user of a machine)")
    sv.add_argument("--status", action="store_true", help="say whether your server runs, on which port")
    sv.add_argument("--stop", action="store_true", help="stop your running server")
    sv.set_defaults(func=_cmd_serve)

    from ..addin.handlers.options import OPTIONS  # a table only: the handlers load when `run` runs

    rn = sub.add_parser("run", help="run an add-in button's handler on a saved workbook (batch mode)")
    rn.add_argument("workbook", help="the reconciliation workbook (.xlsx); the first import creates it")
    rn.add_argument("--action", required=True, help="the handler, e.g. import_bank_file, auto_match, "
                                                    "match_selected, submit_for_review (ribbon/buttons.toml)")
    for name, text in OPTIONS.items():
        rn.add_argument("--" + name.replace("_", "-"), dest=name, help=text)
    rn.set_defaults(func=_cmd_run)

    rp = sub.add_parser("report", help="write the reviewer's report of a reconciliation workbook (.pdf or .xlsx)")
    rp.add_argument("workbook", help="the reconciliation workbook (.xlsx), linked to a reconciliation")
    rp.add_argument("--out", help="the report to write, *.pdf or *.xlsx (default: <workbook>-report.pdf)")
    rp.set_defaults(func=_cmd_report)

    rv = sub.add_parser("review", help="print the five review checks of a reconciliation workbook")
    rv.add_argument("workbook", help="the reconciliation workbook (.xlsx), linked to a reconciliation")
    rv.add_argument("--json", action="store_true", help='print {"checks": [{"id", "title", "status", ...}], ...}')
    rv.set_defaults(func=_cmd_review)
    ws = sub.add_parser("workspace", help="write the workspace over every account you may see (.xlsx)")
    ws.add_argument("--period", help="yyyy-mm (default: the latest period with a reconciliation)")
    ws.add_argument("--out", required=True, help="the workbook to write, *.xlsx")
    ws.set_defaults(func=_cmd_workspace)

    ac = sub.add_parser("accounts", help="list accounts; set an account's legal entity and type")
    ac_sub = ac.add_subparsers(dest="accounts_command", required=True)
    al = ac_sub.add_parser("list", help="the accounts you may see (tab-separated, or --json)")
    al.add_argument("--json", action="store_true")
    al.set_defaults(func=_cmd_accounts)
    ast = ac_sub.add_parser("set", help="set an account's legal entity and/or type")
    ast.add_argument("account", help="the account's id or name")
    ast.add_argument("--legal-entity", help="the legal entity the account belongs to")
    ast.add_argument("--type", help="bank, AP, AR, tax or other")
    ast.set_defaults(func=_cmd_accounts)

    au = sub.add_parser("audit", help="audit trail tools")
    au_sub = au.add_subparsers(dest="audit_command", required=True)
    av = au_sub.add_parser("verify", help="verify the audit trail's hash chain (exit 2 naming the first broken row)")
    av.set_defaults(func=_cmd_audit_verify)

    from .subledgers.cli import add_parser as add_subledger  # ledger against ledger (issue 16)

    add_subledger(sub)
    from .cash_application.cli import add_parser as add_cash_application

    add_cash_application(sub)
    from .cli_users import register as register_users
    from .install.cli_install import register as register_install

    register_users(sub)
    register_install(p, sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc.message()}", file=sys.stderr)
        _print_remedies(exc)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERNAL
    except BrokenPipeError:  # output piped into `head` and closed early: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception:  # noqa: BLE001 - the CLI's last line of defence: say it is ours, not the user's
        traceback.print_exc()
        print("internal error: this is a bug in Tieout, not a problem with your file", file=sys.stderr)
        return EXIT_INTERNAL


def _print_remedies(exc: InputError) -> None:
    """What the user can give on the command line to get past the error (importers/missing.py)."""
    from .importers.missing import CLI, remedies

    said = remedies(exc.missing(), CLI)
    if said:
        print(f"to import it: {said}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
