"""Checks the compound file (OLE2) holding a BIFF .xls before python-calamine reads it.

calamine follows a stream's sector chain until it reaches the end-of-chain mark; a chain that points back into
itself (a damaged or crafted file: 95 of 1,000 mutated .xls in issue 13) makes it grow memory without end and
then abort the process. Here every chain the reader will follow (the FAT's own list, the directory, the mini
FAT, each stream) is walked once with the sectors seen so far, so a loop, a sector outside the file or a chain
shorter than its stream is refused with a message naming it. Written here rather than taken from olefile: that
library reads such files without complaint (it stops after as many sectors as the FAT has), so it cannot say
whether calamine will loop; the walk needs only the header fields below (MS-CFB 2.2, 2.6).
"""
from __future__ import annotations

import struct
from array import array

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_END, _FREE, _LAST_REGULAR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFA
_HEADER = 512


class CompoundFileError(ValueError):
    pass


def _entries(blob: bytes) -> array:
    words = array("I")
    words.frombytes(blob[: len(blob) // 4 * 4])
    if words.itemsize != 4:  # pragma: no cover - every platform Tieout runs on has a 4-byte "I"
        raise RuntimeError("array('I') is not 32-bit here")
    if struct.pack("=I", 1) != struct.pack("<I", 1):  # pragma: no cover - big-endian machines
        words.byteswap()
    return words


def _chain(table, start: int, limit: int, what: str) -> list[int]:
    """The sectors of one chain, refusing a loop, a sector beyond `limit` and a chain that ends in a free mark."""
    seen: list[int] = []
    visited: set[int] = set()
    sector = start
    while sector != _END:
        if sector >= limit or sector >= len(table):
            raise CompoundFileError(f"the {what}'s sector chain points outside the file (sector {sector})")
        if sector in visited:
            raise CompoundFileError(f"the {what}'s sector chain loops (back to sector {sector})")
        visited.add(sector)
        seen.append(sector)
        sector = table[sector]
    return seen


def check(data: bytes) -> None:
    """Raise CompoundFileError when a chain of this compound file loops, leaves the file or is too short."""
    if len(data) < _HEADER or not data.startswith(SIGNATURE):
        raise CompoundFileError("not a compound file (no OLE2 signature)")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise CompoundFileError(f"sector size 2^{shift} / mini sector size 2^{mini_shift} is not a valid one")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    cutoff, first_mini_fat, _n_mini, first_difat, n_difat = struct.unpack_from("<IIIII", data, 56)
    sectors = (len(data) - _HEADER + size - 1) // size
    sector = lambda n: data[_HEADER + n * size: _HEADER + (n + 1) * size]  # noqa: E731
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _LAST_REGULAR]
    visited, difat = set(), first_difat
    while difat < _LAST_REGULAR and len(visited) <= n_difat:
        if difat in visited or difat >= sectors:
            raise CompoundFileError("the FAT's sector list (DIFAT) loops or points outside the file")
        visited.add(difat)
        words = _entries(sector(difat))
        fat_sectors += [s for s in words[:-1] if s < _LAST_REGULAR]
        difat = words[-1]
    if len(fat_sectors) > max(n_fat, 1) or any(s >= sectors for s in fat_sectors):
        raise CompoundFileError("the FAT's sector list names more sectors than the file has")
    fat = _entries(b"".join(sector(s) for s in fat_sectors))
    directory = b"".join(sector(s) for s in _chain(fat, first_dir, sectors, "directory"))
    mini_fat = _entries(b"".join(sector(s) for s in _chain(fat, first_mini_fat, sectors, "mini FAT")))
    mini_limit = 0
    for at in range(0, len(directory) - 127, 128):
        kind = directory[at + 66]
        start, length = struct.unpack_from("<II", directory, at + 116)
        if kind == 5:  # the root entry: its stream holds the mini sectors
            mini_limit = len(_chain(fat, start, sectors, "mini stream")) * size // 64
        elif kind == 2 and length >= cutoff:
            _enough(_chain(fat, start, sectors, "stream"), length, size)
    for at in range(0, len(directory) - 127, 128):
        start, length = struct.unpack_from("<II", directory, at + 116)
        if directory[at + 66] == 2 and 0 < length < cutoff:
            _enough(_chain(mini_fat, start, mini_limit, "mini stream"), length, 64)


def _enough(chain: list[int], length: int, size: int) -> None:
    if len(chain) * size < length:
        raise CompoundFileError(f"a stream of {length:,} bytes has only {len(chain)} sectors of {size}")
