"""Structured payment references: found in a text, check digit validated, reduced to one comparable key.

A creditor reference with a check digit (ISO 11649 `RF`, Belgian OGM/VCS `+++123/4567/89012+++`, the Swiss QR
reference, the Finnish reference number, the Norwegian KID) is printed by the creditor on the invoice and
copied by the payer's bank: when a valid one on the bank line equals the one the ledger holds, the pair is
near-certain whatever the payer's name. An invalid one (a typo, a look-alike) is noise and ties nothing.

The check digits come from python-stdnum where it has the scheme (iso11649, be.ogm_vcs, ch.esr, luhn); the
Finnish 7-3-1 check and the KID modulus-11 check are not in it, so they are written here (a few lines each).

Where a scheme's number is only digits (Finnish, KID), a bare digit run validates by chance one time in ten:
such a reference is read from a bank text only after its label (VIITE, KID...), and from a ledger reference
cell that holds nothing else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from stdnum import luhn
from stdnum.be import ogm_vcs
from stdnum.ch import esr
from stdnum.iso7064 import mod_97_10

SCHEMES = ("rf", "ogm", "qr", "fi", "kid")


@dataclass(frozen=True)
class Reference:
    """One reference as read: its scheme, its key (letters and digits only, what two spellings share) and
    whether its check digit holds."""

    scheme: str
    key: str
    valid: bool


# ---------------------------------------------------------------------------------------- check digits
def rf_valid(body_with_check: str) -> bool:
    """ISO 11649: 'RF' + 2 check digits + up to 21 letters/digits; ISO 7064 mod 97-10 over body + 'RF' + check."""
    s = body_with_check.upper()
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", s):
        return False
    return mod_97_10.is_valid(s[4:] + s[:4])


def rf_make(body: str) -> str:
    body = body.upper()
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def ogm_valid(digits: str) -> bool:
    """Belgian OGM/VCS: 10 digits + their remainder mod 97 (97 for 0) as 2 digits."""
    return len(digits) == 12 and ogm_vcs.is_valid(digits)


def ogm_make(ten: str) -> str:
    return ten + ogm_vcs.calc_check_digits(ten)


def qr_valid(digits: str) -> bool:
    """Swiss QR reference: 26 digits + mod 10 recursive check digit (leading zeros may be left out)."""
    return 2 <= len(digits) <= 27 and esr.is_valid(digits)


def qr_make(body: str) -> str:
    body = body.zfill(26)
    return body + esr.calc_check_digit(body)


_FI_WEIGHTS = (7, 3, 1)


def fi_check(base: str) -> str:
    """Finnish reference check digit: weights 7, 3, 1 repeated from the right, check = 10 - sum mod 10."""
    total = sum(int(d) * _FI_WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def fi_valid(digits: str) -> bool:
    """4..20 digits, the last the 7-3-1 check digit of the others (leading zeros are not part of it)."""
    digits = digits.lstrip("0")
    return 4 <= len(digits) <= 20 and digits.isdigit() and fi_check(digits[:-1]) == digits[-1]


def kid_mod11_check(base: str) -> str:
    """KID modulus 11: weights 2..7 repeated from the right; 11 - sum mod 11; 11 -> 0, 10 -> '-'."""
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    c = 11 - total % 11
    return "0" if c == 11 else "-" if c == 10 else str(c)


def kid_valid(number: str) -> bool:
    """Norwegian KID: 2..25 digits (a mod 11 check may be '-'), the last a mod 10 (Luhn) or mod 11 check."""
    if not 2 <= len(number) <= 25 or not number[:-1].isdigit():
        return False
    if number[-1] == "-":
        return kid_mod11_check(number[:-1]) == "-"
    return number.isdigit() and (luhn.is_valid(number) or kid_mod11_check(number[:-1]) == number[-1])


def kid_make(base: str, modulus: int = 10) -> str:
    return base + (luhn.calc_check_digit(base) if modulus == 10 else kid_mod11_check(base))


def fi_make(base: str) -> str:
    return base + fi_check(base)


# --------------------------------------------------------------------------------------------- reading
_RF = re.compile(r"\bRF\s?\d\d(?:\s?[0-9A-Z]){1,21}")
_OGM = re.compile(r"(?:[+*]{3}\s*)?\b(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\b(?:\s*[+*]{3})?")
_QR = re.compile(r"(?<!\d)(\d{2}(?:\s?\d{5}){5})(?!\d)")
_FI = re.compile(r"\b(?:VIITE(?:NUMERO|NRO)?|VIITENRO|REFNR|REF\.?\s?NR)\.?:?\s*(\d(?:\s?\d){3,19})(?!\d)")
_KID = re.compile(r"\bKID(?:\s?NR)?\.?:?\s*(\d(?:\s?\d){1,24}-?)(?!\d)")
_SPACE = re.compile(r"\s+")


def _rf_candidates(text: str):
    """An RF reference printed in groups of four may run into the next word: the longest prefix (cut at a
    space) that validates is it; when none does, the whole run is reported as an invalid look-alike."""
    for m in _RF.finditer(text):
        run = m.group(0)
        cuts = [len(run)] + [i for i in range(len(run) - 1, 4, -1) if run[i] == " "]
        for c in cuts:
            key = _SPACE.sub("", run[:c])
            if rf_valid(key):
                yield Reference("rf", key, True)
                break
        else:
            yield Reference("rf", _SPACE.sub("", run), False)


@lru_cache(maxsize=1 << 17)
def read(text: str, whole_cell: bool = False) -> tuple[Reference, ...]:
    """Every structured reference in `text` (valid or not), in text order of scheme. `whole_cell`: the text is
    a ledger reference cell; a cell of digits only may also be a Finnish reference or a KID."""
    if not text:
        return ()
    up = text.upper()
    out: list[Reference] = list(_rf_candidates(up)) if "RF" in up else []
    if "/" in up:
        for m in _OGM.finditer(up):
            digits = "".join(m.groups())
            out.append(Reference("ogm", digits, ogm_valid(digits)))
    for m in _QR.finditer(up):
        digits = _SPACE.sub("", m.group(1))
        out.append(Reference("qr", digits.lstrip("0") or "0", qr_valid(digits)))
    if "VIITE" in up or "REF" in up:
        for m in _FI.finditer(up):
            digits = _SPACE.sub("", m.group(1)).lstrip("0")
            out.append(Reference("fi", digits, fi_valid(digits)))
    if "KID" in up:
        for m in _KID.finditer(up):
            digits = _SPACE.sub("", m.group(1))
            out.append(Reference("kid", digits, kid_valid(digits)))
    if whole_cell and not out:
        digits = _SPACE.sub("", up)
        if digits.isdigit() and 4 <= len(digits) <= 25:
            if fi_valid(digits):
                out.append(Reference("fi", digits.lstrip("0"), True))
            if kid_valid(digits):
                out.append(Reference("kid", digits, True))
    return tuple(out)


_NONE: frozenset[str] = frozenset()


def valid_keys(text: str, whole_cell: bool = False) -> frozenset[str]:
    """Keys of the valid references in a text, scheme-tagged ('rf:RF18...', 'ogm:0909...')."""
    found = read(text, whole_cell)
    return frozenset(f"{r.scheme}:{r.key}" for r in found if r.valid) if found else _NONE


def ledger_keys(reference: str, description: str) -> frozenset[str]:
    """Valid references of a ledger line: its reference cell (a bare number may be a Finnish or KID reference)
    and its description."""
    return valid_keys(reference, whole_cell=True) | valid_keys(description)


def bank_keys(reference: str, description: str) -> frozenset[str]:
    """Valid references of a bank line: only in the forms banks print them (RF, OGM, QR, labelled FI/KID)."""
    return valid_keys(reference) | valid_keys(description)


_ALL = (_RF, _OGM, _QR, _FI, _KID)


@lru_cache(maxsize=1 << 17)
def as_numbers(text: str) -> str:
    """The text with each structured reference written as one number when its check digit holds, and taken
    out when it does not: where document numbers are read, a look-alike with a wrong check digit must not
    agree with an invoice by the digit groups it shares (an invalid reference is noise)."""
    if not text:
        return text
    up = text.upper()
    if not any(p.search(up) for p in _ALL):
        return text
    spans = []
    for p in _ALL:
        for m in p.finditer(up):
            raw = _SPACE.sub("", m.group(0))
            refs_ = read(m.group(0))
            spans.append((m.start(), m.end(), next((r.key for r in refs_ if r.valid), "") if refs_ else raw))
    out, at = [], 0
    for s, e, repl in sorted(spans):
        if s < at:
            continue
        out.append(up[at:s])
        out.append(f" {repl} " if repl else " ")
        at = e
    out.append(up[at:])
    return "".join(out)



# What each pattern cannot match without (data, next to the patterns): a literal of which one must occur, or a
# least number of digits. A pattern left out here is searched in every text, so a missing entry costs time,
# never a reference.
_NEEDS_LITERAL = {_RF: ("RF",), _OGM: ("/",), _FI: ("VIITE", "REF"), _KID: ("KID",)}
_NEEDS_DIGITS = {_QR: 27}


def may_hold_reference(texts) -> np.ndarray:
    """Per text, whether as_numbers may rewrite it (a structured reference pattern occurs in it).

    Why: as_numbers searches every pattern in every text, five regular-expression calls a line, most of them
    scanning the whole text for nothing. Here a pattern is searched only in the texts that hold what it
    cannot match without (_NEEDS_LITERAL, _NEEDS_DIGITS), found by one scan of all texts joined: the same
    answer for a fraction of the work."""
    ups = [t.upper() for t in texts]
    hit = np.zeros(len(ups), dtype=bool)
    if not ups:
        return hit
    joined = "\0".join(ups)  # no literal holds NUL, so none is found across two texts
    starts = np.cumsum([0] + [len(u) + 1 for u in ups[:-1]])
    digits = None
    for p in _ALL:
        if p in _NEEDS_LITERAL:
            at = [m.start() for x in _NEEDS_LITERAL[p] for m in re.finditer(re.escape(x), joined)]
            rows = np.unique(np.searchsorted(starts, at, side="right") - 1)
        elif p in _NEEDS_DIGITS:
            digits = _digit_counts(ups, joined, starts) if digits is None else digits
            rows = np.flatnonzero(digits >= _NEEDS_DIGITS[p])
        else:
            rows = np.arange(len(ups))
        rows = rows[~hit[rows]].tolist()
        hit[[k for k in rows if p.search(ups[k])]] = True
    return hit


def _digit_counts(ups: list[str], joined: str, starts: np.ndarray) -> np.ndarray:
    """Digits in each text; a text with any non-ASCII character counts as all digits (\\d matches more than
    0-9 there), so the count is never below what a pattern sees."""
    if not joined.isascii():
        return np.array([sum(map(u.count, "0123456789")) if u.isascii() else len(u) for u in ups], dtype=np.int64)
    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    total = np.concatenate([[0], np.cumsum((codes >= 48) & (codes <= 57), dtype=np.int64)])
    lengths = np.fromiter((len(u) for u in ups), dtype=np.int64, count=len(ups))
    return total[starts + lengths] - total[starts]
