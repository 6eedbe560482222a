"""ISO 20022 bank transaction codes (BkTxCd) -> canonical bank line types (records.BANK_TYPES), as data.

The ISO code is Domain / Family / Sub-family (e.g. PMNT / RCDT / ESCT). The sub-family says the most
(CHRG is a charge in any family), the family says the rest. Proprietary codes (BkTxCd/Prtry/Cd) are
mostly bank-specific; only the SWIFT "Nxxx" transaction type codes that MT940 and many camt files use
(sometimes with a "+GVC" suffix, as in German camt files) are mapped here.
"""
from __future__ import annotations

# Sub-family codes that mean the same in every family.
SUBFAMILY = {
    "CHRG": "fee", "FEES": "fee", "COMM": "fee", "COMT": "fee", "TAXE": "fee",
    "INTR": "interest",
    "RRTN": "return", "ARET": "return", "UPDD": "return", "UPCQ": "return",
    "RPCR": "reversal", "AREV": "reversal", "PRDD": "reversal", "CQRV": "reversal",
    "CWDL": "cash", "CDPT": "deposit", "BCDP": "deposit",
    "ACDT": "ach", "ADBT": "ach", "ACOR": "ach", "APAC": "ach", "ASET": "ach", "ATXN": "ach",
    "XBCT": "wire", "PRCT": "wire", "SDVA": "wire", "FICT": "wire",
    "BOOK": "transfer", "STDO": "transfer", "AUTT": "transfer", "ICCT": "transfer",
    "ESDD": "direct_debit", "BBDD": "direct_debit", "PMDD": "direct_debit", "OODD": "direct_debit",
    "POSD": "card", "POSC": "card", "SMRT": "card",
    "CCHQ": "check", "BCHQ": "check",
}

# Family codes (second level) when the sub-family said nothing specific.
FAMILY = {
    "RCDT": "transfer", "ICDT": "transfer", "RRCT": "transfer", "IRCT": "transfer",
    "RDDT": "direct_debit", "IDDT": "direct_debit",
    "RCHQ": "deposit", "ICHQ": "check", "DRFT": "check",
    "CCRD": "card", "MCRD": "card",
    "CNTR": "cash",
    "LBOX": "deposit",
}

# SWIFT transaction type identification codes (MT940 field 61 "N" + 3 letters), used as Prtry/Cd.
SWIFT_PROPRIETARY = {
    "NCHK": "check", "NCHG": "fee", "NCOM": "fee", "NINT": "interest", "NTRF": "transfer",
    "NDDT": "direct_debit", "NRTI": "return", "NSTO": "transfer", "NCMI": "transfer",
    "NCLR": "check",
}


def canonical_type(domain: str, family: str, subfamily: str, proprietary: str) -> str:
    """The canonical type for one entry's bank transaction code (any part may be empty)."""
    found = SUBFAMILY.get(subfamily) or FAMILY.get(family)
    if found:
        return found
    code = proprietary.strip().upper()[:4]
    return SWIFT_PROPRIETARY.get(code, "other")
