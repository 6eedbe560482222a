"""The .xlam's binary pieces, read back with independent readers: oletools' MS-OVBA decompressor and VBA project
parser, olefile's compound-file reader."""
from __future__ import annotations

import io
import random
import struct
import sys
import warnings
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings, strategies as st

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names that pyparsing 3 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Project, decompress_stream

REPO = Path(__file__).resolve().parents[1]

from tieout.ribbon import cfb_writer
from tieout.ribbon.cfb_writer import write_compound_file
from tieout.ribbon.ovba_compression import compress
from tieout.ribbon.vba_project import build_vba_project, encrypt, project_id_for
from tieout.ribbon.vba_source import (
    CLASS_BASE, WORKBOOK_BASE, VbaModule, class_module, document_module, standard_module, stored_bytes)
from tieout.server.errors import InputError

VBA_LIKE = st.text(alphabet="Dim As Long String If Then End Sub ( ) = & \" ' _ . , 0123456789\r\n\t", max_size=20000)


def _decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


# --- MS-OVBA compression -------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3600))
def test_compression_round_trips_any_short_input(data):
    assert _decompress(compress(data)) == data


@settings(max_examples=60, deadline=None)
@given(VBA_LIKE.map(lambda s: s.encode("cp1252")))
def test_compression_round_trips_source_like_text_over_many_chunks(data):
    packed = compress(data)
    assert _decompress(packed) == data
    if len(data) > 2000:
        assert len(packed) < len(data)


def test_incompressible_full_chunks_are_stored_raw_and_round_trip():
    data = random.Random(7).randbytes(4096 * 3)
    packed = compress(data)
    assert _decompress(packed) == data
    assert struct.unpack_from("<H", packed, 1)[0] & 0x8000 == 0  # first chunk flagged uncompressed


def test_an_incompressible_short_final_chunk_is_refused_not_padded():
    with pytest.raises(ValueError, match="final chunk of 4000 incompressible bytes"):
        compress(random.Random(3).randbytes(4096 + 4000))


def test_compressing_a_long_module_shrinks_it():
    source = stored_bytes(standard_module('Attribute VB_Name = "M"\n' + "Dim x As Long\n" * 2000, "m.bas"))
    packed = compress(source)
    assert _decompress(packed) == source
    assert len(packed) * 10 < len(source)


# --- compound file --------------------------------------------------------------------------------------------

_NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=31)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(_NAMES, st.sampled_from([0, 1, 63, 64, 65, 4095, 4096, 4097, 9000]), min_size=1,
                       max_size=30).filter(lambda d: len({k.upper() for k in d}) == len(d)))
def test_compound_file_round_trips_through_olefile(sizes):
    rng = random.Random(len(sizes))
    streams = {f"VBA/{name}": rng.randbytes(size) for name, size in sizes.items()}
    streams["PROJECT"] = b"ID=\"{x}\"\r\n"
    ole = olefile.OleFileIO(io.BytesIO(write_compound_file(streams)), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.parsing_issues == []
    listed = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    assert listed == set(streams)
    for path, data in streams.items():
        assert ole.get_size(path) == len(data)
        assert ole.openstream(path).read() == data


def test_small_streams_live_in_the_mini_stream_and_large_ones_do_not():
    data = write_compound_file({"small": b"s" * 4095, "large": b"L" * 4096})
    ole = olefile.OleFileIO(io.BytesIO(data))
    entries = {e.name: e for e in ole.direntries if e is not None}
    assert entries["small"].size == 4095 and entries["large"].size == 4096
    # olefile tells them apart by the 4096-byte cutoff in the header; the bytes must come back either way
    assert ole.minisectorcutoff == 4096
    assert ole.openstream("small").read() == b"s" * 4095 and ole.openstream("large").read() == b"L" * 4096
    assert len(data) % 512 == 0


@given(st.integers(min_value=1, max_value=300))
def test_directory_siblings_form_a_valid_red_black_search_tree(n):
    children = [cfb_writer._Entry(f"S{i:03d}", cfb_writer._STREAM, sid=i) for i in range(n)]
    by_sid = {c.sid: c for c in children}
    root = cfb_writer._link_tree(children)

    def check(sid, low, parent_red):
        """Returns the black height; asserts ordering and no red node with a red parent."""
        if sid == cfb_writer.NOSTREAM:
            return 1
        node = by_sid[sid]
        key = cfb_writer._sort_key(node.name)
        assert low is None or low < key
        red = node.color == cfb_writer._RED
        assert not (red and parent_red)
        left = check(node.left, low, red)
        right = check(node.right, key, red)
        assert left == right
        return left + (0 if red else 1)

    assert by_sid[root].color == cfb_writer._BLACK
    check(root, None, False)
    seen, stack = [], [root]
    while stack:
        sid = stack.pop()
        if sid != cfb_writer.NOSTREAM:
            seen.append(sid)
            stack += [by_sid[sid].left, by_sid[sid].right]
    assert sorted(seen) == list(range(n))


def test_compound_file_rejects_bad_names():
    with pytest.raises(ValueError, match="1-31 characters"):
        write_compound_file({"VBA/" + "x" * 32: b""})
    with pytest.raises(ValueError, match="duplicate entry names"):
        write_compound_file({"VBA/abc": b"1", "VBA/ABC": b"2"})


# --- module sources -------------------------------------------------------------------------------------------

def test_class_file_loses_its_export_header_and_gains_the_stored_attributes():
    cls = ("VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\nAttribute VB_Name = \"Thing\"\r\n"
           "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
           "Attribute VB_PredeclaredId = False\r\nAttribute VB_Exposed = True\r\nOption Explicit\r\n")
    module = class_module(cls, "Thing.cls")
    assert (module.name, module.kind) == ("Thing", "class")
    assert module.code.split("\n") == [
        'Attribute VB_Name = "Thing"', f'Attribute VB_Base = "{CLASS_BASE}"', "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = False", "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False", "Option Explicit", ""]


@pytest.mark.parametrize("source, problem", [
    ("Option Explicit\nAttribute VB_Name = \"Late\"\n", "line 1, field 'VB_Name'"),
    ('Attribute VB_Name = "Has Space"\n', "line 1, field 'VB_Name'"),
])
def test_bas_file_must_start_with_its_name(source, problem):
    with pytest.raises(InputError, match=f"m.bas: {problem}"):
        standard_module(source, "m.bas")


def test_source_outside_the_code_page_is_refused_with_its_line():
    module = VbaModule("M", "module", 'Attribute VB_Name = "M"\nOption Explicit\n\' r\u00e9sum\u00e9 \u2713\n')
    with pytest.raises(InputError, match=r"VBA module M: line 3: character '\u2713' cannot be stored"):
        stored_bytes(module)


def test_stored_source_has_crlf_line_endings():
    module = standard_module('Attribute VB_Name = "M"\nSub A()\r\nEnd Sub', "m.bas")
    assert stored_bytes(module) == b'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n'


# --- PROJECT protection fields --------------------------------------------------------------------------------

def _decrypt(blob: bytes) -> tuple[int, int, bytes]:
    """[MS-OVBA] 2.4.3.3 Data Decryption, written from the spec for this test. Returns (version, key, data)."""
    seed, version_enc, key_enc = blob[0], blob[1], blob[2]
    unenc_1, enc_1, enc_2 = key_enc ^ seed, key_enc, version_enc
    out, pos = [], 3
    for _ in range((seed & 6) // 2 + 4):
        enc = blob[pos]
        byte = enc ^ ((enc_2 + unenc_1) & 0xFF)
        out.append(byte)
        enc_2, enc_1, unenc_1 = enc_1, enc, byte
        pos += 1
    length = int.from_bytes(bytes(out[-4:]), "little")
    data = []
    for _ in range(length):
        enc = blob[pos]
        byte = enc ^ ((enc_2 + unenc_1) & 0xFF)
        data.append(byte)
        enc_2, enc_1, unenc_1 = enc_1, enc, byte
        pos += 1
    assert pos == len(blob)
    return version_enc ^ seed, key_enc ^ seed, bytes(data)


def test_decryption_helper_reads_a_cmg_written_by_excel():
    # PROJECT stream of xlwings' quickstart add-in (saved by Excel): an unprotected project.
    version, key, data = _decrypt(bytes.fromhex("5D5F8AADDAA8DEA8DEA8DEA8DE"))
    assert (version, key, data) == (2, sum(map(ord, "{318BEE36-5BE1-492A-826D-473DB19B0F30}")) & 0xFF,
                                    b"\x00\x00\x00\x00")


@pytest.mark.parametrize("data", [b"\x00\x00\x00\x00", b"\x00", b"\xff"])
@pytest.mark.parametrize("seed", [0x00, 0x02, 0x47, 0xFE])
def test_encrypt_round_trips_through_the_spec_decryption(data, seed):
    pid = project_id_for("TieoutAddin")
    assert _decrypt(encrypt(pid, data, seed)) == (2, sum(map(ord, pid)) & 0xFF, data)


# --- the whole VBA project ------------------------------------------------------------------------------------

def _project(modules):
    data = build_vba_project("TestProject", modules)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())  # a generator: yields each module as it parses it
    return ole, project


def test_vba_project_parses_strictly_and_holds_source_only():
    modules = [document_module("ThisWorkbook", WORKBOOK_BASE),
               standard_module('Attribute VB_Name = "Alpha"\nSub A()\nEnd Sub\n', "a.bas"),
               standard_module('Attribute VB_Name = "Beta"\n' + "' filler\n" * 900, "b.bas")]
    ole, project = _project(modules)
    assert (project.projectname, project.codepage) == ("TestProject", 1252)
    assert [(m.name, m.textoffset) for m in project.modules] == [("ThisWorkbook", 0), ("Alpha", 0), ("Beta", 0)]
    for module, parsed in zip(modules, project.modules):
        assert parsed.code.replace("\r\n", "\n") == module.code
    assert project.module_ext == {"thisworkbook": "cls", "alpha": "bas", "beta": "bas"}
    raw = ole.openstream("VBA/_VBA_PROJECT").read()
    assert raw == struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 3)  # no performance cache: Excel compiles on open
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.startswith(f'ID="{project_id_for("TestProject")}"\r\nDocument=ThisWorkbook/&H00000000\r\n'
                           "Module=Alpha\r\nModule=Beta\r\nName=\"TestProject\"\r\n")
    fields = dict(line.split("=", 1) for line in text.split("\r\n") if line[:3] in ("CMG", "DPB", "GC="))
    pid = project_id_for("TestProject")
    assert _decrypt(bytes.fromhex(fields["CMG"].strip('"')))[2] == b"\x00\x00\x00\x00"  # not protected
    assert _decrypt(bytes.fromhex(fields["DPB"].strip('"')))[2] == b"\x00"  # no password
    assert _decrypt(bytes.fromhex(fields["GC"].strip('"')))[2] == b"\xff"  # visible
    assert all(_decrypt(bytes.fromhex(v.strip('"')))[1] == sum(map(ord, pid)) & 0xFF for v in fields.values())


def test_vba_project_is_reproducible():
    modules = [standard_module('Attribute VB_Name = "Alpha"\nSub A()\nEnd Sub\n', "a.bas")]
    assert build_vba_project("P", modules) == build_vba_project("P", modules)


def test_vba_project_refuses_name_clashes():
    alpha = standard_module('Attribute VB_Name = "Alpha"\n', "a.bas")
    with pytest.raises(ValueError, match="must differ from every module name"):
        build_vba_project("alpha", [alpha])
    with pytest.raises(ValueError, match="module names must be unique"):
        build_vba_project("P", [alpha, standard_module('Attribute VB_Name = "ALPHA"\n', "b.bas")])
