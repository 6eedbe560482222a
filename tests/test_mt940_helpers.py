"""MT940 helpers that exist for speed: each shortcut must give what the plain rule gives, and the import's
pause of the cycle collector must leave the collector as it found it."""
from __future__ import annotations

import gc
import re
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.mt940_text import LINE_WIDTH, join_lines, squeeze

# Whitespace of every kind (ASCII, Latin-1, Unicode spaces, line separators) among ordinary letters.
TEXT = st.text(alphabet=" \t\n\x0b\x0c\x1c\x85\xa0\u2003\u2028\u3000ab/;-é\x07", max_size=40)


def test_every_whitespace_character_but_the_space_is_unprintable():
    # squeeze() relies on this: printable text without "  " holds no run of two whitespace characters.
    odd = [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable() and c != 32]
    assert odd == []


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_squeeze_is_the_whitespace_run_rule(text):
    assert squeeze(text) == re.sub(r"\s{2,}", " ", text)


def test_squeeze_examples():
    assert squeeze("a  b\t\tc\u2003\u2003d") == "a b c d"
    assert squeeze("a\tb c") == "a\tb c"  # single whitespace characters stay as they are


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=5))
def test_short_lines_join_with_one_space(lines):
    # No line reaches the width, so no word was cut: non-blank pieces are joined by one space.
    lines = [ln[: LINE_WIDTH - 1] for ln in lines]
    expected = re.sub(r"\s{2,}", " ", " ".join(p.strip() for p in lines if p.strip())).strip()
    assert join_lines(lines) == expected


GOOD = ":20:A\n:25:NL81ASNB0000000001\n:60F:C260115EUR10,00\n:61:2601150115C1,50NTRF//B1\n:62F:C260115EUR11,50\n-\n"


@pytest.mark.parametrize("text, fails", [(GOOD, False), (GOOD.replace("C1,50NTRF", "C1,5,0NTRF"), True)])
@pytest.mark.parametrize("enabled", [True, False])
def test_the_import_leaves_the_cycle_collector_as_it_was(tmp_path, text, fails, enabled):
    path = tmp_path / "s.sta"
    path.write_text(text)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        if fails:
            with pytest.raises(BankFileError, match="one decimal comma"):
                import_file(path)
        else:
            assert [ln.amount for ln in import_file(path).statements[0].lines] == [Decimal("1.50")]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
