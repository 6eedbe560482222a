"""Page setup that prints: every sheet fits its width on the page (as many pages tall as it needs), the
header rows repeat on each page, and a sheet wider than a portrait page prints landscape. Without it a
50-line reconciliation's sheets print on dozens of pages, columns cut off onto pages of their own."""
from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

# Column widths (Excel's character units) that still print legibly across a portrait A4/Letter page at 100%;
# wider sheets go landscape (and are scaled down to the page width either way).
PORTRAIT_WIDTH = 95


def landscape(widths: Sequence[float]) -> bool:
    return sum(widths) > PORTRAIT_WIDTH


def fit_to_width(ws: Worksheet, header_row: int, widths: Sequence[float]) -> None:
    """Fit `ws` to one page wide, repeat rows 1..header_row (the title block and the table's header)."""
    ws.page_setup.orientation = "landscape" if landscape(widths) else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
