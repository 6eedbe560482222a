"""Values the live-Excel adapter read through COM during one button press, kept until a write touches them.

Why: every value fetched from Excel crosses COM (or AppleScript) and costs in proportion to the cells; a press
reads a sheet's input cells to send what the user typed (the inputs' sync) and then re-renders the same sheet,
which compares with what it shows before writing only the columns that change. Excel's user is held off while
a press runs, so nothing but the press itself changes the cells: a block read once is good until the press
writes over it.
"""
from __future__ import annotations

from collections.abc import Callable

from openpyxl.utils.cell import range_boundaries

Box = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)


def box_of(ref: str) -> Box:
    """The box of an A1 reference ("B5", "A2:K9")."""
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return min_row, min_col, max_row, max_col


def box_of_range(rng) -> Box:
    """The box of an xlwings range (its place and shape)."""
    rows, cols = rng.shape
    return rng.row, rng.column, rng.row + rows - 1, rng.column + cols - 1


def _overlap(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class PressReads:
    """Blocks read per sheet, each fetched once until a write overlaps it."""

    def __init__(self):
        self._held: dict[str, dict[tuple, object]] = {}

    def get(self, sheet: str, box: Box, ndim: int, fetch: Callable[[], object]):
        held = self._held.setdefault(sheet, {})
        key = (box, ndim)
        if key not in held:
            held[key] = fetch()
        return held[key]

    def written(self, sheet: str, box: Box | None = None) -> None:
        """A write to `box` of `sheet` (None: anywhere on it) drops the blocks it overlaps."""
        held = self._held.get(sheet)
        if held:
            for key in [k for k in held if box is None or _overlap(k[0], box)]:
                del held[key]
