"""Generators of SWIFT MT940/MT942 text for the tests (the statements the tests write and read back)."""
from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import strategies as st

from tieout.server.errors import BankFileError
from tieout.server.importers import import_file


def amount_text(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def balance(tag: str, value: Decimal, date: str = "260115", currency: str = "EUR") -> str:
    return f":{tag}:{'D' if value < 0 else 'C'}{date}{currency}{amount_text(value)}"


SIGN = {"C": 1, "D": -1, "RC": -1, "RD": 1}


def statement(ref: str, opening: Decimal, entries: list[tuple[str, Decimal, list[str]]], *, number: str = "1/1",
              account: str = "NL81ASNB0000000001", date: str = "260115", currency: str = "EUR",
              closing: bool = True, funds: str = "") -> list[str]:
    """entries: (mark, unsigned amount, lines after the :61: line, e.g. supplementary details and :86:)."""
    out = [f":20:{ref}", f":25:{account}", f":28C:{number}", balance("60F", opening, date, currency)]
    total = opening
    for i, (mark, value, extra) in enumerate(entries, start=1):
        out.append(f":61:{date}{date[2:]}{mark}{funds}{amount_text(value)}NTRF{ref}-{i}//BR{ref}{i}")
        out += extra
        total += SIGN[mark] * value
    if closing:
        out.append(balance("62F", total, date, currency))
    return out


def text_of(*statements: list[str]) -> str:
    return "\n".join(line for s in statements for line in s) + "\n"


def write(tmp_path: Path, text: str | bytes, name: str = "statement.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def report(ref: str, entries: list[tuple[str, Decimal, list[str]]], *, account: str = "PL89106000760000321000006053",
           currency: str = "PLN", date: str = "260115", totals: dict | None = None, count: bool = True,
           sep: str = "\n") -> str:
    """An MT942 interim report: :34F: floor limit, :13D: time, entries, then :90D:/:90C: with the number and sum of
    the debit and credit entries (computed unless `totals` gives {"D": (count, amount), "C": ...})."""
    out = [f":20:{ref}", f":25:{account}", ":28C:00001/001", f":34F:{currency}0,", f":13D:{date}0744+0200"]
    sums = {"D": [0, Decimal(0)], "C": [0, Decimal(0)]}
    for i, (mark, value, extra) in enumerate(entries, start=1):
        out.append(f":61:{date}{date[2:]}{mark}{amount_text(value)}NTRF{ref}-{i}//BR{ref}{i}")
        out += extra
        side = sums["D" if SIGN[mark] < 0 else "C"]
        side[0] += 1
        side[1] += value
    for side, (n, total) in (totals or sums).items():
        out.append(f":90{side}:{n if count else ''}{currency}{amount_text(Decimal(total))}")
    return sep.join(out) + sep


# One :61: entry for property tests: mark, unsigned amount, and at most one :86: of awkward text.
ENTRY = st.tuples(st.sampled_from(["C", "D", "RC", "RD"]), st.integers(0, 10**11).map(lambda c: Decimal(c).scaleb(-2)),
                  st.lists(st.text(alphabet="abc ĄłŚ/?0:", max_size=30).map(lambda s: ":86:" + s), max_size=1))


def mutated(data, text: bytes, inserts: list[bytes], replacements: bytes, max_insert: int = 6) -> bytes:
    """`text` after 1 to 4 random deletions, insertions (of `inserts` or up to `max_insert` random bytes), replaced
    bytes or a cut. Shared by the line formats' fuzz tests (MT940, MT942, BAI2)."""
    out = bytearray(text)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["delete", "insert", "replace", "cut"]))
        at = data.draw(st.integers(0, len(out)))
        if op == "delete":
            del out[at:at + data.draw(st.integers(1, 8))]
        elif op == "insert":
            out[at:at] = data.draw(st.binary(max_size=max_insert) | st.sampled_from(inserts))
        elif op == "replace" and at < len(out):
            out[at] = data.draw(st.sampled_from(replacements))
        else:
            del out[at:]
    return bytes(out)


def import_or_bank_error(data: bytes, fmt: str) -> None:
    """Import `data` as `fmt`: it may succeed or fail with BankFileError, nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.sta"
        path.write_bytes(data)
        try:
            import_file(path, fmt)
        except BankFileError:
            pass
