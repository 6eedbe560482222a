"""BAI2 format knowledge as data: which way each type code moves money, which canonical type it is, and how many
fields each funds type adds. Kept apart from the parser so that a new bank's codes are a table edit, not code.

Code meanings follow the BAI2 specification's Appendix A (Cash Management Balance Reporting Specifications,
version 2). Not a format module: it defines no IMPORTER.
"""
from __future__ import annotations

# Status codes (account balances in 03 records) the statement needs.
OPENING_LEDGER = "010"
CLOSING_LEDGER = "015"

# Detail (16) codes: 100-399 credit the account, 400-699 debit it. 890 is "non-monetary information" (text only).
CREDIT_CODES = range(100, 400)
DEBIT_CODES = range(400, 700)
NON_MONETARY = frozenset({890})

# Detail code -> canonical type of records.BANK_TYPES. Codes not listed are "other".
_TYPES = {
    "check": "435 472 474 475 484 522",
    "deposit": "115 116 118 136 171 173 174 175 176 184 187 222 301 302 342 345",
    "cash": "295 353 366 595 629 666",
    "card": "147",
    "ach": "121 122 142 143 145 164 165 166 169 421 422 445 447 451 452 462 464 466 469",
    "direct_debit": "455",
    "wire": "195 196 208 216 493 495 496 508 516",
    "transfer": "135 191 201 206 227 274 275 277 278 281 286 485 491 501 506 527 574 575 577 578 581",
    "return": "123 168 255 257 261 266 268 423 468 555 557 561 566 568",
    "reversal": "252 258 395 552 558 694",
    "fee": "398 524 564 567 661 698",
    "interest": "242 346 354 359 654 659",
}
CANONICAL_TYPE: dict[int, str] = {int(code): kind for kind, codes in _TYPES.items() for code in codes.split()}

# Funds type -> number of fields that follow it (value date + time; immediate, one-day, two-or-more-day amounts).
# "D" (distributed availability) is variable: a count n, then n pairs of (days, amount).
FUNDS_EXTRA_FIELDS = {"": 0, "0": 0, "1": 0, "2": 0, "Z": 0, "V": 2, "S": 3}
DISTRIBUTED = "D"


def direction(code: int) -> int:
    """+1 for a credit code, -1 for a debit code, 0 for any other (status, loan, non-monetary, bank-defined)."""
    if code in CREDIT_CODES:
        return 1
    if code in DEBIT_CODES:
        return -1
    return 0


def canonical_type(code: int) -> str:
    return CANONICAL_TYPE.get(code, "other")
