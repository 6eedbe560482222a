"""A table's rows -> transactions, following a layout: the rows above the header give account details and
balances, each data row is a transaction, a continuation of the previous one, or a summary row (opening or
closing balance, totals) that is recognised and kept out of the transactions.

Problems are collected for the whole file (the user fixes them in one pass) and raised together by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import and_, is_not, not_

from ...errors import Problem
from .layout_profiles import Layout, Profile, norm
from ...parsing import AmountError, DateError
from ...records import BankLine
from ..line_batch import bank_lines
from .columns import amount_column, date_column, one_side_each
from .data_columns import DataColumns
from .line_fields import CURRENCY, account_number, read_fields
from .read import Grid
from .values import (amount_parser, cell_text, choose_date_format, date_parser, guess_decimal_mark,
                             is_blank)

MAX_PROBLEMS = 1000
_EDGE = "|*:.-_ \"'"


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
    # the lines' amounts, currencies and pending flags as columns, for the statement checks (statements.py)
    amounts: list[Decimal] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)
    pending: list[bool] = field(default_factory=list)
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
        self.labels = frozenset(phrase for phrase, _ in self.profile.labels)
        self.label_firsts = frozenset(phrase.split()[0] for phrase in self.labels)
        edge = "[" + re.escape(_EDGE.replace(" ", "")) + "]*"
        self.label_start = re.compile("\n" + edge + _by_first_letter(self.label_firsts) + edge + "(?=[ \n])")
        self.data = DataColumns(grid.rows, self.data_start, self.width)
        self._decide_per_file()

    # -------------------------------------------------------------------------------- per-file decisions

    def _column_values(self, key: str, limit: int | None = None):
        idx = self.layout.columns.get(key)
        if idx is None:
            return
        column = self.data.column(idx)
        yield from column if limit is None else column[:limit]

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
                if CURRENCY.fullmatch(code):
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

    def _money_column(self, data: DataColumns) -> list:
        """The data rows' signed amounts from the account holder's view, one per row: a Decimal, None when the
        row has none, or the _CellError naming the field. Read by column (columns.py), since it runs for every
        line; built for the file's convention."""
        cols = self.layout.columns
        parse, sign, title = amount_column(self.amount, self.decimal), self.profile.sign, self.title

        def column(key: str) -> list:
            values = parse(data.column(cols[key]))
            for k in _error_rows(values, AmountError):
                values[k] = _CellError(key, str(values[k]))
            return values

        if self.convention == "signed":
            values = column("amount")
            if sign < 0:
                values = [-v if v.__class__ is Decimal else v for v in values]
            return values

        if self.convention == "debit_credit":
            debit_negative = self.debit_negative

            def debit_credit(debit, credit):
                if debit.__class__ is _CellError:
                    return debit
                if credit.__class__ is _CellError:
                    return credit
                if debit is None and credit is None:
                    return None
                if debit and credit:
                    return _CellError("credit", f"both {title('debit')!r} ({debit}) and {title('credit')!r} "
                                                f"({credit}) hold an amount")
                if debit:
                    value = debit if debit_negative else -debit
                else:
                    value = credit if credit is not None else Decimal(0)
                return value * sign
            sides = one_side_each(data.column(cols["debit"]), data.column(cols["credit"]), self.decimal)
            if sides is not None:  # the same values as _one_side_each's below, from one column
                values, has_debit = sides
                if sign == 1:  # the usual profile: "* 1" would only copy each Decimal (same digits and places)
                    return values if debit_negative else \
                        [-v if d and v is not None else v for v, d in zip(values, has_debit)]
                if debit_negative:
                    return [v * sign if v is not None else None for v in values]
                return [(-v if d else v) * sign if v is not None else None for v, d in zip(values, has_debit)]
            debits, credits = column("debit"), column("credit")
            fast = _one_side_each(debits, credits, sign, debit_negative)
            return fast if fast is not None else list(map(debit_credit, debits, credits))

        ii = self.indicator_col
        debit_words, credit_words = self.profile.indicator_debit, self.profile.indicator_credit
        key = "indicator" if ii == cols.get("indicator") else "type"

        def indicator(value, flag):
            if value is None or value.__class__ is _CellError:
                return value
            raw = cell_text(flag)
            word = raw.casefold()
            if word in debit_words:
                return -abs(value) * sign
            if word in credit_words:
                return abs(value) * sign
            return _CellError(key, f"debit/credit indicator {raw!r} is neither debit "
                                   f"({'/'.join(sorted(debit_words))}) nor credit ({'/'.join(sorted(credit_words))})")
        return list(map(indicator, column("amount"), data.column(ii)))

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
        """Every data row: amounts, dates, balances and text fields are read by column (columns.py,
        line_fields.py); runs of rows that are plainly transactions become lines in one go, and every other row
        (summaries, notes, continuations, pending lines, bad cells) is read on its own by `_read_row`."""
        cols, out = self.layout.columns, self.out
        start, data = self.data_start, self.data
        if not len(data):
            return
        get = cols.get
        bal_i = get("balance")
        self.bal_key = "balance" if bal_i is not None else "balance_before"
        if bal_i is None:
            bal_i = get("balance_before")
        vd_i = get("value_date")
        amounts = self._money_column(data)
        dates = date_column(self.date)(data.column(cols["date"]))
        printed = amount_column(self.amount, self.decimal)(data.column(bal_i)) \
            if bal_i is not None else [None] * len(data)
        value_dates = [None if is_blank(c) else d for c, d in zip(
            data.column(vd_i), date_column(self.date)(data.column(vd_i)))] \
            if vd_i is not None else [None] * len(data)
        fields = read_fields(self.layout, data, out.account or self.default_account,
                             out.currency or self.layout.header_currency or self.default_currency
                             or self.profile.currency or "", amounts)
        balances = self._balance_column(printed, amounts)
        ids = list(map("L%d".__mod__, self.grid.lines[start:start + len(data)]))  # f"L{line}", in C
        plain = self._plain_rows(data, amounts, dates, printed, value_dates, fields)
        self._continued: list[str] = []  # continuation rows' text for the last line, added once it is complete
        k = 0
        for end in list(compress(range(len(data)), map(not_, plain))) + [len(data)]:
            if end > k:  # a run of plain transactions
                self._flush_continued()
                run = slice(k, end)
                out.lines += bank_lines(ids[run], dates[run], amounts[run], fields.currencies[run],
                                        fields.references[run], fields.descriptions[run], fields.kinds[run],
                                        fields.checks[run], value_dates[run], fields.pending[run])
                out.amounts += amounts[run]
                out.currencies += fields.currencies[run]
                out.pending += fields.pending[run]
                out.line_numbers += self.grid.lines[start + k:start + end]
                out.balances += balances[run]
                out.accounts += fields.accounts[run]
                if fields.bank_ids is not None:
                    out.bank_ids += fields.bank_ids[run]
            if end < len(data):
                self._read_row(end, data.row(end), self.grid.lines[start + end], amounts[end], dates[end],
                               printed[end], value_dates[end], fields)
            k = end + 1
        self._flush_continued()

    def _balance_column(self, printed: list, amounts: list) -> list:
        """The running balance after each line, as the file prints it (None where it prints none or an error)."""
        factor = self.profile.balance_factor
        if factor > 0 and not _error_rows(printed, AmountError):
            out = list(printed)  # the common case, without a test per line
        else:
            out = [None if b is None or isinstance(b, AmountError) else (-b if factor < 0 else b) for b in printed]
        if self.bal_key == "balance_before":  # some banks print the balance before the line: the one after follows
            out = [b + a if b is not None and a.__class__ is Decimal else b for b, a in zip(out, amounts)]
        return out

    def _plain_rows(self, data, amounts, dates, printed, value_dates, fields) -> list[bool]:
        """Rows that are a transaction with nothing to question: a dated amount, no cell in error and no
        description that may be a summary label (those rows are read one by one)."""
        plain = list(map(isinstance, amounts, repeat(Decimal)))  # a C-level pass; errors are rare, found apart
        for k in chain(_error_rows(dates, DateError), _error_rows(printed, AmountError),
                       _error_rows(value_dates, DateError), fields.bad_currency):
            plain[k] = False
        for i in self._description_columns() if self.labels else ():
            for k in self._label_candidates(data.column(i)):
                plain[k] = False
        return plain

    def _label_candidates(self, texts: list) -> list[int]:
        """The rows whose text passes `_may_be_label`, found with one regular expression over the column's
        joined, casefolded text (a first word of a label at a line's start) rather than a test per row; each hit
        is then tested as before."""
        try:
            joined = "\n" + "\n".join(texts) + "\n"
        except TypeError:  # a spreadsheet number or date in the column
            joined = ""
        if joined.count("\n") != len(texts) + 1:
            return [k for k, text in enumerate(texts) if self._may_be_label(text)]
        folded = joined.casefold()
        found, row, pos = [], -1, 0
        for m in self.label_start.finditer(folded):
            row += folded.count("\n", pos, m.start() + 1)
            pos = m.start() + 1
            if self._may_be_label(texts[row]):
                found.append(row)
        return found

    def _description_columns(self) -> list[int]:
        cols = self.layout.columns
        return [cols[k] for k in self.profile.description_from if k in cols]

    def _may_be_label(self, text) -> bool:
        """A cheap test before norm(): short text whose first word starts a summary label."""
        return text.__class__ is str and len(text) < 48 and \
            text.partition(" ")[0].strip(_EDGE).casefold() in self.label_firsts

    def _flush_continued(self) -> None:
        if self._continued:
            _continue_description(self.out.lines, self._continued)
            self._continued = []

    def _read_row(self, k: int, row: list, line: int, amount, date, balance, value_date, fields) -> None:
        """One data row that is not plainly a transaction: a summary or label row, a blank or repeated header,
        a continuation of the last line's text, a note, a pending line, or a row with a bad cell."""
        prof, out = self.profile, self.out
        cols = self.layout.columns
        di = cols["date"]
        dcell = row[di]
        header = self.grid.rows[self.layout.header_row] \
            if self.layout.header_row >= 0 and not prof.headerless else None
        header_date = header[di] if header is not None and di < len(header) else None
        desc_idx = self._description_columns()
        if amount.__class__ is _CellError:
            amount, money_error = None, amount
        else:
            money_error = None
        for i in desc_idx if self.labels else ():
            text = row[i]
            if self._may_be_label(text) and norm(text) in self.labels and self._summary(row, line):
                return  # an opening, closing or turnover row that carries its figure in a money column
        if money_error is None and amount is None:
            if all(is_blank(c) for c in row) or self._repeated_header(dcell, header_date):
                return
            if self._summary(row, line):
                return
            if not is_blank(dcell) and self._is_date(dcell):
                names = ("debit", "credit") if self.convention == "debit_credit" else ("amount",)
                self.problem(line, names[0], "no amount in " + " or ".join(repr(self.title(k)) for k in names))
            elif is_blank(dcell) and prof.continuation_rows and out.lines:
                self._continued += [cell_text(row[i]) for i in desc_idx if not is_blank(row[i])] or [
                    cell_text(c) for c in row if not is_blank(c)]
            else:
                out.skipped.append(line)  # a note or footer: no date and no money
            return
        pending_row = False
        if isinstance(date, DateError):
            if self._repeated_header(dcell, header_date) or self._summary(row, line):
                return
            exc = date
            date = self._pending_date(row, dcell, cols.get("status"), cols.get("value_date"), out.lines) \
                if money_error is None else None
            if date is None:
                self.problem(line, "date", str(exc) if not is_blank(dcell) else "the date is empty")
                if money_error is not None:
                    self.problem(line, money_error.field_name, str(money_error))
                return
            pending_row = True
        if money_error is not None:
            self.problem(line, money_error.field_name, str(money_error))
            return
        if isinstance(balance, AmountError):
            self.problem(line, self.bal_key, str(balance))
            balance = None
        elif balance is not None:
            balance = -balance if prof.balance_factor < 0 else balance
            if self.bal_key == "balance_before":
                balance += amount
        if isinstance(value_date, DateError):
            self.problem(line, "value_date", str(value_date))
            value_date = None
        currency = fields.currencies[k]
        if k in fields.bad_currency:
            self.problem(line, "currency", f"{currency!r} is not an ISO 4217 currency code")
        if fields.bank_ids is not None:
            out.bank_ids.append(fields.bank_ids[k])
        self._flush_continued()
        pending = pending_row or fields.pending[k]
        out.lines.append(BankLine(
            f"L{line}", date, amount, currency, fields.references[k], fields.descriptions[k], fields.kinds[k],
            fields.checks[k], value_date, pending))
        out.amounts.append(amount)
        out.currencies.append(currency)
        out.pending.append(pending)
        out.line_numbers.append(line)
        out.balances.append(balance)
        out.accounts.append(fields.accounts[k])

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


def _by_first_letter(words) -> str:
    """The words as one regular expression group, factored by first letter: the engine tries a group's
    alternatives one by one at every line of a column, so sixty label words cost sixty tries a line; grouped by
    their first letter, a line meets about twenty. The same lines match (longer words first within a letter)."""
    rests: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        rests.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(re.escape(first) + "(?:" + "|".join(group) + ")" for first, group in rests.items()) + ")"


def _continue_description(lines: list[BankLine], pieces: list[str]) -> None:
    """The last line with its continuation rows' text added, in one join: re-joining the growing description at
    every continuation row would be quadratic in their number."""
    text = " ".join(" ".join([lines[-1].description, *pieces]).split())
    lines[-1] = replace(lines[-1], description=text)


def _one_side_each(debits: list, credits: list, sign: int, debit_negative: bool) -> list | None:
    """The signed amounts of a debit/credit file whose every row holds a non-zero debit, a credit or neither (as
    nearly every file does), computed as `debit_credit` computes them but without a Python call per row; None
    when a row holds an error, both sides or a zero debit, which `debit_credit` then judges row by row."""
    if not (set(map(type, debits)) | set(map(type, credits))) <= {Decimal, type(None)}:
        return None
    has_debit = list(map(is_not, debits, repeat(None)))
    if any(map(and_, has_debit, map(is_not, credits, repeat(None)))) or not all(compress(debits, has_debit)):
        return None
    if debit_negative:
        return [d * sign if d is not None else None if c is None else c * sign for d, c in zip(debits, credits)]
    return [-d * sign if d is not None else None if c is None else c * sign for d, c in zip(debits, credits)]


def _error_rows(values: list, error: type[Exception]) -> list[int]:
    """The indices of a column's cells that failed to parse; one C-level look at the column's classes first,
    since most columns have none."""
    if not any(issubclass(cls, error) for cls in set(map(type, values))):
        return []
    return [k for k, v in enumerate(values) if isinstance(v, error)]
