"""The report's charts, drawn with reportlab's own graphics (vector, in the PDF; no other plotting library
needed): open items by age bucket and side, the share of lines each matching rule matched, and the open
items over the account's last periods. Each is a Drawing with its title, to place in the story."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

BANK, GL, RATE, OPEN = (colors.HexColor(c) for c in ("#2F5597", "#C55A11", "#548235", "#7F6000"))
TITLE_SIZE, LABEL_SIZE = 9, 7
MAX_RULES = 8  # the largest rules; the rest are summed in one bar
PERIOD_ROOM = 70  # points of chart width per period at the most


def _frame(width: float, height: float, title: str, font: str) -> Drawing:
    d = Drawing(width, height)
    d.add(String(0, height - TITLE_SIZE, title, fontName=font, fontSize=TITLE_SIZE))
    return d


def _axes(chart, font: str) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, LABEL_SIZE
    chart.valueAxis.forceZero = True


def aging_chart(rows: Sequence[tuple], width: float, height: float, font: str, bold: str) -> Drawing:
    """Bars of open items per age bucket, bank and GL side by side (rows: report_content.aged_rows)."""
    d = _frame(width, height, "Open items by age (days at the period end)", bold)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 28, width - 40, height - 52
    chart.data = [[r[1] for r in rows], [r[3] for r in rows]]
    chart.categoryAxis.categoryNames = [r[0] for r in rows]
    chart.bars[0].fillColor, chart.bars[1].fillColor = BANK, GL
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%d", font, LABEL_SIZE
    chart.barLabels.nudge = 5
    chart.valueAxis.valueStep = max(1, -(-max(max(chart.data[0]), max(chart.data[1]), 1) // 5))
    _axes(chart, font)
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 70, height - 12
    legend.alignment = "right"  # the swatch, then its name
    legend.fontName, legend.fontSize = font, LABEL_SIZE
    legend.columnMaximum, legend.dx, legend.dy, legend.deltax = 1, 6, 6, 34
    legend.colorNamePairs = [(BANK, "bank"), (GL, "GL")]
    d.add(legend)
    return d


def rule_chart(rates: Sequence[tuple[str, Decimal]], width: float, height: float, font: str,
               bold: str) -> Drawing:
    """Horizontal bars: the percent of all lines each rule matched, and the percent unmatched."""
    d = _frame(width, height, "Match rate by rule (% of all lines)", bold)
    shown = list(rates[:-1])
    if len(shown) > MAX_RULES:
        rest = sum((r for _, r in shown[MAX_RULES - 1:]), Decimal(0))
        shown = shown[:MAX_RULES - 1] + [(f"{len(shown) - MAX_RULES + 1} other rules", rest)]
    shown += list(rates[-1:])
    chart = HorizontalBarChart()
    label_room = min(width * 0.5, 150)
    chart.x, chart.y, chart.width, chart.height = label_room, 10, width - label_room - 30, height - 34
    chart.data = [[float(r * 100) for _, r in reversed(shown)]]  # drawn bottom-up: the largest at the top
    chart.categoryAxis.categoryNames = [name if len(name) <= 36 else name[:35] + "…" for name, _ in reversed(shown)]
    chart.bars[0].fillColor = RATE
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.valueStep = 25
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%.1f%%", font, LABEL_SIZE
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    _axes(chart, font)
    d.add(chart)
    return d


def history_chart(points: Sequence, width: float, height: float, font: str, bold: str) -> Drawing:
    """Open items at the end of each of the account's last periods (points: report_sources.PeriodPoint)."""
    d = _frame(width, height, "Open items over the last periods", bold)
    chart = VerticalBarChart()
    # a bar's room is at most PERIOD_ROOM wide: one period is one slim bar, not the whole width
    chart.x, chart.y, chart.width, chart.height = 28, 18, min(width - 40, PERIOD_ROOM * len(points)), height - 40
    chart.data = [[p.open_items for p in points]]
    chart.categoryAxis.categoryNames = [p.period for p in points]
    chart.bars[0].fillColor = OPEN
    chart.barLabelFormat, chart.barLabels.fontName, chart.barLabels.fontSize = "%d", font, LABEL_SIZE
    chart.barLabels.nudge = 5
    chart.valueAxis.valueStep = max(1, -(-max(max(chart.data[0]), 1) // 4))
    _axes(chart, font)
    d.add(chart)
    return d
