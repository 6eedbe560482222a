"""The running balance as referee: of the readings a table allows (which column is the amount, which the
balance, which sign), the one under which balance[i] = balance[i-1] + amount[i] holds for the most rows,
in file order or reversed (banks list newest first or oldest first), with the balance printed after the
line or, as some banks do, before it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Sequence

Reader = Callable[[Sequence], "Decimal | None"]


@dataclass(frozen=True)
class Proof:
    """How well one reading fits the balance column: pairs of consecutive rows checked, and how many hold."""

    checked: int
    held: int
    order: str  # "oldest first" | "newest first"
    balance: str  # "after" | "before": the balance printed with a line is the one after it, or before it

    @property
    def share(self) -> float:
        return self.held / self.checked if self.checked else 0.0

    def describe(self) -> str:
        return (f"balance[i] = balance[i-1] + amount[i] holds for {self.held} of {self.checked} consecutive rows "
                f"({self.order}, balance printed {self.balance} each line)")


def _pairs(entries: list[tuple[Decimal, Decimal]], before: bool) -> tuple[int, int]:
    checked = held = 0
    for (a0, b0), (a1, b1) in zip(entries, entries[1:]):
        checked += 1
        held += (b1 == b0 + a0) if before else (b1 == b0 + a1)
    return checked, held


ORDERS = ("oldest first", "newest first")


def fit(rows: Sequence[Sequence], amount: Reader, balance: Reader, orders: Sequence[str] = ORDERS) -> Proof | None:
    """The best of the orders (the dates say which are possible) and placements for one reading; None when the
    rows give nothing to check. Newest-first with the balance before each line is the same relation as
    oldest-first with the balance after it and the signs flipped, which is why the dates must bound `orders`."""
    entries = []
    for row in rows:
        try:
            a, b = amount(row), balance(row)
        except (ValueError, ArithmeticError, IndexError):
            continue
        if a is not None and b is not None:
            entries.append((a, b))
    if len(entries) < 2:
        return None
    best = None
    for order, seq in (("oldest first", entries), ("newest first", entries[::-1])):
        if order not in orders:
            continue
        for placement in ("after", "before"):
            checked, held = _pairs(seq, placement == "before")
            proof = Proof(checked, held, order, placement)
            if best is None or proof.held > best.held:
                best = proof
    return best
