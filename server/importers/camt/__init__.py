"""ISO 20022 bank-to-customer cash management messages (camt): one subpackage for their shared reading.

The element map of an entry (fields, read by the compiled walk or its Python reference), the namespace blanking
(source), the texts of a line (texts) and the bank transaction codes (codes) serve every camt message; reader
streams a file of one of them. The registry takes the formats from IMPORTERS.
"""
from __future__ import annotations

from .reader import Camt053Importer

IMPORTERS = (Camt053Importer(),)
