"""MT940 text: the bank's character set and the readable description of an :86: (or :NS:) narrative.

Kept apart from the field parser (mt940.py) because both are about text, not money. Not a format module:
it defines no IMPORTER.

Character sets: SWIFT itself is ASCII, but banks export national letters in UTF-8 or in a legacy code page
(Polish and Czech banks CP852 or CP1250, western banks Latin-1/CP1252). A general detector (charset-normalizer)
picks CP1250 for short Latin-1 French text here, so the choice among these few candidates is made by a small
score of our own: national letters count for a code page, box-drawing, control and stray symbol characters
count against it.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

# Tried in this order when the file is not UTF-8; the first with the best score wins.
CANDIDATES = ("cp852", "cp1250", "cp1252", "latin-1")
# Letters that exist but are rare in bank text; they make a wrong code page look plausible otherwise.
_RARE_LETTERS = set("ŕĺľďťňăţŔĹĽĎŤŇĂŢìòõÿðþÌÒÕÐÞªº")
_HARMLESS = set("€§°«»„“”‘’‚–—…·´\u00a0¨")

LINE_WIDTH = 65  # an :86: line holds at most 65 characters; a full line was wrapped mid-word


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of an MT940 file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    high = Counter(re.findall(rb"[\x80-\xff]", data))
    best: tuple[float, str] | None = None
    for enc in CANDIDATES:
        score = 0.0
        try:
            for byte, count in high.items():
                score += count * _weight(byte.decode(enc))
        except UnicodeDecodeError:
            continue
        if best is None or score > best[0]:
            best = (score, enc)
    enc = best[1] if best else "latin-1"
    return data.decode(enc, errors="replace"), enc


def _weight(ch: str) -> float:
    if ch.isalpha():
        return 0.25 if ch in _RARE_LETTERS else 1.0
    if ch in _HARMLESS:
        return 0.0
    return -2.0  # control characters, box drawing, superscripts and other symbols no bank writes in a narrative


class Narrative(NamedTuple):
    """What an :86: field says, made readable: description, counterparty and the end-to-end reference
    (a NamedTuple, as Mt940Entry: one is made per transaction, and a frozen dataclass costs twice as much)."""

    description: str
    counterparty: str = ""
    reference: str = ""


def join_lines(lines: list[str], width: int = LINE_WIDTH) -> str:
    """Physical lines -> one text. A full-width line not ending in a space, followed by a line not starting with
    one, was cut mid-word by the bank's fixed line width: those two join without a space."""
    if not lines or max(map(len, lines)) < width:
        # No line reaches the width, so none was cut mid-word: every non-blank piece is joined by a space, as
        # in the loop below, without its per-line bookkeeping (the usual case). A blank piece only adds a
        # space next to another, which squeeze() and strip() take out again.
        return squeeze(" ".join(map(str.strip, lines))).strip()
    out: list[str] = []
    prev_full = False
    for raw in lines:
        piece = raw.strip()
        if not piece:
            prev_full = False
            continue
        if out and (not prev_full or raw[0].isspace()):
            out.append(" ")
        out.append(piece)
        prev_full = len(raw) >= width and not raw[-1].isspace()
    return squeeze("".join(out)).strip()


_SPACES = re.compile(r"\s{2,}")


def squeeze(text: str) -> str:
    """Runs of two or more whitespace characters -> one space (_SPACES.sub). The regex tries every position and
    ran twice per :86: narrative, a sixth of its time; text that can hold no such run skips it: with no double
    space and nothing unprintable, the only whitespace left is single spaces (every whitespace character but
    the space itself is unprintable, which the test of this module checks over all of Unicode)."""
    if "  " not in text and text.isprintable():
        return text
    return _SPACES.sub(" ", text)


# German-style structured :86: (a three-digit GVC code, then ?NN subfields).
_GVC = re.compile(r"\d{3}\?\d\d")
_SUBFIELD = re.compile(r"\?(\d\d)")
_PURPOSE_KEYS = re.compile(r"\b(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP)\+")
# Slash-keyed :86: (Dutch, Belgian, many SEPA exports): /KEY/value/KEY/value...
_SLASH_KEYS = ("EREF", "REMI", "NAME", "BENM", "ORDP", "CNTP", "IBAN", "BIC", "ADDR", "TRCD", "MARF", "CSID",
               "SVCL", "PREF", "RTRN", "ULTC", "ULTD", "ULTB", "PURP", "ISDT", "CDTRREFTP", "CDTRREF", "IREF",
               "KREF", "EXCH", "OCMT", "CHGS", "ACCW", "BUSP", "CODE", "TRID")
_SLASH = re.compile(r"/(" + "|".join(sorted(_SLASH_KEYS, key=len, reverse=True)) + r")/")
_USED_KEYS = frozenset(("NAME", "CNTP", "REMI", "EREF"))  # what a Narrative is made of; other keys are skipped
_NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NONE"}
_REMI_PREFIXES = ("USTD//", "USTD/", "STRD/CUR/", "STRD/ISO/", "STRD/")  # unstructured / structured remittance


_new_tuple = tuple.__new__  # the same Narrative as Narrative(...) without the Python frame of its __new__


def narrative(lines: list[str]) -> Narrative:
    """Readable description of an :86: field given as its physical lines (the tag already removed)."""
    first = lines[0] if lines else ""
    if first[:1] != "/":  # a slash-keyed field (the usual case) cannot be German-style structured
        head = first.lstrip()
        if len(head) < 3 or head[:3].isdigit():  # only then can the field be German-style structured
            raw = "".join(lines).strip()
            if raw[:3].isdigit() and _GVC.match(raw):
                return _structured(raw)
    if lines and max(map(len, lines)) < LINE_WIDTH:  # join_lines' usual case, written out (once per :86:)
        text = " ".join(map(str.strip, lines))
        if "  " in text or not text.isprintable():
            text = _SPACES.sub(" ", text)
        text = text.strip()
    else:
        text = join_lines(lines)
    if text[:1] == "/":
        parts = _SLASH.split(text)
        if len(parts) > 1:
            return _slash_keyed(text, parts)
    return _new_tuple(Narrative, (text, "", ""))


def _structured(raw: str) -> Narrative:
    parts = _SUBFIELD.split(raw[3:])
    sub: dict[int, list[str]] = {}
    for key, value in zip(parts[1::2], parts[2::2]):
        sub.setdefault(int(key), []).append(value)

    def run(keys) -> str:
        # Subfields hold at most 27 characters: a full one was cut mid-word and joins its next without a space.
        out: list[str] = []
        prev_full = True
        for k in keys:
            for chunk in sub.get(k, ()):
                if out and not prev_full:
                    out.append(" ")
                out.append(chunk)
                prev_full = len(chunk) >= 27
        return squeeze("".join(out)).strip()

    purpose = run(list(range(20, 30)) + list(range(60, 64)))
    name = run((32, 33))
    posting = run((0,))
    reference = ""
    pieces = _PURPOSE_KEYS.split(purpose)
    if len(pieces) > 1:
        keyed = {k: v.strip() for k, v in zip(pieces[1::2], pieces[2::2])}
        reference = keyed.get("EREF", "")
        if reference.upper() in _NO_REFERENCE:
            reference = ""
        purpose = keyed.get("SVWZ") or (pieces[0].strip() + " " + " ".join(
            f"{k}+{v}" for k, v in keyed.items() if k not in ("EREF", "KREF", "MREF", "CRED"))).strip()
    description = "; ".join(p for p in (name, purpose, posting) if p)
    return Narrative(description or squeeze(raw).strip(), name, reference)


def _slash_keyed(text: str, parts: list[str]) -> Narrative:
    values: dict[str, str] = {}
    pairs = iter(parts)
    next(pairs)  # the text before the first key
    for key, value in zip(pairs, pairs):
        if key in _USED_KEYS and key not in values:  # the first non-empty value of a key counts
            value = value.strip().strip("/").strip()
            if value:
                values[key] = value
    name = values.get("NAME", "")
    if not name and "CNTP" in values:  # /CNTP/account/BIC/name/city/
        bits = values["CNTP"].split("/")
        name = bits[2].strip() if len(bits) > 2 else ""
    remi = values.get("REMI", "")
    if remi:
        upper = remi.upper()
        for prefix in _REMI_PREFIXES:
            if upper.startswith(prefix):
                remi = remi[len(prefix):].strip("/ ")
                break
    reference = values.get("EREF", "")
    if reference and reference.upper() in _NO_REFERENCE:
        reference = ""
    if name and remi:
        description = name + "; " + remi
    else:
        description = name or remi or _SLASH.sub(" ", text).strip(" /")
    if "  " in description or not description.isprintable():  # squeeze(), written out (once per :86:)
        description = _SPACES.sub(" ", description)
    return _new_tuple(Narrative, (description, name, reference))


# :NS: after a :61: (German and Hungarian banks): numbered lines "NNtext"; 01-14 the purpose, 15-16 the
# counterparty's name, 17 the bank's posting text; the other numbers (account, bank code, amounts) are left out.
_NS_PURPOSE = range(1, 15)
_NS_NAME = (15, 16)
_NS_POSTING = 17


def ns_narrative(lines: list[str]) -> Narrative:
    """Readable description of a line's :NS: field given as its physical lines; a line without a number goes
    on with the number before it (free text before any number counts as purpose)."""
    parts: dict[int, list[str]] = {}
    key = 1
    for raw in lines:
        piece = raw.strip()
        if piece[:2].isdigit():
            key, piece = int(piece[:2]), piece[2:].strip()
        if piece:
            parts.setdefault(key, []).append(piece)

    def joined(keys) -> str:
        return squeeze(" ".join(p for k in keys for p in parts.get(k, ()))).strip()

    name, purpose, posting = joined(_NS_NAME), joined(_NS_PURPOSE), joined((_NS_POSTING,))
    return Narrative("; ".join(p for p in (name, purpose, posting) if p), name, "")


def printable(text: str) -> str:
    """Drop control characters a bank's export left in free text."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
