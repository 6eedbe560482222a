"""The typed-in templates (GL balance and lines, bank statement): reading their cells from a workbook and
checking each one, so a bad cell is refused by name instead of being skipped."""
