"""MS-OVBA compression (the LZ77 variant of [MS-OVBA] 2.4.1) for the module source and the dir stream.

Written here because the one PyPI package for it (ms-ovba-compression 1.0.1) does not round-trip real VBA
source: its output for xlwings' own module decompresses to different text (and its own decompressor fails on
it). oletools, which the tests use to read our output back, only decompresses. The format is small and fully
specified; this is a direct implementation with a hash chain so that a 50 KB module compresses in well under a
second.
"""
from __future__ import annotations

CHUNK = 4096  # decompressed bytes per chunk
_SIGNATURE = 0x01
_MAX_CANDIDATES = 256  # positions tried per match search; bounds the time on very repetitive input


def _copy_token_help(difference: int) -> tuple[int, int]:
    """Bit count of the offset part and the maximum copy length at `difference` bytes into the chunk (2.4.1.3.19.1)."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    """One CompressedChunk (header + token sequences), or a raw chunk when compression would not fit (2.4.1.3.7)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> positions in the chunk where it starts, oldest first
    pos, end = 0, len(chunk)
    indexed = 0  # positions below this are in `heads`

    def remember(upto: int) -> None:
        nonlocal indexed
        while indexed < upto:
            if indexed + 3 <= end:
                heads.setdefault(chunk[indexed:indexed + 3], []).append(indexed)
            indexed += 1

    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len = best_off = 0
            if pos + 3 <= end:
                bit_count, max_len = _copy_token_help(pos)
                limit = min(max_len, end - pos)
                for cand in reversed(heads.get(chunk[pos:pos + 3], ())[-_MAX_CANDIDATES:]):
                    length = 3
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                remember(pos + best_len)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos + 1)
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK:  # incompressible: a raw chunk, which always holds exactly 4096 bytes
        if end < CHUNK:
            # Padding a short final chunk would add NUL bytes to the decompressed text; VBA source never gets here.
            raise ValueError(f"a final chunk of {end} incompressible bytes cannot be stored exactly")
        return (0x3000 | (CHUNK - 1)).to_bytes(2, "little") + chunk
    header = 0x8000 | 0x3000 | (len(out) + 2 - 3)
    return header.to_bytes(2, "little") + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer holding `data` (2.4.1.1.1): signature byte, then one chunk per 4096 bytes."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)
