"""What the text of a (bank line, ledger line) pair says: equal references, a reference found in the bank
text, a check number, a fuzzy similarity (rapidfuzz), the counterparty named in the bank text.

All functions take position arrays of equal length (bi into the bank side, li into the ledger side) and
return one value per pair.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from . import name_forms
from . import text as tx
from .distinct_pairs import column_codes, derived_codes, test_distinct
from .frames import Side
from .stand_in_names import stand_in_codes, stand_in_names
from .text import MIN_REFERENCE_LENGTH


def reference_equal(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    b, g = bank.derived("ref_sq", bi), ledger.derived("ref_sq", li)
    return np.fromiter((x == y and x != "" for x, y in zip(b, g)), dtype=bool, count=len(bi))


def reference_contained(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The ledger reference (letters and digits) appears in the bank reference or description."""
    out = np.zeros(len(bi), dtype=bool)
    sub = np.flatnonzero(ledger.sizes("ref_sq", li) >= MIN_REFERENCE_LENGTH)
    t, g = bank.derived("text_sq", bi[sub]), ledger.derived("ref_sq", li[sub])
    out[sub] = np.fromiter((y in x for x, y in zip(t, g)), dtype=bool, count=len(sub))
    hit = sub[out[sub]]
    if len(hit):  # a reference field cut short: the whole number its booking text spells must be there too
        t, g = bank.derived("text_sq", bi[hit]), _whole_references(ledger, li[hit])
        out[hit] = np.fromiter((y in x for x, y in zip(t, g)), dtype=bool, count=len(hit))
    return out


def _whole_references(ledger: Side, li: np.ndarray) -> np.ndarray:
    """The reference, or the longer word of the description it starts (a DATEV Belegfeld cut to 12 characters:
    'RE-2024-0891' of 'RE-2024-08917'), so that a cut reference is not found inside another invoice's number."""
    def make(rows):
        out = []
        for ref, desc in zip(ledger.derived("ref_sq", rows), ledger.col("description", rows)):
            longer = [w for w in map(tx.squash, desc.split()) if len(w) > len(ref) and w.startswith(ref)]
            out.append(max(longer, key=len) if longer else ref)
        return out
    return ledger.memo("whole_reference", li, make)


def check_equal(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    b, g = bank.derived("check_key", bi), ledger.derived("ledger_check_key", li)
    return np.fromiter((x == y and x != "" for x, y in zip(b, g)), dtype=bool, count=len(bi))


def similarity(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Reference similarity 0..100 (integer), -1 when the ledger line has no reference.

    Compares the two references; when the bank line has no reference, the best-matching stretch of its
    description (partial ratio)."""
    out = np.full(len(bi), -1, dtype=np.int64)
    if not len(bi):
        return out
    g = ledger.derived("ref_sq", li)
    b = bank.derived("ref_sq", bi)
    has_g = np.fromiter((y != "" for y in g), dtype=bool, count=len(li))
    has_b = np.fromiter((x != "" for x in b), dtype=bool, count=len(bi))
    both = has_g & has_b
    if both.any():
        scores = process.cpdist(list(b[both]), list(g[both]), scorer=fuzz.ratio, workers=-1)
        out[both] = np.rint(scores).astype(np.int64)
    only_g = has_g & ~has_b
    if only_g.any():
        t = bank.derived("text_sq", bi[only_g])
        out[only_g] = np.rint(process.cpdist(list(g[only_g]), list(t), scorer=fuzz.partial_ratio,
                                             workers=-1)).astype(np.int64)
    return out


DISTINCT_NAMES = 3  # a counterparty word shared by more names than this is generic ("SUPPLY", "GROUP")
MIN_CUT_WORD = 4  # a bank word this long may be a name cut short ("SUPPL" of "SUPPLY")


class Vocabulary:
    """The ledger's counterparty words and in how many distinct names each occurs.

    Why: a bank text names a counterparty by its distinctive word ("KORVEX" of "Korvex Supply LLC"); a
    generic word shared by many names ("SUPPLY") proves nothing, and a distinctive word of *another* known
    counterparty is evidence against the pair."""

    def __init__(self, ledger: Side):
        names = {c for c in ledger.col("counterparty") if c}
        self.names = names
        df: dict[str, int] = {}
        # counted over names without their legal words: 'Marost Foods LLC', '... Inc', '... GmbH' and '... Corp'
        # are four companies but one word MAROST, which they do not make generic
        for words in {tx.counterparty_words(name) for name in names}:
            for w in words:
                df[w] = df.get(w, 0) + 1
        self.df = df
        # Names that differ by their legal words only ("Marost Foods LLC", "Marost Foods GmbH"): two companies
        # when the ledger knows both; spelled in full, the bank text tells which.
        by_words: dict[tuple[str, ...], set[str]] = {}
        for name in names:
            by_words.setdefault(tx.counterparty_words(name), set()).add(tx.spaced(name))
        self.siblings = {k: frozenset(v) for k, v in by_words.items() if len(v) > 1}
        self.generic = frozenset(w for w, k in df.items() if k > DISTINCT_NAMES)
        self.generic_prefixes = frozenset(w[:k] for w in self.generic for k in range(MIN_CUT_WORD, len(w)))
        self._distinct: dict[str, tuple[str, ...]] = {}  # per name: asked once per pair, names repeat

    def distinct_words(self, name: str) -> tuple[str, ...]:
        got = self._distinct.get(name)
        if got is None:
            words = tx.counterparty_words(name)
            got = self._distinct[name] = tuple(w for w in words if w not in self.generic) or words
        return got

    def sibling_named(self, padded_text: str, name: str) -> bool:
        """The bank text spells in full another known name with the same words as `name` (not `name`)."""
        sibs = self.siblings.get(tx.counterparty_words(name))
        if not sibs:
            return False
        own = tx.spaced(name)
        return f" {own} " not in padded_text and any(f" {s} " in padded_text for s in sibs if s != own)

    def is_distinct(self, word: str) -> bool:
        return self.df.get(word, 0) and word not in self.generic

    def names_anyone(self, words: frozenset[str]) -> bool:
        """The bank text holds a word that may be a name (not a banking, legal or generic word)."""
        return any(len(w) >= 3 and w.isalpha() and w not in tx.BANK_WORDS and w not in tx.LEGAL_WORDS
                   and w not in self.generic and w not in self.generic_prefixes for w in words)


def _described_named(vocab: Vocabulary, described: frozenset[str], bank_words: frozenset[str]) -> bool:
    """The counterparty words of a ledger line's texts (words of known names; the distinctive ones when there
    are any) are all in the bank text."""
    names = [w for w in described if vocab.df.get(w)]
    names = [w for w in names if w not in vocab.generic] or names
    return bool(names) and all(_word_in(w, bank_words) for w in names)


def account_only(counterparty: str) -> bool:
    """A ledger counterparty with no letter is an account number (a DATEV export's Gegenkonto, a debtor number):
    it names no one the bank could print, so a bank text naming someone neither ties nor contradicts it."""
    return bool(counterparty) and not any(ch.isalpha() for ch in counterparty)


def vocabulary(ledger: Side) -> Vocabulary:
    vocab = getattr(ledger, "vocabulary", None)
    if vocab is None:
        vocab = ledger.vocabulary = Vocabulary(ledger)
    return vocab


def _word_in(word: str, bank_words: frozenset[str]) -> bool:
    """The word, or the start of it cut short (names cut to 16 characters), is a word of the bank text."""
    if word in bank_words:
        return True
    return any(len(b) >= MIN_CUT_WORD and word.startswith(b) for b in bank_words)


def _all_named(distinct: tuple[str, ...], bank_words: frozenset[str], name: str) -> bool:
    """Every distinctive word is in the bank text, cut short, abbreviated or part of an acronym of the name."""
    missing = [w for w in distinct if not _word_in(w, bank_words)]
    if not missing:
        return True
    covered = name_forms.covered_words(tx.counterparty_words(name), bank_words)
    return all(w in covered for w in missing)


def counterparty_named(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Every distinctive word of the ledger counterparty is in the bank text (a generic word alone is not
    enough; a name cut short counts)."""
    vocab = vocabulary(ledger)
    words, cps = bank.derived("words", bi), ledger.col("counterparty", li)
    # Why a memo: a rule with a wide date window asks the same (bank text, name) thousands of times, and the
    # abbreviation and acronym forms are costly; the answer depends on the two only.
    memo = _memo(vocab, "named_memo")
    cp_codes = column_codes(ledger, "counterparty", li)  # once per distinct (bank words, name): names repeat
    out = test_distinct(derived_codes(bank, "words", bi), cp_codes,
                        lambda b, c: _cached(memo, (b, c), _all_named, vocab.distinct_words(c), b, c) if c else False)
    acct = np.flatnonzero(_per_name(cp_codes, account_only))
    if len(acct):  # the counterparty is an account number: the name the booking text carries stands for it
        described = ledger.derived("words", li[acct])
        out[acct] = [_described_named(vocab, d, b) for d, b in zip(described, words[acct])]
    if vocab.siblings and out.any():
        sub = np.flatnonzero(out)
        padded = bank.derived("padded", bi[sub])
        out[sub] = [not vocab.sibling_named(p, c) for p, c in zip(padded, cps[sub])]
    return out


def counterparty_contradicted(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The bank text does not name the ledger counterparty but names another known one (a distinctive word
    of another name)."""
    vocab = vocabulary(ledger)
    named = counterparty_named(bank, ledger, bi, li)
    out = np.zeros(len(bi), dtype=bool)
    rest = np.flatnonzero(~named)
    if not len(rest):
        return out
    # Why per bank line first: most bank texts hold no distinctive word at all, so most pairs need no loop.
    ub, inv = np.unique(bi[rest], return_inverse=True)
    bank_distinct = np.empty(len(ub), dtype=object)
    bank_distinct[:] = [frozenset(w for w in ws if vocab.is_distinct(w)) for ws in bank.derived("words", ub)]
    starts = name_starts(vocab)  # a text whose words are all common may still start a known name
    for i in np.flatnonzero([not d for d in bank_distinct]):
        words = bank.derived("words", ub[i:i + 1])[0]
        if starts.starts_any(words):
            bank_distinct[i] = words
    cps = stand_in_names(ledger, vocab, li[rest])  # an account number: the name its booking text spells
    ask = np.fromiter((not account_only(c) and (bool(bank_distinct[i]) or bool(c) and tx.counterparty_words(c)
                                                in vocab.siblings)
                       for i, c in zip(inv, cps)), dtype=bool, count=len(rest))
    for k in np.flatnonzero(ask):
        i, c = inv[k], cps[k]
        other = (_names_known_other(vocab, bank.derived("words", ub[i:i + 1])[0], c) if c
                 else bool(bank_distinct[i]))
        out[rest[k]] = other or bool(c) and vocab.sibling_named(bank.derived("padded", ub[i:i + 1])[0], c)
    nameless = np.flatnonzero([account_only(c) for c in cps])  # an account number its booking text names no one for
    if len(nameless):
        out[rest[nameless]] = names_known_party(vocab, bank.derived("words", bi[rest[nameless]]))
    return out


def names_known_party(vocab: Vocabulary, bank_words: np.ndarray) -> np.ndarray:
    """Per bank text (its words), whether it spells a name the ledger knows in full or starts one.

    Why: held against a ledger line whose counterparty is an account number and whose booking text names no one (a
    day's card takings, a charge): a transfer from a customer the ledger knows by name is that customer's payment
    of its own item, not that line's (euroworld books, 100k lines: most wrong pairs of the exact-amount window)."""
    index, starts, memo = name_index(vocab), name_starts(vocab), _memo(vocab, "names_party_memo")

    def names(words):  # a digit run ('12586' of a tax number) is no name, though a debtor account reads like one
        words = frozenset(w for w in words if not w.isdigit())
        return index.other_named_in_full(words, (), _word_in) or starts.starts_any(words)
    return np.fromiter((_cached(memo, w, names, w) for w in bank_words), dtype=bool, count=len(bank_words))


def counterparty_not_contradicted(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The bank text does not name someone else: it names the ledger counterparty, or the ledger line has
    none, or the bank text names no one (banking, legal and generic words only)."""
    vocab = vocabulary(ledger)
    named = counterparty_named(bank, ledger, bi, li)
    anyone = _memo(vocab, "names_anyone_memo")
    starts = name_starts(vocab)

    def names_anyone(w):  # a word that may be a name, or common words that start a known name
        return vocab.names_anyone(w) or starts.starts_any(w)
    return named | test_distinct(derived_codes(bank, "words", bi), stand_in_codes(ledger, vocab, li),
                                 lambda w, c: not c or account_only(c) or not _cached(anyone, w, names_anyone, w)
                                 or not _names_known_other(vocab, w, c))


def _per_name(codes: tuple[np.ndarray, np.ndarray], test) -> np.ndarray:
    """test(name) per pair, asked once per distinct name (column_codes)."""
    at, names = codes
    once = np.fromiter((bool(test(c)) for c in names), dtype=bool, count=len(names))
    return once[at] if len(names) else np.zeros(len(at), dtype=bool)


def _memo(vocab: Vocabulary, name: str) -> dict:
    """A per-ledger memo kept on its vocabulary (made once per match run, dropped with the ledger)."""
    memo = getattr(vocab, name, None)
    if memo is None:
        memo = {}
        setattr(vocab, name, memo)
    return memo


def _cached(memo: dict, key, fn, *args) -> bool:
    got = memo.get(key)
    if got is None:
        got = memo[key] = bool(fn(*args))
    return got


def _names_known_other(vocab: Vocabulary, bank_words: frozenset[str], name: str) -> bool:
    """The bank text names someone other than `name` as far as the ledger's names tell: it spells another name in
    full, or its distinctive words point elsewhere or to several names and none to `name` alone.

    Why not any unknown word, nor one shared word: words the ledger never uses (an ACH entry description, a
    processor's brand, a tax agency's acronym) tell nothing about whom the ledger paid, and a text that holds a
    word only `name` has ("COMPTROLLER") is not turned against it by a word shared with another name ("TAX");
    both held back most US pairs. A word several names share ("ANNA") still does not pick this one.

    Memoized per (bank text words, name): it is asked per candidate pair, and pairs repeat both."""
    return _cached(_memo(vocab, "known_other_memo"), (bank_words, name), _known_other, vocab, bank_words, name)


def name_index(vocab: Vocabulary) -> name_forms.NameIndex:
    index = getattr(vocab, "name_index", None)
    if index is None:
        index = vocab.name_index = name_forms.NameIndex(vocab.distinct_words(n) for n in vocab.names)
    return index


def name_starts(vocab: Vocabulary) -> name_forms.NameStarts:
    starts = getattr(vocab, "name_starts", None)
    if starts is None:
        starts = vocab.name_starts = name_forms.NameStarts(tx.counterparty_words(n) for n in vocab.names)
    return starts


def _known_other(vocab: Vocabulary, bank_words: frozenset[str], name: str) -> bool:
    index = name_index(vocab)
    own, spelled = vocab.distinct_words(name), tx.counterparty_words(name)
    if index.other_named_in_full(bank_words, own, _word_in, " ".join(spelled)):
        return True
    if name_starts(vocab).other_started(bank_words, spelled):
        return True
    known = [b for b in bank_words if vocab.is_distinct(b)]
    return bool(known) and not any(b in own and vocab.df.get(b) == 1 for b in known)


def numbers_agree(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """A document number agrees (reference and description of both sides, the bank's check number)."""
    return _both_numbered(tx.numbers_agree, bank, ledger, bi, li)


def numbers_conflict(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    return _both_numbered(tx.numbers_conflict, bank, ledger, bi, li)


def _both_numbered(test, bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """test(bank numbers, ledger numbers) on the pairs where both lines name a number (false elsewhere, as
    numbers_agree and numbers_conflict are), so pairs with a bare text cost no Python step."""
    out = np.zeros(len(bi), dtype=bool)
    sub = np.flatnonzero((bank.sizes("numbers", bi) > 0) & (ledger.sizes("numbers", li) > 0))
    b, g = bank.derived("numbers", bi[sub]), ledger.derived("numbers", li[sub])
    out[sub] = np.fromiter((test(x, y) for x, y in zip(b, g)), dtype=bool, count=len(sub))
    return out


def check_serials_conflict(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Both lines name a check serial and the serials differ ('CHECK 60341' against the ledger's 'CHK 6341'):
    another check, whatever the amount. Serials are compared whole (no containment: 6341 is not 60341)."""
    checks = bank.columns.get("check_number")
    b = bank.memo("check_serial", bi, lambda rows: [
        tx.bank_check_serial(t, checks[r] if checks is not None else "") for r, t in zip(rows, bank.texts(rows))])
    g = ledger.memo("check_serial", li, lambda rows: [
        tx.ledger_check_serial(r, d) for r, d in zip(ledger.col("reference", rows), ledger.col("description", rows))])
    return np.fromiter((bool(x) and bool(y) and x != y for x, y in zip(b, g)), dtype=bool, count=len(bi))


def iban_agree(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Both lines name the same (valid) IBAN: the payer's account is the one the ledger knows the customer by."""
    b, g = bank.derived("ibans", bi), ledger.derived("ibans", li)
    return np.fromiter((bool(x) and bool(y) and not x.isdisjoint(y) for x, y in zip(b, g)), dtype=bool,
                       count=len(bi))


def _tied(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """A document number or the payer's IBAN agrees."""
    return _either(numbers_agree, iban_agree, bank, ledger, bi, li)


def _named_elsewhere(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """The bank text names another known counterparty, and no number or IBAN ties the pair: a parent company or
    a factoring company paying a named invoice is a third party, not evidence against it."""
    out = counterparty_contradicted(bank, ledger, bi, li)
    sub = np.flatnonzero(out)
    if len(sub):
        out[sub] = ~_tied(bank, ledger, bi[sub], li[sub])
    return out


def _either(first, second, bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """first OR second, the second (costlier) test run only on the pairs the first left False."""
    out = first(bank, ledger, bi, li)
    rest = np.flatnonzero(~out)
    if len(rest):
        out[rest] = second(bank, ledger, bi[rest], li[rest])
    return out


def contradicted(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Evidence against the pair: another document number or check serial, or another known counterparty."""
    out = _either(numbers_conflict, _named_elsewhere, bank, ledger, bi, li)
    rest = np.flatnonzero(~out)
    if len(rest):
        out[rest] = check_serials_conflict(bank, ledger, bi[rest], li[rest])
    return out


def corroborated(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """Evidence for the pair: a document number agrees, the counterparty is named, or the payer's IBAN agrees."""
    return _either(_tied, counterparty_named, bank, ledger, bi, li)


def plausibility(bank: Side, ledger: Side, bi: np.ndarray, li: np.ndarray) -> np.ndarray:
    """How strongly the text ties a pair, to tell equally keyed candidates apart (higher is stronger):
    2 x (3 equal references | 2 reference in text, same check number or a document number agrees |
    1 similar reference | 0)
    + 1 when the counterparty is named. Equal values mean equally plausible."""
    tier = np.zeros(len(bi), dtype=np.int64)
    if not len(bi):
        return tier
    sim = similarity(bank, ledger, bi, li)
    long_ref = np.fromiter((len(y) >= MIN_REFERENCE_LENGTH for y in ledger.derived("ref_sq", li)), dtype=bool,
                           count=len(li))
    tier[(sim >= 90) & long_ref] = 1
    tier[reference_contained(bank, ledger, bi, li) | check_equal(bank, ledger, bi, li)
         | numbers_agree(bank, ledger, bi, li)] = 2
    tier[reference_equal(bank, ledger, bi, li)] = 3
    return tier * 2 + (counterparty_named(bank, ledger, bi, li) | iban_agree(bank, ledger, bi, li))
