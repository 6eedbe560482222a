"""`tieout cash-apply`: incoming payments applied to open AR invoices; the settlement file for the ERP."""
from __future__ import annotations


def _cmd(args) -> int:
    from .apply import apply_cash
    from .settlement import read_open_invoices, read_payments, write_settlement

    from .. import sandbox
    from ..errors import InputError

    currency = args.currency.upper()
    # read in sandboxed workers, as every file a user picks (a workbook can make its reader abort the process)
    payments = sandbox.run(read_payments, args.payments, currency, source=args.payments, error=InputError)
    invoices = sandbox.run(read_open_invoices, args.invoices, currency, source=args.invoices, error=InputError)
    result = apply_cash(payments, invoices)
    n = write_settlement(args.out, result)
    exact = sum(1 for a in result.applications if a.rule == "exact")
    print(f"wrote {args.out} ({n} rows): {len(result.applications)} applications ({exact} exact, "
          f"{len(result.applications) - exact} oldest first), {len(result.deductions)} deductions, "
          f"{len(result.on_account)} on account, {len(result.still_open)} invoices still open")
    return 0


def add_parser(sub) -> None:
    ca = sub.add_parser("cash-apply", help="apply incoming payments to open AR invoices (exact first, then oldest "
                                           "first); write the settlement file")
    ca.add_argument("--payments", required=True, help="incoming payments, CSV or Excel (payment id, date, amount, "
                                                      "customer; optional remittance and deduction reason)")
    ca.add_argument("--invoices", required=True, help="the AR open items export, CSV or Excel")
    ca.add_argument("--currency", required=True, help="the currency when a file names none")
    ca.add_argument("--out", required=True, help="the settlement file to write, .csv or .xlsx")
    ca.set_defaults(func=_cmd)
