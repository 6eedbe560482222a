"""Seeded attack on the .xlsx guard: sheets with random far references in random spellings (quotes, spaces,
missing r, case, long rows and columns, empty cells). Property: each is refused by the guard or read by
calamine; never does the reader die (in the sandbox, that would be "could not be read safely")."""
from __future__ import annotations

import random
import string

import pytest

from sandbox_files import xlsx_with_sheet_data
from tieout.server import sandbox
from tieout.server.errors import BankFileError
from tieout.server.importers.base import ImportOptions

SEED, CASES = 1313, 40


def _ref(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_letters[26:] if rng.random() < .8 else string.ascii_letters)
                      for _ in range(rng.choice((1, 1, 2, 3, 3, 4))))
    digits = str(rng.choice((rng.randint(1, 99), rng.randint(1, 1_048_576), rng.randint(1, 10 ** rng.randint(1, 30)))))
    return letters + digits


def _attr(rng: random.Random, name: str, value: str) -> str:
    quote = rng.choice("\"'")
    return f" {name}{rng.choice(('=', ' = ', '= ', ' ='))}{quote}{value}{quote}"


def _sheet(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 4)):
        row = _attr(rng, "r", str(rng.choice((rng.randint(2, 50), rng.randint(2, 1_048_576))))) \
            if rng.random() < .6 else ""
        cells = []
        for _ in range(rng.choice((1, 2, 3, rng.randint(1, 3000)))):
            r = _attr(rng, "r", _ref(rng)) if rng.random() < .3 else ""
            cells.append(f"<c{r}><v>1</v></c>" if rng.random() < .8 else f"<c{r}/>")
        out.append(f"<row{row}>{''.join(cells)}</row>")
    return "".join(out)


@pytest.mark.parametrize("case", range(CASES))
def test_no_crafted_sheet_kills_the_reader(tmp_path, case):
    rng = random.Random(SEED * 1000 + case)
    path = xlsx_with_sheet_data(tmp_path / f"attack{case}.xlsx", _sheet(rng))
    try:
        sandbox.import_file(path, "xlsx", ImportOptions(currency="USD"))
    except BankFileError as exc:
        assert "could not be read safely" not in str(exc), str(exc)
