"""Seeded mutation fuzz of every text format (issue 13, part 9): a few hundred mutated files per format per run,
the same ones every run (fixed seed), must each import or be refused with BankFileError: never another exception.

The mutations are what broke importers before: bytes changed, spans deleted or repeated, files cut short, runs of
digits thousands long (amounts, counts) and runs of one markup character ("<", ",", "/", ":", quotes, line ends).
Workbooks (.xlsx/.xls) are not mutated here: a reader abort there is the sandbox's to contain (part 1)."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file

from hostile_files import FORMATS

SEED = 20261207
MUTANTS = 200  # per format per run
_MARKUP = b"<>,/:;'\"&^\n\r\t-+.0"


def _mutate(data: bytes, rnd: random.Random) -> bytes:
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randrange(len(data) + 1)
        kind = rnd.randrange(6)
        if kind == 0:
            data = data[:at] + bytes([rnd.randrange(256)]) + data[at + 1:]
        elif kind == 1:
            data = data[:at] + data[at + rnd.randint(1, 40):]
        elif kind == 2:
            span = data[at:at + rnd.randint(1, 200)]
            data = data[:at] + span * rnd.randint(2, 50) + data[at:]
        elif kind == 3:
            data = data[:max(at, 1)]
        elif kind == 4:
            data = data[:at] + b"9" * rnd.choice((20, 65, 4_400, 5_000)) + data[at:]
        else:
            data = data[:at] + bytes([rnd.choice(_MARKUP)]) * rnd.randint(1, 3_000) + data[at:]
    return data


@pytest.mark.parametrize("name", FORMATS)
def test_mutated_files_import_or_are_refused_cleanly(tmp_path, name):
    suffix, text = FORMATS[name](Decimal("1234.56"))
    seed_bytes = text.encode("utf-8")
    rnd = random.Random(f"{SEED}-{name}")
    outcomes = {"imported": 0, "refused": 0}
    for i in range(MUTANTS):
        path = tmp_path / f"m{i}.{suffix}"
        path.write_bytes(_mutate(seed_bytes, rnd))
        try:
            import_file(path)
        except BankFileError:
            outcomes["refused"] += 1
        except Exception as exc:  # noqa: BLE001 - the point: anything else is a bug, shown with its file
            pytest.fail(f"mutant {i} of {name} raised {type(exc).__name__}: {str(exc)[:300]}\n"
                        f"file: {path.read_bytes()[:600]!r}")
        else:
            outcomes["imported"] += 1
    # the mutations neither all miss (the fuzz would test nothing) nor all break the file (nothing imported)
    assert outcomes["imported"] and outcomes["refused"], outcomes
