"""The workbook of a transaction reconciliation (ledger against ledger), its own sheets:

- `Ledger Rec`: the record (name, description and each side's filters are typed here), its status and the
  reason of a failed batch, and the table SelectedTotals: per currency, the selected total of each side and
  their difference (as of the last button press);
- `Left Lines` and `Right Lines`: the two lists (Tables LeftLines and RightLines). The `select` column is the
  user's: lines with the same label (any text, e.g. 1, A, x) on either side form one group to reconcile;
  Auto-Match fills proposed labels (P1, P2...) only into rows left blank;
- `Reconciled Groups`: one row per line of each standing group; `Reconciliation History`: every reconcile and
  unreconcile with who, when and why.
Written through the workbook adapter, so Excel and batch mode show the same."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..excel_templates.sheet_writer import Column

REC_SHEET, LEFT_SHEET, RIGHT_SHEET = "Ledger Rec", "Left Lines", "Right Lines"
GROUPS_SHEET, HISTORY_SHEET = "Reconciled Groups", "Reconciliation History"
SIDE_SHEETS = {"left": LEFT_SHEET, "right": RIGHT_SHEET}
SIDE_TABLES = {"left": "LeftLines", "right": "RightLines"}
LEDGER_REC_ID = "LedgerRecId"  # workbook setting Tieout_LedgerRecId
TOTALS_ROW = 14
FILTER_FIELDS = ("company", "periods", "gl_accounts", "accounts")
# the input cells of Ledger Rec: name, description, then each side's filter fields (rows 7-10)
NAME_CELL, DESCRIPTION_CELL = "B3", "B4"
FILTER_CELLS = {"left": ("B7", "B8", "B9", "B10"), "right": ("D7", "D8", "D9", "D10")}
# the account each side belongs to (who may read and change the record: server/ledgers/access.py)
ACCOUNT_CELLS = {"left": "B11", "right": "D11"}

LINE_COLUMNS = (Column("select", width=8), Column("line_id", width=14), Column("date", "date", 11),
                Column("amount", "money", 14), Column("currency", width=8),
                Column("document_amount", "money", 14), Column("document_currency", width=8),
                Column("reference", width=16), Column("description", width=30), Column("counterparty", width=16),
                Column("gl_account", width=10), Column("account", width=12), Column("period", width=8),
                Column("group", width=10))
TOTAL_COLUMNS = (Column("currency", width=10), Column("left selected", "money", 16),
                 Column("right selected", "money", 16), Column("difference", "money", 16),
                 Column("left lines", "int", 10), Column("right lines", "int", 10))
GROUP_COLUMNS = (Column("group", width=10), Column("basis", width=10), Column("kind", width=8),
                 Column("side", width=7), Column("line_id", width=14), Column("made_by", width=12),
                 Column("made_at", width=20))
HISTORY_COLUMNS = (Column("at", width=20), Column("action", width=13), Column("group", width=10),
                   Column("by", width=12), Column("reason", width=30), Column("left lines", width=30),
                   Column("right lines", width=30), Column("totals", width=40))


def _date(text: str | None):
    return dt.date.fromisoformat(text) if text else None


def _money(text) -> Decimal | None:
    return Decimal(str(text)) if text not in (None, "") else None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_definition(book) -> dict:
    """The record as typed on Ledger Rec: {"name", "description", "left": filter, "right": filter}."""
    if REC_SHEET not in book.sheet_names():
        return {}
    values = {ref: cell_text(book.read_range(REC_SHEET, ref)[0][0])
              for ref in (NAME_CELL, DESCRIPTION_CELL, *FILTER_CELLS["left"], *FILTER_CELLS["right"],
                          *ACCOUNT_CELLS.values())}
    out = {"name": values[NAME_CELL], "description": values[DESCRIPTION_CELL],
           **{f"{side}_account": values[ref] for side, ref in ACCOUNT_CELLS.items()}}
    for side, cells in FILTER_CELLS.items():
        f = {}
        for field, ref in zip(FILTER_FIELDS, cells):
            text = values[ref]
            f[field] = text if field == "company" else [v.strip() for v in text.split(",") if v.strip()]
        out[side] = f
    return out


def read_labels(book) -> dict[str, dict[str, str]]:
    """side -> {line_id: select label} for every row with a label."""
    out: dict[str, dict[str, str]] = {"left": {}, "right": {}}
    names = book.sheet_names()
    for side, sheet in SIDE_SHEETS.items():
        if sheet in names:
            for row in book.read_table(sheet):
                label, line_id = cell_text(row.get("select")), cell_text(row.get("line_id"))
                if label and line_id:
                    out[side][line_id] = label
    return out


def selected_totals(lines: dict[str, list[dict]], labels: dict[str, dict[str, str]]) -> list[tuple]:
    """Per currency: left selected, right selected, their difference (left + right: the two sides carry
    opposite signs, so a balanced selection sums to zero), and the counts."""
    sums: dict[str, list] = {}
    for i, side in enumerate(("left", "right")):
        for ln in lines[side]:
            if ln["line_id"] in labels[side] and not ln["group"]:
                s = sums.setdefault(ln["currency"], [Decimal(0), Decimal(0), 0, 0])
                s[i] += Decimal(ln["amount"])
                s[2 + i] += 1
    return [(c, s[0], s[1], s[0] + s[1], s[2], s[3]) for c, s in sorted(sums.items())]


def render(book, rec: dict, lines: dict[str, list[dict]], labels: dict[str, dict[str, str]], groups: list[dict],
           history: list[dict]) -> None:
    """Writes every sheet of the record; open lines keep their labels, reconciled lines lose them."""
    cells = {"A1": "Transaction reconciliation", "A2": "Record", "B2": rec["id"], "A3": "Name",
             NAME_CELL: rec["name"], "A4": "Description", DESCRIPTION_CELL: rec["description"],
             "A5": "Status", "B5": rec["status"], "A6": "Left side", "C6": "Right side",
             "A12": "Last batch error", "B12": (rec.get("error") or ""),
             "A13": "Selected totals (as of the last button press; label lines in the select column)"}
    for side, col in (("left", "A"), ("right", "C")):
        f = rec[side]
        for n, (field, ref) in enumerate(zip(FILTER_FIELDS, FILTER_CELLS[side])):
            cells[f"{col}{7 + n}"] = field.replace("_", " ")
            cells[ref] = f[field] if field == "company" else ", ".join(f[field])
        cells[f"{col}11"] = "account"
        cells[ACCOUNT_CELLS[side]] = rec.get(f"{side}_account") or ""
    if REC_SHEET not in book.sheet_names():
        book.write_table(REC_SHEET, "SelectedTotals", TOTAL_COLUMNS, [], first_row=TOTALS_ROW)
    book.set_cells(REC_SHEET, cells)
    book.write_table(REC_SHEET, "SelectedTotals", TOTAL_COLUMNS, selected_totals(lines, labels),
                     first_row=TOTALS_ROW)
    for side, sheet in SIDE_SHEETS.items():
        book.write_table(sheet, SIDE_TABLES[side], LINE_COLUMNS, [
            ("" if ln["group"] else labels[side].get(ln["line_id"], ""), ln["line_id"], _date(ln["date"]),
             _money(ln["amount"]), ln["currency"], _money(ln["document_amount"]), ln["document_currency"],
             ln["reference"], ln["description"], ln["counterparty"], ln["gl_account"], ln["account"],
             ln["period"], ln["group"] or "") for ln in lines[side]])
    book.write_table(GROUPS_SHEET, "ReconciledGroups", GROUP_COLUMNS, [
        (g["key"], g["basis"], g["kind"], side, line_id, g["made_by"], g["made_at"])
        for g in groups for side in ("left", "right") for line_id in g[side]])
    book.write_table(HISTORY_SHEET, "ReconciliationHistory", HISTORY_COLUMNS, [
        (h["at"], h["action"], h["group"], h["by"], h["reason"], ", ".join(h["left"]), ", ".join(h["right"]),
         "; ".join(f"{t['currency']} {t['left']} / {t['right']}" for t in h["totals"])) for h in history])
