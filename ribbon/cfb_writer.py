"""Writes a new compound file ([MS-CFB] version 3, 512-byte sectors) from a mapping of stream paths to bytes.

Written here because no PyPI package fits: olefile only rewrites streams of an existing file in place, ms-cfb
(0.0.x) writes scratch files into the working directory while it builds, and cfbwrite is AGPL-3.0. The subset
needed for vbaProject.bin is small: storages and streams, the mini stream for streams under 4096 bytes, one FAT
(up to 109 FAT sectors, about 7 MB, far more than a VBA project needs) and the directory's red-black trees.
Output is deterministic: no timestamps, no random CLSIDs, entries in a fixed order.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # streams smaller than this live in the mini stream
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109
_RED, _BLACK = 0, 1
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list["_Entry"] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: shorter names first, then by upper-cased name."""
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _check_name(name: str, path: str) -> None:
    if not name or len(name.encode("utf-16-le")) // 2 > 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"compound file entry name {name!r} in {path!r}: 1-31 characters, none of / \\ : !")


def _link_tree(children: list[_Entry]) -> int:
    """Links siblings into a balanced binary search tree and colours it as a valid red-black tree.

    Median splitting leaves every empty child slot on the last two levels, so colouring the nodes of the deepest
    level red (when that level is not full) gives every root-to-leaf path the same number of black nodes.
    Returns the root's stream id (NOSTREAM when there are no children)."""
    ordered = sorted(children, key=lambda e: _sort_key(e.name))
    keys = [_sort_key(e.name) for e in ordered]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate entry names (names compare case-insensitively): {[e.name for e in ordered]}")
    depth: dict[int, int] = {}

    def build(lo: int, hi: int, level: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth[mid] = level
        node.left = build(lo, mid, level + 1)
        node.right = build(mid + 1, hi, level + 1)
        return node.sid

    root = build(0, len(ordered), 0)
    if ordered:
        deepest = max(depth.values())
        full = len(ordered) == 2 ** (deepest + 1) - 1
        for i, node in enumerate(ordered):
            node.color = _RED if (not full and depth[i] == deepest) else _BLACK
    return root


def _tree(streams: dict[str, bytes]) -> tuple[_Entry, list[_Entry]]:
    root = _Entry("Root Entry", _ROOT)
    storages: dict[str, _Entry] = {"": root}
    for path in sorted(streams):
        parts = path.split("/")
        for name in parts:
            _check_name(name, path)
        parent = root
        for i, name in enumerate(parts[:-1]):
            key = "/".join(parts[: i + 1])
            if key not in storages:
                storages[key] = _Entry(name, _STORAGE)
                parent.children.append(storages[key])
            parent = storages[key]
            if parent.kind != _STORAGE:
                raise ValueError(f"{key!r} is both a stream and a storage")
        if path in storages:
            raise ValueError(f"{path!r} is both a stream and a storage")
        parent.children.append(_Entry(parts[-1], _STREAM, data=bytes(streams[path])))
    # Stream ids: breadth-first from the root, children in tree order; then link each storage's children.
    entries, queue = [], [root]
    while queue:
        entry = queue.pop(0)
        entry.sid = len(entries)
        entries.append(entry)
        queue.extend(sorted(entry.children, key=lambda e: _sort_key(e.name)))
    for entry in entries:
        if entry.kind in (_STORAGE, _ROOT):
            entry.child = _link_tree(entry.children)
    return root, entries


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else ENDOFCHAIN


def _sectors_for(nbytes: int, size: int = SECTOR) -> int:
    return -(-nbytes // size)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, e.color, e.left, e.right, e.child,
                       b"\x00" * 16, 0, 0, 0, e.start, e.size)


_EMPTY_ENTRY = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16,
                           0, 0, 0, 0, 0)


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """Builds the file. Keys are stream paths with '/' between storages, e.g. 'VBA/dir'; storages are implied."""
    if not streams:
        raise ValueError("a compound file needs at least one stream")
    root, entries = _tree(streams)
    stream_entries = [e for e in entries if e.kind == _STREAM]

    # Mini stream: small streams, each rounded up to whole 64-byte mini sectors.
    mini_data, minifat = bytearray(), []
    for e in stream_entries:
        e.size = len(e.data)
        if 0 < e.size < MINI_CUTOFF:
            n = _sectors_for(e.size, MINI_SECTOR)
            e.start = len(minifat)
            minifat.extend([0] * n)
            _chain(minifat, e.start, n)
            mini_data += e.data.ljust(n * MINI_SECTOR, b"\x00")
    big = [e for e in stream_entries if e.size >= MINI_CUTOFF]

    n_dir = _sectors_for(len(entries) * 128)
    n_minifat = _sectors_for(len(minifat) * 4)
    n_mini = _sectors_for(len(mini_data))
    n_big = [_sectors_for(e.size) for e in big]
    others = n_dir + n_minifat + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + others:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for a header-only FAT (over about 7 MB)")

    # Sector layout: FAT, directory, mini FAT, mini stream, then each big stream.
    fat = [FREESECT] * (n_fat * SECTOR // 4)
    for i in range(n_fat):
        fat[i] = FATSECT
    cursor = n_fat
    dir_start = cursor
    _chain(fat, cursor, n_dir)
    cursor += n_dir
    minifat_start = cursor if n_minifat else ENDOFCHAIN
    _chain(fat, cursor, n_minifat)
    cursor += n_minifat
    root.start, root.size = (cursor, len(mini_data)) if n_mini else (ENDOFCHAIN, 0)
    _chain(fat, cursor, n_mini)
    cursor += n_mini
    for e, n in zip(big, n_big):
        e.start = cursor
        _chain(fat, cursor, n)
        cursor += n

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\x00" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
        0,  # number of directory sectors: always 0 in version 3
        n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start, n_minifat,
        ENDOFCHAIN, 0,  # no DIFAT sectors
    )
    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    out = bytearray(header + struct.pack(f"<{_HEADER_DIFAT}I", *difat))
    assert len(out) == SECTOR

    def pad(data: bytes | bytearray, n: int) -> bytes:
        return bytes(data).ljust(n * SECTOR, b"\x00")

    out += struct.pack(f"<{len(fat)}I", *fat)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _EMPTY_ENTRY * (n_dir * 4 - len(entries))
    out += directory
    out += pad(struct.pack(f"<{len(minifat)}I", *minifat) + b"\xff\xff\xff\xff" * (n_minifat * 128 - len(minifat)),
               n_minifat)
    out += pad(mini_data, n_mini)
    for e, n in zip(big, n_big):
        out += pad(e.data, n)
    return bytes(out)
