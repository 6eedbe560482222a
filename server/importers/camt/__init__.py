"""ISO 20022 bank-to-customer cash management messages (camt.053, camt.052, camt.054): one importer per message
(messages, as data), all through the same reader.

The element map of an entry (fields, read by the compiled walk or its Python reference), the namespace blanking
(source), the texts of a line (texts), the bank transaction codes (codes) and the findings serve every message;
reader streams a file. The registry takes the formats from IMPORTERS.
"""
from __future__ import annotations

from .importer import CamtImporter
from .messages import MESSAGES

IMPORTERS = tuple(CamtImporter(message) for message in MESSAGES)
