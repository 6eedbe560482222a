"""Every camt.052, camt.053 and camt.054 file of ../shared/corpus-wild imports with the values EXPECTED.json gives,
block by block, and with a finding exactly where the file's own figures do not add up (the files are read in place;
the camt.053 files of ../shared/corpus are held to theirs in test_import_camt053)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from wild_corpus import differences, expected, names

FORMATS = ("camt052", "camt053", "camt054")
CAMT = names(*FORMATS)


def _dec(value):
    return None if value is None else Decimal(value)


def test_the_corpus_holds_every_camt_message(wild):
    assert {expected()[name]["format"] for name in names(*FORMATS)} == set(FORMATS)


@pytest.mark.parametrize("name", CAMT)
def test_wild_file_gives_the_expected_figures(wild, name):
    assert differences(wild, name) == []
    exp = expected()[name]
    result = import_file(wild / name)
    assert result.format == exp["format"]
    assert len(result.statements) == exp["statements"]
    for st_, per in zip(result.statements, exp["per_statement"], strict=True):
        assert (st_.statement_id, st_.account) == (per["id"], per["account"])
        assert (st_.opening_balance, st_.closing_balance) == (_dec(per["opening"]), _dec(per["closing"]))
        assert (len(st_.transactions), st_.total) == (per["entries"], Decimal(per["sum"]))
    assert sorted({ln.currency for ln in result.lines}) == exp["currency"]


@pytest.mark.parametrize("name", CAMT)
def test_wild_file_has_a_finding_exactly_where_its_balances_do_not_add_up(wild, name):
    exp = expected()[name]
    result = import_file(wild / name)
    broken = exp["balance_chain"].startswith("broken")
    assert any(f.code == "balance_mismatch" for f in result.findings) == broken
    assert not any(f.code == "chain_break" for f in result.findings)
    # an entry in another currency than its account's: imported in its currency and told, never converted
    own = {st_.currency for st_ in result.statements}
    foreign = {dict(f.figures)["currency"]: Decimal(dict(f.figures)["total"]) for f in result.findings
               if f.code == "foreign_currency"}
    assert foreign == {c: Decimal(v) for c, v in exp.get("sum_by_currency", {}).items() if c not in own}
    if result.findings:
        with pytest.raises(BankFileError):
            import_file(wild / name, options=ImportOptions(strict=True))
