"""One line-id scheme for repeated bank ids in every format (importers/line_ids.py), and what it is for: a
repeated id is no identity, so statement_history recognises such lines by their content, and an overlapping
download whose repeated-id lines differ from the held ones loses no genuine line."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_import_bai2 import A, D, G, build
from test_import_camt053 import camt, entry
from test_import_camt053 import statement as camt_statement
from test_import_ofx import ofx, stmtrs, trn
from tieout.server.statements import statement_history as sh
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.line_ids import assign, occurrence_base
from tieout.server.records import BankLine, ImportResult, Statement

DAY = dt.date(2026, 1, 15)


# ---- the helper ---------------------------------------------------------------------------------------------
def test_ids_used_once_are_kept_and_every_use_of_a_repeated_one_is_marked():
    got = assign(["X", "Y", "X", "Z", "X", "Y"])
    assert got.ids == ("X~1", "Y~1", "X~2", "Z", "X~3", "Y~2")
    assert got.repeated == (("X", 3), ("Y", 2)) and got.lines_repeated == 5
    assert got.warning("FITID") == (
        "5 lines share their FITID with another line of the file (2 ids repeated), e.g. X on 3 lines, now X~1, "
        "X~2...: a repeated id is not the bank's identity of a line, so these lines will be recognised by their "
        "content when an overlapping statement is imported")


def test_nothing_repeated_changes_nothing_and_warns_nothing():
    got = assign(["A", "B~1", "C"])
    assert got.ids == ("A", "B~1", "C") and got.repeated == () and got.warning("FITID") is None


def test_a_real_id_that_looks_like_a_mark_is_kept_and_never_collides():
    got = assign(["X", "X~1", "X", "X~3"])
    assert got.ids == ("X~2", "X~1", "X~4", "X~3")
    assert got.warning("id").startswith("2 lines share their id with another line of the file, e.g. X on 2 lines, "
                                        "now X~2, X~4...")


@given(st.lists(st.text(alphabet="XY~1-", min_size=1, max_size=4), max_size=40))
def test_ids_are_unique_deterministic_and_traceable_to_their_candidate(candidates):
    got = assign(candidates)
    assert got.ids == assign(list(candidates)).ids
    assert len(got.ids) == len(candidates) and len(set(got.ids)) == len(candidates)
    counts = {c: candidates.count(c) for c in candidates}
    for c, new in zip(candidates, got.ids):
        if counts[c] == 1:
            assert new == c
        else:
            assert occurrence_base(new) == c and new != c and new[len(c):].startswith("~")
    assert got.lines_repeated == sum(n for n in counts.values() if n > 1)
    # within one candidate the occurrence numbers rise in file order
    for c, n in counts.items():
        ks = [int(new[len(c) + 1:]) for cand, new in zip(candidates, got.ids) if cand == c and n > 1]
        assert ks == sorted(ks)


@pytest.mark.parametrize("fmt,line_id,account,stable", [
    ("ofx", "X~1", "", False), ("ofx", "X~12-2", "", False),  # "-2": the store's suffix in a reconciliation
    ("camt053", "2007101800001~2", "NL26", False), ("csv", "TX-9~1", "", False), ("xlsx", "TX-9~2", "", False),
    ("mt940", "BANK1~2", "NL81ASNB0000000001", False), ("bai2", "42-20260115-3~2", "42", False),
    ("ofx", "X", "", True), ("ofx", "A~B", "", True), ("ofx", "X-2", "", True), ("camt053", "~", "", True),
])
def test_a_marked_id_is_never_taken_for_the_banks(fmt, line_id, account, stable):
    line = BankLine(line_id, DAY, Decimal("1.00"), "USD")
    assert (sh.bank_id(line, fmt, account) == line_id) is stable


# ---- every format with a file that repeats a bank id ---------------------------------------------------------
# A line: (bank id, amount, description, day of January 2026). X is the bank's id of the 1.00 line; the bank
# reuses it for a 3.00 correction two days later.
X1 = ("X", "1.00", "first", 5)
Y = ("Y", "2.00", "other", 6)
X2 = ("X", "3.00", "correction", 7)
Z = ("Z", "4.00", "later", 8)


def _ofx(lines):
    total = sum(Decimal(a) for _, a, _, _ in lines)
    return ofx([stmtrs([trn(a, i, "CREDIT", f"202601{d:02d}", name=t) for i, a, t, d in lines],
                       balamt=str(Decimal("100.00") + total))])


def _camt(lines):
    return camt([camt_statement([entry(a, booking=f"2026-01-{d:02d}", ref=i, info=t) for i, a, t, d in lines],
                                stmt_id="STMT", period=("2026-01-01", "2026-01-31"))])


def _mt940(lines):
    out = [":20:STMT", ":25:NL81ASNB0000000001", ":28C:1/1", ":60F:C260101EUR100,00"]
    total = Decimal("100.00")
    for i, a, t, d in lines:
        out += [f":61:2601{d:02d}01{d:02d}C{a.replace('.', ',')}NTRFNONREF//{i}", f":86:{t}"]
        total += Decimal(a)
    return "\n".join(out + [f":62F:C260131EUR{str(total).replace('.', ',')}"]) + "\n"


def _bai2(lines):
    details = [D(195, int(Decimal(a) * 100), bank_ref=i, text=t) for i, a, t, _ in lines]
    total = sum(d.amount for d in details)
    return build([G([A("42", opening=10000, closing=10000 + total, details=details)])])


def _csv(lines):
    return "Date,Description,Amount,Transaction ID\n" + "".join(
        f"2026-01-{d:02d},{t},{a},{i}\n" for i, a, t, d in lines)


FORMATS = {"ofx": (_ofx, "ofx"), "camt053": (_camt, "xml"), "mt940": (_mt940, "sta"), "bai2": (_bai2, "bai"),
           "csv": (_csv, "csv")}
WHAT = {"ofx": "FITID", "camt053": "reference (AcctSvcrRef/NtryRef, else statement-entry number)",
        "mt940": "bank reference (:61: after //, else account-date-sequence)",
        "bai2": "bank reference (16 record, else account-date-sequence)", "csv": "transaction id"}


@pytest.fixture(params=sorted(FORMATS))
def fmt_file(request, tmp_path):
    fmt = request.param
    make, ext = FORMATS[fmt]

    def _import(name, lines) -> ImportResult:
        path = tmp_path / f"{name}.{ext}"
        data = make(lines)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        result = import_file(path, options=ImportOptions(currency="USD"))
        assert result.format == fmt
        return result
    return fmt, _import


def held(result: ImportResult, ref: str, lines=None) -> sh.HeldStatement:
    """What the store holds for the file's one statement (its lines as read back, by default all of them)."""
    (s,) = result.statements
    return sh.HeldStatement(
        ref=ref, label=f"statement {ref}", account=s.account, currency=s.currency, format=result.format,
        opening_balance=s.opening_balance, closing_balance=s.closing_balance,
        period_start=s.period_start or s.first_date, period_end=s.period_end or s.last_date,
        fingerprint=sh.statement_fingerprint(s), statement_id=s.statement_id,
        lines=tuple(s.lines if lines is None else lines))


def amounts(lines) -> list[str]:
    return [str(ln.amount) for ln in lines]


def test_each_format_marks_every_use_of_a_repeated_bank_id_with_a_warning(fmt_file):
    fmt, imp = fmt_file
    result = imp("b", [X1, Y, X2])
    assert [ln.line_id for ln in result.lines] == ["X~1", "Y", "X~2"]
    assert amounts(result.lines) == ["1.00", "2.00", "3.00"]
    assert [w for w in result.warnings if "share their" in w] == [(
        f"2 lines share their {WHAT[fmt]} with another line of the file, e.g. X on 2 lines, now X~1, X~2...: a "
        "repeated id is not the bank's identity of a line, so these lines will be recognised by their content "
        "when an overlapping statement is imported")]
    assert [ln.line_id for ln in imp("b_again", [X1, Y, X2]).lines] == ["X~1", "Y", "X~2"]
    unique = imp("a", [X1, Y])
    assert [ln.line_id for ln in unique.lines] == ["X", "Y"]
    assert not [w for w in unique.warnings if "share their" in w]


def test_held_x_once_then_a_download_holding_both_x_adds_exactly_the_other(fmt_file):
    _, imp = fmt_file
    new = imp("b", [X1, Y, X2])
    # the account holds the original X (as its stable id "X"): the correction is new
    plan = sh.plan_import([held(imp("a", [X1, Y]), "A")], new)
    assert [(ln.line_id, str(ln.amount)) for ln in plan.lines_to_add] == [("X~2", "3.00")]
    assert sorted((s.line.line_id, s.held_line.line_id, s.by) for s in plan.lines_skipped) == [
        ("X~1", "X", "content"), ("Y", "Y", "bank id")]
    # the account holds only the correction (a download that started after the first X, where it is "X"):
    # with "X", "X-2" the original would have been taken for it by bank id and silently skipped
    plan = sh.plan_import([held(imp("c", [X2]), "C")], new)
    assert [(ln.line_id, str(ln.amount)) for ln in plan.lines_to_add] == [("X~1", "1.00"), ("Y", "2.00")]
    assert [(s.line.line_id, s.held_line.line_id, s.by) for s in plan.lines_skipped] == [("X~2", "X", "content")]
    # the same whichever order the download lists them in
    plan = sh.plan_import([held(imp("c", [X2]), "C")], imp("b2", [X2, Y, X1]))
    assert [(ln.line_id, str(ln.amount)) for ln in plan.lines_to_add] == [("Y", "2.00"), ("X~2", "1.00")]


def test_the_lone_x_of_a_later_download_is_recognised_by_content_among_held_marked_lines(fmt_file):
    _, imp = fmt_file
    b = imp("b", [X1, Y, X2])
    later = imp("c", [X2, Z])  # starts after the first X: its only X is "X"
    plan = sh.plan_import([held(b, "B")], later)
    assert [(ln.line_id, str(ln.amount)) for ln in plan.lines_to_add] == [("Z", "4.00")]
    assert [(s.line.line_id, s.held_line.line_id, s.by) for s in plan.lines_skipped] == [("X", "X~2", "content")]


def test_re_importing_adds_nothing(fmt_file):
    _, imp = fmt_file
    a, b = imp("a", [X1, Y]), imp("b", [X1, Y, X2])
    first = sh.plan_import([held(a, "A")], b)
    holding = [held(a, "A"), held(b, "B", first.lines_to_add)]
    again = sh.plan_import(holding, imp("b_again", [X1, Y, X2]))
    assert again.lines_to_add == () and [sp.duplicate_ref for sp in again.statements] == ["B"]
    # a longer download of the same days, its lines compared with the held ones as read back (marked ids too,
    # and one renamed by the store because another reconciliation used it: "X~2-2")
    renamed = [ln if ln.line_id != "X~2" else BankLine("X~2-2", ln.date, ln.amount, ln.currency, ln.reference,
                                                       ln.description, ln.type, ln.check_number, ln.value_date)
               for ln in first.lines_to_add]
    holding = [held(a, "A"), held(b, "B", renamed)]
    longer = sh.plan_import(holding, imp("d", [X1, Y, X2, Z]))
    assert [(ln.line_id, str(ln.amount)) for ln in longer.lines_to_add] == [("Z", "4.00")]
    assert len(longer.lines_skipped) == 3


# ---- a real bank id that looks like the mark ------------------------------------------------------------------
def test_a_real_id_shaped_like_the_mark_is_kept_and_recognised_by_content_harmlessly(tmp_path):
    path = tmp_path / "a.ofx"
    path.write_text(_ofx([("INV~7", "1.00", "first", 5), Y]))
    a = import_file(path)
    assert [ln.line_id for ln in a.lines] == ["INV~7", "Y"] and not a.warnings
    holding = [held(a, "A")]
    # the same line again (in a longer download) is still recognised, by its content
    path.write_text(_ofx([("INV~7", "1.00", "first", 5), Y, Z]))
    plan = sh.plan_import(holding, import_file(path))
    assert [ln.line_id for ln in plan.lines_to_add] == ["Z"]
    assert [(s.line.line_id, s.by) for s in plan.lines_skipped] == [("INV~7", "content"), ("Y", "bank id")]
    # another transaction under that id is not taken for the held one
    path.write_text(_ofx([("INV~7", "9.00", "other", 5)]))
    plan = sh.plan_import(holding, import_file(path))
    assert [(ln.line_id, str(ln.amount)) for ln in plan.lines_to_add] == [("INV~7", "9.00")]


# ---- statements: the mark does not make the same statement look different --------------------------------------
def _line(line_id, amount, day=5):
    return BankLine(line_id, dt.date(2026, 1, day), Decimal(amount), "EUR", description="x")


def test_a_statement_has_one_fingerprint_whatever_else_its_file_repeats():
    alone = Statement("ACC", "EUR", Decimal(0), Decimal(3), (_line("X", "1"), _line("Y", "2")))
    in_bigger_file = Statement("ACC", "EUR", Decimal(0), Decimal(3), (_line("X~1", "1"), _line("Y", "2")))
    other = Statement("ACC", "EUR", Decimal(0), Decimal(3), (_line("X", "1"), _line("W", "2")))
    assert sh.statement_fingerprint(alone) == sh.statement_fingerprint(in_bigger_file)
    assert sh.statement_fingerprint(alone) != sh.statement_fingerprint(other)


def test_a_statement_repeated_in_one_file_is_imported_once(tmp_path):
    one = [("S1", "1.00", "a", 5), ("S2", "2.00", "b", 6)]
    blocks = [_mt940(one), _mt940(one)]
    path = tmp_path / "twice.sta"
    path.write_text("".join(blocks))
    result = import_file(path)
    assert [ln.line_id for ln in result.lines] == ["S1~1", "S2~1", "S1~2", "S2~2"]
    plan = sh.plan_import([], result)
    assert [ln.line_id for ln in plan.lines_to_add] == ["S1~1", "S2~1"]
    assert [sp.is_duplicate for sp in plan.statements] == [False, True]
