"""Text keys the rules compare: squashed references, word sets, counterparty words, check numbers, digits.

Banks and ledgers spell the same reference differently ("INV-10023", "inv 10023", "Inv10023"); comparing
the upper-cased letters and digits only makes them equal. Counterparty names lose legal suffixes
("Acme Corp" and "ACME CORPORATION" share the word ACME).
"""
from __future__ import annotations

import re
import string
from functools import lru_cache

from . import document_numbers, sepa_fields
from .text_data import bank_words, fold_word, legal_words, to_ascii

_NON_WORD = re.compile(r"[\W_]+")
_CHECK_REF = re.compile(r"(?:CHECK|CHEQUE|CHK|CK|NO)?0*(\d{1,12})")
_NON_DIGIT = re.compile(r"\D+")
_DIGIT_RUN = re.compile(r"(\d{5,})\D*$")
_YEAR_HEAD = re.compile(r"(?:19|20)\d\d")

# Words that say what kind of company a name is, not which one: left out of counterparty keys.
LEGAL_WORDS = frozenset(fold_word(w) for w in """
INC INCORPORATED LLC LLP LP LTD LIMITED CORP CORPORATION CO COMPANY PLC GMBH AG SA SAS SARL BV NV SPA SRL
AB AS OY KG PTY PTE THE AND OF
""".split()) | legal_words()  # text_data.toml: legal forms per country
# Words banks print on statement lines that name no one: a bank text made only of these (and numbers)
# names no counterparty, so it cannot contradict the ledger's.
BANK_WORDS = frozenset(fold_word(w) for w in """
ACH CREDIT DEBIT CARD PURCHASE POS DEPOSIT DEP CHECK CHEQUE CHK WIRE IN OUT INCOMING OUTGOING PAYMENT PMT
TRANSFER TRF XFER ONLINE MOBILE BANKING BRANCH ATM CASH WITHDRAWAL SEPA SWIFT FEDWIRE REF REFERENCE INV
INVOICE PPD CCD WEB TEL RECURRING DIRECT DD STANDING ORDER FROM TO FOR VIA NO NUMBER ITEM ITEMS RETURN
RETURNED REVERSAL NSF FEE FEES CHARGE SERVICE INTEREST MULTIPLE PART SLIP BATCH SETTLEMENT MERCHANT VISA
MASTERCARD AMEX DISCOVER ORIG ID IND NAME CO ENTRY DESCR SEC TRACE DATE REMOTE COUNTER TELLER LOCKBOX
CAPTURE CHECKS CHEQUES SCAN IMAGE PAID PAYMENTS RECEIVED BOOK CREDITS DEBITS ADVICE INSUFFICIENT FUNDS
UNPAID CHARGEBACK HOLDCO
""".split()) | bank_words()  # text_data.toml: European posting words and SEPA field keys
_DIGITS = re.compile(r"\d+")
MIN_NUMBER_DIGITS = 4  # shorter digit runs (days, cents, branch numbers) tie nothing
LINK_NUMBER_DIGITS = 5  # a run at least this long may also be found inside a longer one
MIN_REFERENCE_LENGTH = 4  # shorter references ("12", "ABC") occur inside unrelated text by chance


# ASCII punctuation and spaces are dropped (or turned into spaces) with bytes.translate, several times
# faster than a regular expression; text with other characters takes the regular expression.
_PUNCT = (string.punctuation + string.whitespace).encode("ascii")
_TO_SPACE = bytes.maketrans(_PUNCT, b" " * len(_PUNCT))


def squash(text: str) -> str:
    """Upper-case letters and digits only: 'inv-10023 ' -> 'INV10023'."""
    if not text:
        return ""
    up = text.upper()
    try:
        return up.encode("ascii").translate(None, _PUNCT).decode("ascii")
    except UnicodeEncodeError:
        return _NON_WORD.sub("", up)


def spaced(text: str) -> str:
    """Upper-case words separated by one space, transliterated and umlaut-folded, so that the spellings of one
    name agree: 'Acme, Corp.' -> 'ACME CORP'; 'Müller', 'MUELLER' and 'MULLER' -> 'MULLER' (text_data.py)."""
    if not text:
        return ""
    up = text.upper()
    try:
        out = b" ".join(up.encode("ascii").translate(_TO_SPACE).split()).decode("ascii")
    except UnicodeEncodeError:
        out = _NON_WORD.sub(" ", to_ascii(up).upper()).strip()
    return fold_word(out)


def reference_links(reference: str) -> tuple[str, ...]:
    """Words a bank text may use for a ledger reference: the squashed reference ('DEP-231757' ->
    'DEP231757') and its last run of at least 5 digits ('231757'), as in 'DEPOSIT SLIP 231757'."""
    sq = squash(reference)
    if len(sq) < MIN_REFERENCE_LENGTH:
        return ()
    m = _DIGIT_RUN.search(sq)
    return (sq, m.group(1)) if m and m.group(1) != sq else (sq,)


def names_someone(padded_text: str) -> bool:
    """The bank text holds a word that may be a name: letters only, 3 or more, not a banking word."""
    return any(len(w) >= 3 and w.isalpha() and w not in BANK_WORDS and w not in LEGAL_WORDS
               for w in padded_text.split())


def padded(text: str) -> str:
    """Spaced words with a space at each end, so ' WORD ' finds whole words only; the values of SEPA code keys
    (EREF+, MREF+...: references, not names) left out (sepa_fields.py)."""
    return f" {spaced(sepa_fields.without_codes(text))} "


@lru_cache(maxsize=1 << 16)  # counterparty names repeat from line to line
def counterparty_words(name: str) -> tuple[str, ...]:
    """The words that identify a counterparty (legal words and single letters left out)."""
    words = [w for w in spaced(name).split() if w not in LEGAL_WORDS and len(w) >= 2]
    return tuple(dict.fromkeys(words))


def bank_check_key(check_number: str) -> str:
    digits = _NON_DIGIT.sub("", check_number or "")
    return digits.lstrip("0")


def ledger_check_key(reference: str) -> str:
    """The check number a ledger reference holds ('CHK 001234' -> '1234'), or '' when it holds none."""
    m = _CHECK_REF.fullmatch(squash(reference))
    return m.group(1).lstrip("0") if m else ""


_CHECK_WORD = re.compile(r"\b(?:CHECK|CHEQUE|CHK|CHQ)\b")
_SERIAL_IN_TEXT = re.compile(r"\b(?:CHECK|CHEQUE|CHK|CHQ|CK)\s*(?:NO\b\.?|NR\b\.?|#)?\s*0*(\d{2,12})\b")


def bank_check_serial(text: str, check_number: str) -> str:
    """The serial of the check a bank line paid: its check-number field, else the number after a check word in
    its text ('CHECK 60341', 'CHQ NO. 0412'); '' when it names none ('CHECK PAID')."""
    key = bank_check_key(check_number)
    if key:
        return key
    m = _SERIAL_IN_TEXT.search(text.upper()) if text else None
    return m.group(1) if m else ""


def ledger_check_serial(reference: str, description: str) -> str:
    """The check number a ledger line holds: its reference's, when the line says it is a check (a check word in
    its reference or description: 'CHK 6341', or '6341' with 'Check to ...'); '' otherwise, so an invoice number
    of a receipt is never read as a serial."""
    key = ledger_check_key(reference)
    if key and _CHECK_WORD.search(f"{reference} {description}".upper()):
        return key
    return ""


def digit_signature(minor: int) -> str:
    """Sorted digits of an amount: two amounts with transposed digits share it."""
    s = str(abs(minor))
    return "".join(sorted(s))


def is_transposition(a: int, b: int) -> bool:
    """True when b is a with two neighbouring digits swapped (1234.56 vs 1243.56), a classic keying typo."""
    if a == b or (a < 0) != (b < 0):
        return False
    sa, sb = str(abs(a)), str(abs(b))
    if len(sa) != len(sb):
        return False
    diff = [i for i in range(len(sa)) if sa[i] != sb[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and sa[diff[0]] == sb[diff[1]] and sa[diff[1]] == sb[diff[0]]


def doc_numbers(text: str) -> frozenset[str]:
    """Document numbers in a text, compared as numbers: digit runs of at least MIN_NUMBER_DIGITS with their
    leading zeros stripped ('INV-0143572', 'REF INV143572', 'Invoice 143572' -> 143572), and the European
    spellings of document_numbers.py ('RE-2024-0145', 'Rechnung Nr. 145', 'Fattura 145/2024' -> 145)."""
    return document_numbers.read(text)


def numbers_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """A number of one side is a number of the other, or (5 digits or more) contained in one of them."""
    if not a or not b:
        return False
    if not a.isdisjoint(b):
        return True
    return any(len(x) >= LINK_NUMBER_DIGITS and len(y) >= LINK_NUMBER_DIGITS and _contained(x, y)
               for x in a for y in b)


def _contained(x: str, y: str) -> bool:
    """One run inside the other; when both start with the same year the year is context, so what follows it must
    still be a linking run ('202404' of a collection id cut to 'LS-202404' is not invoice '2024041234')."""
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if short not in long_:
        return False
    if long_.startswith(short) and _YEAR_HEAD.match(short):
        return len(short) - 4 >= LINK_NUMBER_DIGITS
    return True


def numbers_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both sides name a document number of the same length and none agrees: another invoice, another check."""
    if not a or not b or numbers_agree(a, b):
        return False
    la = {len(x) for x in a}
    return any(len(y) in la for y in b)


def ibans(text: str) -> frozenset[str]:
    """Valid IBANs in a text: the account a payment came from, or the one the ledger's master data holds."""
    return document_numbers.ibans(text)
