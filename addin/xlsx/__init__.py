"""The saved workbook below the batch adapter (`addin/xlsx_workbook.py`), at the level of its .xlsx package.

openpyxl builds an object per cell when it opens a workbook and walks them all when it saves: at 20,000 bank
lines that was nearly all of a button press (issue 17). Here openpyxl only ever sees the worksheets without
their rows (`package`): tables, styles, validations, conditional formats, protection and names stay its
work, exactly as before. The rows are the original bytes for a sheet nothing rewrote, rows generated from a
handler's table for a sheet it rewrote (`rows`), and read with python-calamine when a handler reads a table
(`read`). Anything else a handler asks of a sheet's cells loads that sheet's cells into openpyxl first.
"""
