"""A reconciliation's figures as the workbook's Summary shows them, computed by the database (sums and counts),
so that drawing the Summary never needs the lines themselves."""
