"""The running balance of a statement checked column-wise, for the usual file: every line prints its balance
and each follows from the one before plus the line.

Why: statements.running_balance walks the lines one by one in Python, building a record per line, to name the
line where a chain breaks. A whole column of Decimal additions and comparisons runs in C (map over the two
columns), so a chain that holds is proved at a fraction of that cost; anything else (a break, a missing
balance, an order the sample cannot tell) returns None and the line-by-line check runs as before, so findings
and their messages do not change."""
from __future__ import annotations

from decimal import Decimal
from operator import add, eq
from typing import Sequence

SAMPLE = 200  # the pairs statements._chronological looks at to tell the order


def unbroken_chain(amounts: Sequence[Decimal], balances: Sequence[Decimal | None]
                   ) -> tuple[Decimal, Decimal] | None:
    """(opening, closing) when each printed balance follows from its neighbour in exactly one order, the same
    order the line-by-line check would choose; None when it must decide (or report) line by line."""
    n = len(amounts)
    # every balance a Decimal, judged by the column's classes: `None in balances` would compare each Decimal
    # with None, and Decimal's comparison asks numbers.Rational (an ABC) about the other side every time
    if n < 2 or set(map(type, balances)) != {Decimal}:
        return None
    amounts, balances = list(amounts), list(balances)
    pairs = min(SAMPLE, n - 1)
    # the order _chronological would choose: the direction more of the first pairs follow; a tie goes to dates
    forward = sum(map(eq, map(add, balances[:pairs], amounts[1:pairs + 1]), balances[1:pairs + 1]))
    backward = sum(map(eq, map(add, balances[1:pairs + 1], amounts[:pairs]), balances[:pairs]))
    if forward > backward:  # oldest first: balance[i-1] + amount[i] == balance[i] on every line
        if list(map(add, balances[:-1], amounts[1:])) == balances[1:]:
            return balances[0] - amounts[0], balances[-1]
    elif backward > forward:  # newest first: balance[i+1] + amount[i] == balance[i]
        if list(map(add, balances[1:], amounts[:-1])) == balances[:-1]:
            return balances[-1] - amounts[-1], balances[0]
    return None
