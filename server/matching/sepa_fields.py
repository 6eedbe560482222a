"""SEPA remittance keys in a bank text ('EREF+E2E-123 MREF+M-77 SVWZ+RE 2024-0145 ABWA+KORVEX HANDEL').

German bank exports (CSV, and MT940 :86: fields an importer could not split) keep the SEPA keys inline. What
follows EREF+ (end-to-end reference), KREF+ (customer reference), MREF+ (mandate), CRED+ (creditor id), IBAN+ and
BIC+ is a code: it may agree with a ledger reference or hold a document number, but it names no one, so it is
left out where the text is read for names. SVWZ+ (the remittance) and ABWA+/ABWE+ (the ordering or ultimate
party's name) stay. The MT940 importer splits the ?20..?29 subfields of structured :86: fields itself. The
codes stay evidence where numbers and references are read: an end-to-end reference equal to the ledger's
reference is found in the bank text (reference "contains"), a number in it is a document number.
"""
from __future__ import annotations

import re

CODE_KEYS = ("EREF", "KREF", "MREF", "CRED", "DEBT", "IBAN", "BIC", "COAM", "OAMT", "SQTP", "PURP")
TEXT_KEYS = ("SVWZ", "ABWA", "ABWE")
_KEY = re.compile(r"(?<![A-Z0-9])(" + "|".join(CODE_KEYS + TEXT_KEYS) + r")\+", re.IGNORECASE)


def without_codes(text: str) -> str:
    """The text with the values of the code keys taken out (names and remittance kept)."""
    if not text or "+" not in text:
        return text
    parts = _KEY.split(text)
    if len(parts) == 1:
        return text
    kept = [parts[0]] + [f"{key} {value}" for key, value in zip(parts[1::2], parts[2::2])
                         if key.upper() not in CODE_KEYS]
    return " ".join(kept)
