"""A table's layout inferred without a profile: header row, column roles, date order, decimal mark, sign
convention, currency; checked against the running balance where the table has one. The result is a profile
in today's schema (so the user can save and edit it) bound to the table, with the evidence for each choice.
When two readings fit the table equally and give different lines, inference refuses and names both."""
from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Sequence

from ....parsing import AmountError
from ..layout_profiles import Layout, norm, parse_profile
from ..read import Grid
from ..values import amount_parser, cell_text, is_blank
from . import referee
from .dates import column_date_format, refuse
from .header import find_header, first_data_row
from .roles import (Roles, date_columns, fits, from_headers, indicator_pair, money_candidates,
                    text_columns)
from .sniff import date_reading, date_text, decimal_mark, parse_code, sniff
from .vocabulary import Vocabulary, vocabulary

IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
SAMPLE_ROWS = 2000  # inference decides from at most this many data rows; the import then reads them all


@dataclass(frozen=True)
class Inference:
    """The inferred layout: a profile (TOML schema) bound to one table, and why each choice was made."""

    data: dict  # the profile as `tieout profile infer` writes it
    header_row: int  # -1: no header row
    columns: dict  # role -> column index
    titles: dict  # role -> header text (or "column N")
    convention: str
    confidence: float
    proof: referee.Proof | None
    notes: tuple[str, ...]
    header_currency: str | None
    sample: tuple[tuple[str, ...], ...] = field(default=())  # the first data rows as text

    def layout(self, source: Path | str = "<inferred>") -> Layout:
        profile = parse_profile(Path(str(source)), self.data)
        return Layout(profile, self.header_row, MappingProxyType(dict(self.columns)),
                      MappingProxyType(dict(self.titles)), self.header_currency, self.convention)

    def as_dict(self) -> dict:
        """What the add-in shows for confirmation: column -> role, sample rows and the balance proof."""
        columns = sorted(({"index": i, "header": self.titles[r], "role": r} for r, i in self.columns.items()),
                         key=lambda c: c["index"])
        return {"name": self.data["name"], "columns": columns,
                "convention": self.convention, "confidence": self.confidence,
                "balance_proof": self.proof.describe() if self.proof else None,
                "notes": list(self.notes), "sample": [list(r) for r in self.sample]}


def _width(rows: Sequence[Sequence]) -> int:
    width = 0
    for row in rows:
        n = len(row)
        while n and is_blank(row[n - 1]):
            n -= 1
        width = max(width, n)
    return width


class _Builder:
    def __init__(self, grid: Grid, source, vocab: Vocabulary, currency: str | None, account_kind: str | None = None,
                 date_order: str | None = None):
        self.account_kind, self.date_order = account_kind, date_order
        self.grid, self.source, self.vocab = grid, source, vocab
        self.notes: list[str] = []
        self.balance_as_written = False  # the amounts' sign flipped, the running balance's not
        self.default_currency = currency
        rows = grid.rows
        self.header = find_header(rows, vocab)
        if self.header.index >= 0:
            start = self.header.index + 1
        else:
            start = first_data_row(rows)
            if start is None:
                raise refuse(source, "no header row naming a date and an amount column, and no rows holding "
                                      "both a date and an amount, in the first rows")
        self.start = start
        self.sample = [r for r in rows[start:start + SAMPLE_ROWS] if any(not is_blank(c) for c in r)]
        self.width = max(_width(self.sample[:200]), len(self.header.names))
        self.decimal = decimal_mark(self.sample, range(self.width))
        self.facts = sniff(self.sample, self.width, self.decimal, vocab)
        self.parse = amount_parser(self.decimal)
        self._parsed: dict[int, dict] = {}  # column -> {id(sample row): its amount, or _Failed}

    def title(self, i: int) -> str:
        if self.header.index >= 0 and i < len(self.header.cells) and self.header.cells[i]:
            return self.header.cells[i]
        return f"column {i + 1}"

    def reader(self, i: int, sign: int = 1):
        """Row -> column i's amount (times `sign`), None when blank; raises what the amount parser raises. The
        readings (and what the referee tries) go over the same sample rows many times: each sample row's cell is
        parsed once per column, kept by the identity of the row (sample rows live as long as this builder; any
        other row is parsed as it comes)."""
        parse = self.parse

        def value(row):
            if i >= len(row):
                return None
            v = row[i]
            return parse(v.rstrip("|").strip() if isinstance(v, str) else v)

        known = self._parsed.get(i)
        if known is None:
            known = self._parsed[i] = {id(row): _outcome(value, row) for row in self.sample}

        def read(row):
            found = known.get(id(row), _UNREAD)
            if found is _UNREAD:
                found = value(row)
            elif found.__class__ is _Failed:
                raise copy(found.error)  # a copy: the kept error never holds this frame (no reference cycle)
            return found * sign if found is not None else None
        return read

    def orders(self, roles: Roles) -> tuple[str, ...]:
        """The row orders the booking dates allow: ascending dates cannot be newest first, and the reverse."""
        i = roles.single.get("date")
        if i is None:
            return referee.ORDERS
        f = self.facts[i]
        code, _ = date_reading(f)
        dates = []
        for row in self.sample:
            cell = row[i] if i < len(row) else None
            if hasattr(cell, "year"):
                dates.append(cell if not hasattr(cell, "date") else cell.date())
            elif code and (text := date_text(cell)) and (d := parse_code(text, code)):
                dates.append(d)
        if len(set(dates)) < 2:
            return referee.ORDERS
        if dates == sorted(dates):
            return ("oldest first",)
        if dates == sorted(dates, reverse=True):
            return ("newest first",)
        return referee.ORDERS

    # ---------------------------------------------------------------------------------------- roles

    def roles(self) -> Roles:
        facts, vocab = self.facts, self.vocab
        roles = from_headers(self._aligned_names(), facts, vocab) if self.header.index >= 0 else Roles()
        if "date" not in roles.single and "value_date" in roles.single:
            roles.single["date"] = roles.single.pop("value_date")  # the only date there is
        taken = roles.taken()
        if "date" not in roles.single:
            cols = date_columns(facts, taken)
            if not cols:
                raise refuse(self.source, "no column holds dates")
            roles.single["date"] = cols[0]
            taken.add(cols[0])
            if len(cols) > 1 and "value_date" not in roles.single:
                roles.single["value_date"] = cols[1]
                taken.add(cols[1])
        if "value_date" not in roles.single:
            others = date_columns(facts, roles.taken())
            if others:
                roles.single["value_date"] = others[0]
        self._lone_side(roles)
        if not ({"amount"} <= set(roles.single) or {"debit", "credit"} <= set(roles.single)):
            self._money_from_values(roles, taken)
        if "balance" not in roles.single and "balance_before" not in roles.single and "amount" in roles.single:
            self._balance_from_values(roles)
        if "amount" in roles.single and "indicator" not in roles.single and not self.facts[
                roles.single["amount"]].negatives:
            self._indicator_from_values(roles)
        if not roles.multi.get("currency"):
            codes = [f.index for f in facts if f.index not in roles.taken() and f.filled
                     and f.share(sum(f.codes.values())) >= 0.8]
            if codes:
                roles.multi["currency"] = codes
        if not roles.multi.get("account"):
            ibans = [f.index for f in facts if f.index not in roles.taken() and f.filled
                     and all(IBAN.fullmatch(v.upper().replace(" ", "")) for v in f.values)]
            if ibans:
                roles.multi["account"] = ibans[:1]
        if not roles.multi.get("description") and not roles.multi.get("counterparty"):
            texts = text_columns(facts, roles.taken())
            if texts:
                roles.multi["description"] = [texts[0]]
        return roles

    def _aligned_names(self) -> tuple[str, ...]:
        """Header names over the data's columns. When the data rows are shorter than the header (a cell the
        bank's writer split or merged), the header cells whose values do not fit are matched from the right."""
        names = list(self.header.names)
        widths = [len(r) for r in self.sample[:200]]
        data_width = max(set(widths), key=widths.count) if widths else len(names)
        shift = len(names) - data_width
        if shift <= 0:
            return tuple(names)
        out = list(names[:data_width])
        for i in range(data_width):
            here = self.vocab.roles_of(names[i])
            there = self.vocab.roles_of(names[i + shift]) if i + shift < len(names) else ()
            if here and there and not any(fits(r, self.facts[i], self.vocab) for r in here) and any(
                    fits(r, self.facts[i], self.vocab) for r in there):
                out[i] = names[i + shift]
        return tuple(out)

    def _lone_side(self, roles: Roles) -> None:
        """A debit or credit column without its other half is a signed amount (e.g. '0.80Dr' / '15.00Cr')."""
        have = [k for k in ("debit", "credit") if k in roles.single]
        if len(have) == 1 and "amount" not in roles.single:
            roles.single["amount"] = roles.single.pop(have[0])
            if have[0] == "debit":
                self.notes.append("a lone debit column read as a signed amount")

    def _money_from_values(self, roles: Roles, taken: set[int]) -> None:
        cands = money_candidates(self.facts, taken | roles.taken())
        if not cands:
            raise refuse(self.source, "no column holds amounts")
        if len(cands) == 1:
            roles.single["amount"] = cands[0]
            return
        best = None
        for a in cands:
            for b in cands:
                if a == b:
                    continue
                proof = referee.fit(self.sample, self.reader(a), self.reader(b), self.orders(roles))
                if proof and proof.held and (best is None or proof.held > best[0].held):
                    best = (proof, a, b)
        if best is not None and best[0].share >= 0.5:
            proof, a, b = best
            roles.single["amount"] = a
            roles.single["balance" if proof.balance == "after" else "balance_before"] = b
            return
        signed = [c for c in cands if self.facts[c].negatives]
        roles.single["amount"] = (signed or cands)[0]

    def _balance_from_values(self, roles: Roles) -> None:
        a = roles.single["amount"]
        for b in money_candidates(self.facts, roles.taken()):
            proof = referee.fit(self.sample, self.reader(a), self.reader(b), self.orders(roles))
            if proof and proof.share >= 0.8 and proof.checked >= 2:
                roles.single["balance" if proof.balance == "after" else "balance_before"] = b
                return

    def _indicator_from_values(self, roles: Roles) -> None:
        """An unnamed column (or one headed 'Type') whose values are all debit/credit flags."""
        free = roles.taken() - set(roles.multi.get("type", ()))
        for f in self.facts:
            if f.index in free or not f.filled:
                continue
            pair = indicator_pair(f, self.vocab)
            if pair is not None and fits("indicator", f, self.vocab):
                roles.single["indicator"] = f.index
                roles.indicator_pair = pair
                if f.index in roles.multi.get("type", ()):
                    roles.multi["type"].remove(f.index)
                return

    # ---------------------------------------------------------------------------------------- decisions

    def indicator_words(self, roles: Roles) -> tuple[list[str], list[str]]:
        debit, credit = roles.indicator_pair
        seen = set(self.facts[roles.single["indicator"]].values)
        d = sorted(v for v in seen if v in debit)
        c = sorted(v for v in seen if v in credit)
        blank = self.facts[roles.single["indicator"]].filled < len(self.sample)
        if blank and not d:
            d.append("")  # "CR" beside blanks: the blank rows are money out
        elif blank and not c:
            c.append("")
        return d or sorted(debit), c or sorted(credit)

    def sign(self, roles: Roles, convention: str) -> tuple[int, referee.Proof | None]:
        """+1 or -1 for the amounts as written: the balance decides where there is one, else card labels."""
        bal = roles.single.get("balance", roles.single.get("balance_before"))
        money = self._money_reader(roles, convention)
        if bal is not None and convention != "signed":
            return 1, referee.fit(self.sample, money, self.reader(bal), self.orders(roles))  # columns say the sign
        if bal is not None:
            orders = self.orders(roles)
            proofs = {s: referee.fit(self.sample, (lambda r, s=s: _times(money(r), s)), self.reader(bal), orders)
                      for s in (1, -1)}
            plus, minus = proofs[1], proofs[-1]
            if plus and minus and plus.held == minus.held and plus.held >= 2:
                # the rows' order is unknown (one date), and newest-first negated is oldest-first as written:
                # the amounts keep the sign they are written with, and the import says why
                self.notes.append("the running balance fits the amounts as written and negated alike (the dates "
                                  "do not order the rows); read as written")
                return 1, plus
            if minus and minus.held >= 2 and minus.share >= 0.8 and minus.held > (plus.held if plus else 0):
                self.notes.append("amounts written with the opposite sign to the running balance: the balance "
                                  "says so; charges read as money out")
                self.balance_as_written = True
                return -1, minus
            return 1, plus
        card = "the account is a card account" if self.account_kind == "card" else (
            "its labels say so" if self._card() else None)
        if convention == "signed" and card:
            values = [v for v in (self._safe(money, r) for r in self.sample) if v]
            if values and sum(v > 0 for v in values) > len(values) / 2:
                self.notes.append(f"card statement ({card}): charges are positive in the file and read as money out")
                return -1, None
        return 1, None

    def _card(self) -> bool:
        words = set(self.header.names)
        for row in self.grid.rows[:max(self.start - 1, 0)]:
            words.update(cell_text(c).casefold() for c in row if isinstance(c, str))
        return any(norm(w) in self.vocab.card for w in words)

    @staticmethod
    def _safe(money, row):
        try:
            return money(row)
        except (AmountError, ValueError, ArithmeticError, IndexError):
            return None

    def _money_reader(self, roles: Roles, convention: str):
        if convention == "debit_credit":
            d, c = self.reader(roles.single["debit"]), self.reader(roles.single["credit"])
            neg = any(self._safe(d, r) is not None and self._safe(d, r) < 0 for r in self.sample)

            def dc(row):
                dv, cv = d(row), c(row)
                if dv:
                    return dv if neg else -dv
                return cv
            return dc
        if convention == "indicator":
            a, i = self.reader(roles.single["amount"]), roles.single["indicator"]
            debit, _ = self.indicator_words(roles)

            def ind(row):
                v = a(row)
                if v is None:
                    return None
                word = cell_text(row[i]).casefold() if i < len(row) else ""
                return -abs(v) if word in debit else abs(v)
            return ind
        return self.reader(roles.single["amount"])

    def currency(self, roles: Roles) -> tuple[int | None, str | None]:
        """The currency column (the one nearest to the right of the amount), or a code from the header or
        the amount cells."""
        cols = roles.multi.get("currency", [])
        anchor = roles.single.get("amount", roles.single.get("credit", 0))
        if cols:
            right = [c for c in cols if c > anchor]
            return (min(right) if right else cols[0]), None
        for key in ("amount", "debit", "credit", "balance"):
            i = roles.single.get(key)
            if i is not None and i < len(self.header.currencies) and self.header.currencies[i]:
                return None, self.header.currencies[i]
            if i is not None and i < len(self.header.cells):  # "Betrag CHF", "Amount in EUR"
                codes = {c for w in self.header.cells[i].split() if (c := self.vocab.currency(w)) and w.isupper()}
                if len(codes) == 1:
                    return None, codes.pop()
        codes = sum((self.facts[i].money_codes for k in ("amount", "debit", "credit", "balance")
                     if (i := roles.single.get(k)) is not None), start=self.facts[0].money_codes.__class__())
        if len(codes) == 1:
            return None, next(iter(codes))
        return None, None

    # ---------------------------------------------------------------------------------------- result

    def build(self, name: str) -> Inference:
        roles = self.roles()
        single = roles.single
        if "indicator" in single and "amount" in single:
            convention = "indicator"
        elif "amount" in single:
            convention = "signed"
            single.pop("debit", None)
            single.pop("credit", None)
        else:
            convention = "debit_credit"
        cur_col, cur_code = self.currency(roles)
        known = cur_code or (self.facts[cur_col].codes.most_common(1)[0][0] if cur_col is not None and
                             self.facts[cur_col].codes else None) or self.default_currency
        date_code, note = column_date_format(self.facts[single["date"]], self.sample, self.source, self.title(single["date"]),
                                     known, self.vocab, self.date_order)
        if note:
            self.notes.append(note)
        vd = single.get("value_date")
        if vd is not None:
            vd_code, _ = date_reading(self.facts[vd])
            if vd_code != date_code or not fits("value_date", self.facts[vd], self.vocab):
                single.pop("value_date")
        sign, proof = self.sign(roles, convention)
        columns: dict[str, int] = dict(single)
        if cur_col is not None:
            columns["currency"] = cur_col
        texts = sorted(roles.multi.get("counterparty", []) + roles.multi.get("description", []))
        desc_keys = []
        for n, i in enumerate(texts):
            key = "description" if n == 0 else f"description_{n + 1}"
            columns[key] = i
            desc_keys.append(key)
        for role in ("reference", "type", "status", "account"):
            if roles.multi.get(role):
                columns[role] = roles.multi[role][0]
        status = columns.get("status")
        if status is not None and not any(v in self.vocab.pending for v in self.facts[status].values):
            columns.pop("status")
        order = sorted(columns, key=lambda k: columns[k])
        titles = {k: self.title(columns[k]) for k in order}
        data = {"name": name, "title": f"Inferred layout of {Path(str(self.source)).name}",
                "convention": convention, "decimal": self.decimal,
                "date_format": [date_code] if date_code else ["iso", "eu", "us"],
                "sign": "inverted" if sign < 0 else "as_is",
                **({"balance_sign": "as_is"} if self.balance_as_written else {}),
                "description_from": desc_keys}
        seen_pending = sorted({v for k in ("status", "date") if k in columns
                               for v in self.facts[columns[k]].values if norm(v) in self.vocab.pending})
        if seen_pending:
            data["pending_values"] = seen_pending
        if cur_code:
            data["currency"] = cur_code
        if self.header.index >= 0:
            data["columns"] = {k: [self.header.cells[columns[k]] if columns[k] < len(self.header.cells)
                                   else ""] for k in order}
        else:
            names = {i: k for k, i in columns.items()}
            data["headerless"] = {"columns": [names.get(i, f"column_{i + 1}") for i in range(self.width)]}
        data["fields"] = {kind: self.vocab.names_of(kind) for kind in ("account", "currency")}
        if "balance" not in columns and "balance_before" not in columns and self.header.index > 0:
            data["labels"] = {"closing_balance": list(self.vocab.preamble_closing)}
        if convention == "indicator":
            d, c = self.indicator_words(roles)
            data["indicator"] = {"debit": d, "credit": c}
        confidence = 1.0 if proof and proof.share == 1 else round(0.5 + 0.5 * proof.share, 2) if proof else 0.7
        header_row = self.header.index if self.header.index >= 0 else self.start - 1
        sample = tuple(tuple(cell_text(c) for c in r) for r in self.sample[:5])
        return Inference(data, header_row, columns, titles, convention, confidence, proof, tuple(self.notes),
                         cur_code, sample)  # a code the file states outranks --currency, as a column's does


_UNREAD = object()


@dataclass(frozen=True)
class _Failed:
    """What reading a sample row's cell raised, kept to be raised again whenever the cell is read."""

    error: Exception


def _outcome(read, row):
    try:
        return read(row)
    except Exception as exc:  # noqa: BLE001 - raised again, unchanged, to whoever reads this cell
        return _Failed(exc)


def _times(value, sign):
    return None if value is None else value * sign


def infer(grid: Grid, source, name: str = "inferred", currency: str | None = None,
          account_kind: str | None = None, date_order: str | None = None) -> Inference:
    """The layout of one table, or BankFileError naming what could not be decided."""
    return _Builder(grid, source, vocabulary(), currency, account_kind, date_order).build(name)

