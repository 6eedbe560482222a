"""A table's rows -> transactions, following a layout: the rows above the header give account details and
balances, each data row is a transaction, a continuation of the previous one, or a summary row (opening or
closing balance, totals) that is recognised and kept out of the transactions.

Problems are collected for the whole file (the user fixes them in one pass) and raised together by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from ...errors import Problem
from .layout_profiles import TOKEN, Layout, Profile, norm
from ...parsing import AmountError, DateError
from ...records import BankLine
from .read import Grid
from .values import (amount_parser, cell_text, choose_date_format, date_parser, guess_decimal_mark,
                             is_blank)

MAX_PROBLEMS = 1000
_CURRENCY = re.compile(r"[A-Z]{3}")
_DIGITS = re.compile(r"\d+")
_EDGE = "|*:.-_ \"'"
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_IBAN_SPACED = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b")
_ACCOUNT_TOKEN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}|[\d*#Xx][\d*#Xx \-/.]*\d")


@dataclass(frozen=True, slots=True)
class Stated:
    """A figure the file states outside the transactions: a balance or a total, and where."""

    kind: str  # one of layout_profiles.LABEL_KINDS
    value: Decimal
    line: int
    label: str
    currency: str = ""  # the currency its row names, in a file of several currencies


@dataclass
class TableContent:
    """What one table holds: its lines, and beside them (same index) where each was and what the bank
    printed with it, so that balances can be checked without keeping a second record per line."""

    lines: list[BankLine] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    balances: list[Decimal | None] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    bank_ids: list[str] = field(default_factory=list)  # the bank's transaction ids, when the layout has them
    stated: list[Stated] = field(default_factory=list)
    account: str = ""
    currency: str = ""  # stated in the file (header or rows above it); "" when not
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # lines with neither date nor amount


class _CellError(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


def label_kind(profile: Profile, text: str) -> str | None:
    """Which kind of summary label a cell is ('closing_balance', 'total'...), by normalised prefix."""
    n = norm(text)
    if not n:
        return None
    for phrase, kind in profile.labels:
        if n == phrase or (n.startswith(phrase) and n[len(phrase)] == " "):
            return kind
    return None


@lru_cache(maxsize=4096)
def account_number(text: str) -> str:
    """The account number in a label's value ('FRANK Account 666-666666-666' -> '666-666666-666',
    'Konto DE89 3704 0044 0532 0130 00' -> 'DE89370400440532013000')."""
    iban = _IBAN_SPACED.search(text)
    if iban:
        return re.sub(r"\s", "", iban.group(0))
    tokens = [t.strip() for t in _ACCOUNT_TOKEN.findall(text) if sum(ch.isdigit() for ch in t) >= 4]
    return max(tokens, key=len) if tokens else text.strip()[:64]


class TableReader:
    """Reads one table with one layout; `read()` returns everything found, problems included."""

    def __init__(self, grid: Grid, layout: Layout, account: str | None = None, currency: str | None = None):
        self.default_account = account or ""
        self.default_currency = currency or ""
        self.grid = grid
        self.layout = layout
        self.profile = layout.profile
        self.out = TableContent()
        headered = not self.profile.headerless
        self.data_start = layout.header_row + 1
        self.preamble_end = layout.header_row if headered else self.data_start
        cols = layout.columns
        self.width = max(cols.values()) + 1
        self.title = lambda key: layout.titles.get(key, key)  # noqa: E731 - header text for messages
        self._decide_per_file()

    # -------------------------------------------------------------------------------- per-file decisions

    def _column_values(self, key: str, limit: int | None = None):
        idx = self.layout.columns.get(key)
        if idx is None:
            return
        rows = self.grid.rows
        stop = len(rows) if limit is None else min(len(rows), self.data_start + limit)
        for r in range(self.data_start, stop):
            row = rows[r]
            if idx < len(row):
                yield row[idx]

    def _decide_per_file(self) -> None:
        prof = self.profile
        money_keys = ("amount", "debit", "credit", "balance")
        decimal = prof.decimal or guess_decimal_mark(
            v for k in money_keys for v in self._column_values(k, limit=5000))
        self.decimal = decimal
        self.amount = amount_parser(decimal)
        texts = (v.strip() for v in self._column_values("date", limit=20000) if isinstance(v, str) and v.strip())
        fmt, warning = choose_date_format(texts, prof.date_formats)
        if warning:
            self.out.warnings.append(warning)
        self.date = date_parser(fmt, self.grid.typed)
        self.convention = self.layout.convention
        self.indicator_col = self.layout.columns.get("indicator")
        if self.convention == "signed" and prof.convention == "auto" and "type" in self.layout.columns:
            self._indicator_in_type_column()
        self.debit_negative = False
        if self.convention == "debit_credit":
            if prof.debit_values == "negative":
                self.debit_negative = True
            elif prof.debit_values == "auto":
                signs = set()
                for v in self._column_values("debit", limit=5000):
                    try:
                        value = self.amount(v)
                    except AmountError:
                        continue
                    if value:
                        signs.add(value > 0)
                self.debit_negative = signs == {False}

    def _indicator_in_type_column(self) -> None:
        """Generic files: 'Amount' unsigned and 'Type' holding DR/CR is an indicator layout, not a signed one."""
        words = self.profile.indicator_debit | self.profile.indicator_credit
        types = {cell_text(v).casefold() for v in self._column_values("type", limit=5000)} - {""}
        if not types or not types <= words:
            return
        for v in self._column_values("amount", limit=5000):
            try:
                value = self.amount(v)
            except AmountError:
                continue
            if value is not None and value < 0:
                return
        self.convention = "indicator"
        self.indicator_col = self.layout.columns["type"]

    # -------------------------------------------------------------------------------- problems

    def problem(self, line: int, key: str | None, message: str) -> None:
        if len(self.out.problems) < MAX_PROBLEMS:
            self.out.problems.append(Problem(message, line=line, field=self.title(key) if key else None))

    # -------------------------------------------------------------------------------- preamble

    def _preamble_pairs(self):
        """(row, label, values) above the header: 'Label;value;...' rows, 'Label: value' cells, and small tables
        of labels over a row of values ('Saldo' above '12.345,67')."""
        rows, end = self.grid.rows, max(0, self.preamble_end)
        r = 0
        while r < end:
            cells = [c for c in rows[r] if not is_blank(c)]
            below = rows[r + 1] if r + 1 < end else ()
            if len(cells) >= 2 and all(isinstance(c, str) and not any(ch.isdigit() for ch in c) for c in cells) \
                    and sum(not is_blank(c) for c in below) >= 2:
                for j, head in enumerate(rows[r]):
                    if not is_blank(head) and j < len(below) and not is_blank(below[j]):
                        yield r + 1, cell_text(head).rstrip(":"), [below[j]]
                r += 2
                continue
            if cells:
                label, values = cell_text(cells[0]), cells[1:]
                if not values and ":" in label:
                    label, _, rest = label.partition(":")
                    values = [rest.strip()] if rest.strip() else []
                yield r, label, values
            r += 1

    def read_preamble(self) -> None:
        """Account, currency and balances printed above the header ('Ledger Balance,"6,666.66"')."""
        prof = self.profile
        for r, label, values in self._preamble_pairs():
            line = self.grid.lines[r]
            kind = label_kind(prof, label)
            if kind in ("opening_balance", "closing_balance", "total_debits", "total_credits", "total"):
                value = self._last_amount(values)
                if value is not None:
                    factor = prof.balance_factor if kind.endswith("_balance") else prof.sign
                    self.out.stated.append(Stated(kind, value * factor, line, label))
                continue
            n = norm(label)
            if n in prof.fields["account"] and values and not self.out.account:
                self.out.account = account_number(cell_text(values[0]))
            elif n in prof.fields["currency"] and values and not self.out.currency:
                code = cell_text(values[0]).upper()
                if _CURRENCY.fullmatch(code):
                    self.out.currency = code
                else:
                    self.out.warnings.append(f"line {line}: currency {code!r} is not an ISO 4217 code; ignored")

    def _last_amount(self, cells) -> Decimal | None:
        for c in reversed(cells):
            try:
                value = self.amount(c)
            except AmountError:
                continue
            if value is not None:
                return value
        return None

    # -------------------------------------------------------------------------------- data rows

    def _money_reader(self):
        """row -> the signed amount from the account holder's view (None when the row has none); raises
        _CellError. Built once per file for its convention, since it runs for every line."""
        cols = self.layout.columns
        parse, sign, title = self.amount, self.profile.sign, self.title

        def cell(row, idx, key):
            try:
                return parse(row[idx])
            except AmountError as exc:
                raise _CellError(key, str(exc)) from None

        if self.convention == "signed":
            ai = cols["amount"]

            def signed(row):
                try:
                    value = parse(row[ai])
                except AmountError as exc:
                    raise _CellError("amount", str(exc)) from None
                return -value if sign < 0 and value is not None else value
            return signed

        if self.convention == "debit_credit":
            di, ci, debit_negative = cols["debit"], cols["credit"], self.debit_negative

            def debit_credit(row):
                try:
                    debit = parse(row[di])
                except AmountError as exc:
                    raise _CellError("debit", str(exc)) from None
                try:
                    credit = parse(row[ci])
                except AmountError as exc:
                    raise _CellError("credit", str(exc)) from None
                if debit is None and credit is None:
                    return None
                if debit and credit:
                    raise _CellError("credit", f"both {title('debit')!r} ({debit}) and {title('credit')!r} "
                                               f"({credit}) hold an amount")
                if debit:
                    value = debit if debit_negative else -debit
                else:
                    value = credit if credit is not None else Decimal(0)
                return value * sign
            return debit_credit

        ai, ii = cols["amount"], self.indicator_col
        debit_words, credit_words = self.profile.indicator_debit, self.profile.indicator_credit
        key = "indicator" if ii == cols.get("indicator") else "type"

        def indicator(row):
            value = cell(row, ai, "amount")
            if value is None:
                return None
            raw = cell_text(row[ii])
            word = raw.casefold()
            if word in debit_words:
                return -abs(value) * sign
            if word in credit_words:
                return abs(value) * sign
            raise _CellError(key, f"debit/credit indicator {raw!r} is neither debit "
                                  f"({'/'.join(sorted(debit_words))}) nor credit ({'/'.join(sorted(credit_words))})")
        return indicator

    def _summary(self, row, line: int) -> bool:
        """Record a summary row (balance, totals) and say so; False when the row is no summary."""
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            kind = label_kind(self.profile, cell)
            if kind is None:
                continue
            if kind != "ignore":
                cur_i = self.layout.columns.get("currency")
                code = cell_text(row[cur_i]).upper() if cur_i is not None and cur_i < len(row) else ""
                for k, value in self._summary_values(row, kind):
                    self.out.stated.append(Stated(k, value, line, cell.strip(), code))
            return True
        return False

    def _summary_values(self, row, kind: str):
        cols = self.layout.columns
        sign = self.profile.sign

        def get(key):
            idx = cols.get(key)
            if idx is None or idx >= len(row):
                return None
            try:
                return self.amount(row[idx])
            except AmountError:
                return None

        if kind in ("opening_balance", "closing_balance"):
            value = get("balance")
            if value is None:
                value = get("amount") if "amount" in cols else None
            if value is None:
                value = self._last_amount(row)
            return [(kind, value * self.profile.balance_factor)] if value is not None else []
        if self.convention == "debit_credit":
            out = []
            if kind in ("total_debits", "total") and get("debit") is not None:
                out.append(("total_debits", get("debit")))
            if kind in ("total_credits", "total") and get("credit") is not None:
                out.append(("total_credits", get("credit")))
            return out
        value = get("amount") if "amount" in cols else None
        if value is None:
            value = self._last_amount(row)
        return [(kind, value * sign)] if value is not None else []

    @staticmethod
    def _repeated_header(dcell, header_date) -> bool:
        """The header again, as exports printed page by page repeat it."""
        return header_date is not None and not is_blank(dcell) and dcell == header_date

    def _is_date(self, cell) -> bool:
        try:
            self.date(cell)
        except DateError:
            return False
        return True

    def _pending_date(self, row, dcell, st_i, vd_i, lines):
        """A row with money but no booking date is pending when the file says so (a 'Pending' date or status)
        or gives another date for it; it is dated by that other date, else by the line before it. None: the
        row is no pending line, its missing date is a problem."""
        pending_values = self.profile.pending_values
        said = norm(dcell) in pending_values or (st_i is not None and norm(row[st_i]) in pending_values)
        other = None
        if vd_i is not None and not is_blank(row[vd_i]):
            try:
                other = self.date(row[vd_i])
            except DateError:
                other = None
        if not said and (other is None or not is_blank(dcell)):
            return None
        if other is not None:
            return other
        return lines[-1].date if lines else None

    def read_rows(self) -> None:
        prof = self.profile
        cols = self.layout.columns
        out = self.out
        rows, grid_lines = self.grid.rows, self.grid.lines
        width = self.width
        pad = [""] * width
        di = cols["date"]
        header = rows[self.layout.header_row] if self.layout.header_row >= 0 and not prof.headerless else None
        header_date = header[di] if header is not None and di < len(header) else None
        desc_idx = [cols[k] for k in prof.description_from if k in cols]
        one_desc = desc_idx[0] if len(desc_idx) == 1 else None
        type_idx = [cols[k] for k in prof.type_from if k in cols]
        get_i = cols.get
        chk_i, ref_i, id_i = get_i("check_number"), get_i("reference"), get_i("id")
        vd_i, st_i, cur_i, acc_i, bal_i = (get_i("value_date"), get_i("status"), get_i("currency"),
                                           get_i("account"), get_i("balance"))
        bal_key = "balance" if bal_i is not None else "balance_before"
        if bal_i is None:
            bal_i = get_i("balance_before")
        classify = _Classifier(prof)
        labels_whole = frozenset(phrase for phrase, _ in prof.labels)
        label_firsts = frozenset(phrase.split()[0] for phrase in labels_whole)  # a cheap test before norm()
        label_check = bool(labels_whole and desc_idx)
        pending_values = prof.pending_values
        check_pattern = prof.check_pattern
        sign, balance_sign = prof.sign, prof.balance_factor
        parse_date, parse_amount, money = self.date, self.amount, self._money_reader()
        file_account = out.account or self.default_account
        file_currency = out.currency or self.layout.header_currency or self.default_currency or prof.currency or ""
        lines, numbers, balances, accounts = out.lines, out.line_numbers, out.balances, out.accounts
        continued: list[str] = []  # continuation rows' text for the last line, added once it is complete
        for r in range(self.data_start, len(rows)):
            row = rows[r]
            if len(row) < width:
                row = list(row) + pad[len(row):]
            line = grid_lines[r]
            dcell = row[di]
            try:
                amount = money(row)
                money_error = None
            except _CellError as exc:
                amount, money_error = None, exc
            if label_check:
                for i in desc_idx:
                    text = row[i]
                    if text.__class__ is str and len(text) < 48 and \
                            text.partition(" ")[0].strip(_EDGE).casefold() in label_firsts and \
                            norm(text) in labels_whole and self._summary(row, line):
                        break  # an opening, closing or turnover row that carries its figure in a money column
                else:
                    text = None
                if text is not None:
                    continue
            if money_error is None and amount is None:
                if all(is_blank(c) for c in row) or self._repeated_header(dcell, header_date):
                    continue
                if self._summary(row, line):
                    continue
                if not is_blank(dcell) and self._is_date(dcell):
                    names = ("debit", "credit") if self.convention == "debit_credit" else ("amount",)
                    self.problem(line, names[0], "no amount in " + " or ".join(repr(self.title(k)) for k in names))
                elif is_blank(dcell) and prof.continuation_rows and lines:
                    continued += [cell_text(row[i]) for i in desc_idx if not is_blank(row[i])] or [
                        cell_text(c) for c in row if not is_blank(c)]
                else:
                    out.skipped.append(line)  # a note or footer: no date and no money
                continue
            try:
                date = parse_date(dcell)
            except DateError as exc:
                if self._repeated_header(dcell, header_date) or self._summary(row, line):
                    continue
                date = self._pending_date(row, dcell, st_i, vd_i, lines) if money_error is None else None
                if date is None:
                    self.problem(line, "date", str(exc) if not is_blank(dcell) else "the date is empty")
                    if money_error is not None:
                        self.problem(line, money_error.field_name, str(money_error))
                    continue
                pending_row = True
            else:
                pending_row = False
            if money_error is not None:
                self.problem(line, money_error.field_name, str(money_error))
                continue
            balance = None
            if bal_i is not None:
                try:
                    balance = parse_amount(row[bal_i])
                except AmountError as exc:
                    self.problem(line, bal_key, str(exc))
                if balance is not None and balance_sign < 0:
                    balance = -balance
                if balance is not None and bal_key == "balance_before":
                    balance += amount  # some banks print the balance before the line: the one after follows
            value_date = None
            if vd_i is not None and not is_blank(row[vd_i]):
                try:
                    value_date = parse_date(row[vd_i])
                except DateError as exc:
                    self.problem(line, "value_date", str(exc))
            if one_desc is not None:
                description = row[one_desc]
                description = description.strip() if description.__class__ is str else cell_text(description)
                if "  " in description or "\n" in description or "\t" in description:
                    description = " ".join(description.split())
            else:
                description = _description([cell_text(row[i]) for i in desc_idx]) if desc_idx else ""
            kind = classify(row, type_idx, description)
            if chk_i is None:
                check = ""
            else:
                check = row[chk_i]
                check = (check.strip() if check.__class__ is str else cell_text(check)).lstrip("#").strip()
            if not check and kind == "check":
                m = check_pattern.search(description)
                check = m.group(1) if m else ""
            if check and kind == "other":
                kind = "check"
            account = file_account
            if acc_i is not None and not is_blank(row[acc_i]):
                account = account_number(cell_text(row[acc_i]))
            currency = file_currency
            if cur_i is not None and not is_blank(row[cur_i]):
                currency = cell_text(row[cur_i]).upper()
                if not _CURRENCY.fullmatch(currency):
                    self.problem(line, "currency", f"{currency!r} is not an ISO 4217 currency code")
            elif not currency and _IBAN.fullmatch(account):
                currency = prof.iban_currency.get(account[:2], "")
            if id_i is not None:
                out.bank_ids.append(cell_text(row[id_i]))
            if continued:
                _continue_description(lines, continued)
                continued = []
            lines.append(BankLine(
                f"L{line}", date, amount, currency,
                cell_text(row[ref_i]) if ref_i is not None else "",
                description, kind, check, value_date,
                pending_row or (st_i is not None and norm(row[st_i]) in pending_values),
            ))
            numbers.append(line)
            balances.append(balance)
            accounts.append(account)
        if continued:
            _continue_description(lines, continued)

    def read(self) -> TableContent:
        self.read_preamble()
        if self.layout.header_currency and not self.out.currency:
            self.out.currency = self.layout.header_currency
        self.read_rows()
        if self.out.skipped:
            shown = ", ".join(str(n) for n in self.out.skipped[:10])
            more = f" and {len(self.out.skipped) - 10} more" if len(self.out.skipped) > 10 else ""
            self.out.warnings.append(f"skipped {len(self.out.skipped)} row(s) with neither a date nor an amount "
                                     f"(line {shown}{more})")
        return self.out


def _description(parts: list[str]) -> str:
    """The description columns joined, runs of spaces collapsed (banks pad fixed-width text with them)."""
    text = parts[0] if len(parts) == 1 else " / ".join(_distinct(parts))
    return " ".join(text.split()) if "  " in text or "\n" in text or "\t" in text else text


def _distinct(parts) -> list[str]:
    """Non-empty parts, leaving out one that another part already contains ('CLOUDFLARE' in 'CLOUDFLARE 650...')."""
    parts = [p for p in parts if p]
    out = []
    for i, p in enumerate(parts):
        low = p.casefold()
        if any(low in q.casefold() and (low != q.casefold() or j < i) for j, q in enumerate(parts) if j != i):
            continue
        out.append(p)
    return out


class _Classifier:
    """Type column value -> canonical type through the profile's map, else its ordered rules.

    Rules are looked up by word (one dict probe per word of the text) rather than run as regexes one by one:
    a dozen keyword regexes cost tens of microseconds per line, which a 100,000-line import cannot afford."""

    def __init__(self, profile: Profile):
        self.map = profile.type_map
        rules = profile.type_rules
        self.types = [r.type for r in rules]
        self.word_index: dict[str, int] = {}
        for i, rule in enumerate(rules):
            for w in rule.words:
                self.word_index.setdefault(w, i)
        self.word_keys = frozenset(self.word_index)
        self.phrases: dict[str, list[tuple[str, int]]] = {}  # first word -> (" a b ", rule index)
        for i, rule in enumerate(rules):
            for phrase in rule.phrases:
                self.phrases.setdefault(phrase.split()[0], []).append((f" {phrase} ", i))
        self.phrase_keys = frozenset(self.phrases)
        self.contains = [(c, i) for i, r in enumerate(rules) for c in r.contains]
        self.patterns = [(r.pattern, i) for i, r in enumerate(rules) if r.pattern is not None]
        self.digit_free = not self.patterns and not any(
            ch.isdigit() for r in rules for text in (*r.words, *r.phrases, *r.contains) for ch in text)
        self.cache: dict[str, str] = {}

    def rule(self, text: str) -> str | None:
        if not text:
            return None
        hit = self.cache.get(text)
        if hit is None and self.digit_free:
            # No rule word holds a digit, so lines differing only in numbers (references, dates) share a result.
            text = _DIGITS.sub("0", text)
            hit = self.cache.get(text)
        if hit is None:
            low = text.casefold()
            words = TOKEN.findall(low)
            best = len(self.types)
            found = self.word_keys.intersection(words)
            if found:
                best = min(self.word_index[w] for w in found)
            firsts = self.phrase_keys.intersection(words)
            if firsts:
                joined = " " + " ".join(words) + " "
                for first in firsts:
                    for phrase, i in self.phrases[first]:
                        if i < best and phrase in joined:
                            best = i
            for sub, i in self.contains:
                if i < best and sub in low:
                    best = i
            for pattern, i in self.patterns:
                if i < best and pattern.search(text):
                    best = i
            hit = self.types[best] if best < len(self.types) else ""
            if len(self.cache) < 50_000:
                self.cache[text] = hit
        return hit or None

    def __call__(self, row, type_idx: list[int], description: str) -> str:
        """The type of a row: its type columns through the map, then the rules on them and the description."""
        if type_idx:
            values = []
            for i in type_idx:
                v = row[i]
                v = v.strip() if v.__class__ is str else cell_text(v)
                if v:
                    mapped = self.map.get(v.casefold())
                    if mapped:
                        return mapped
                    values.append(v)
            for v in values:
                hit = self.rule(v)
                if hit:
                    return hit
        return self.rule(description) or "other"


def _continue_description(lines: list[BankLine], pieces: list[str]) -> None:
    """The last line with its continuation rows' text added, in one join: re-joining the growing description at
    every continuation row would be quadratic in their number."""
    text = " ".join(" ".join([lines[-1].description, *pieces]).split())
    lines[-1] = replace(lines[-1], description=text)
