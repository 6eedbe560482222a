"""PDF bank statements (format "pdf"): text statements read by a layout template (built-in in layouts/, or the
user's) or by a layout inferred from the page geometry. `IMPORTER` is what the format registry finds."""
from .statement import IMPORTER, PdfStatementImporter

__all__ = ["IMPORTER", "PdfStatementImporter"]
