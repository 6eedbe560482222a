"""Builds xl/vbaProject.bin from module sources: source only, no compiled code.

The streams follow [MS-OVBA]: `PROJECT` (text properties), `PROJECTwm` (module name map), `VBA/dir` (compressed
project and module records), `VBA/_VBA_PROJECT` (version 0xFFFF: no performance cache, so Excel compiles the
source when it opens the add-in and there is no compiled code that could disagree with it, the "VBA stomping"
olevba warns about), and one `VBA/<module>` stream per module holding its compressed source at offset 0.

Written here rather than with ms-ovba 0.0.1 (the PyPI package for this): that version writes its intermediate
files into the working directory and next to the sources, appends to them on every run (a second build doubles
each module's source), and draws CMG/DPB/GC from `random`, so builds are neither clean nor reproducible.
"""
from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

from .cfb_writer import write_compound_file
from .ovba_compression import compress
from .vba_source import CODEPAGE, ENCODING, VbaModule, stored_bytes


@dataclass(frozen=True)
class Reference:
    """A registered type library the code uses ([MS-OVBA] 2.3.4.2.2.5). Excel finds it by GUID and version; the
    path in the LibId is only a hint, so the same reference resolves on every Windows and Mac install."""

    name: str
    libid: str


STDOLE = Reference("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
                             r"C:\Windows\System32\stdole2.tlb#OLE Automation")
# IRibbonControl, the type of the ribbon callback's argument, is defined in the Office library.
OFFICE = Reference("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
                             r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
                             r"#Microsoft Office 16.0 Object Library")

_SYSKIND_WIN32 = 0x00000001  # the kind Excel records; with no compiled code it only matters as a label
_LCID = 0x00000409
_VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0003)  # version 0xFFFF: no performance cache
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_MODULE_TYPE = {"module": 0x0021, "class": 0x0022, "document": 0x0022}
_PROJECT_KEY = {"module": "Module", "class": "Class", "document": "Document"}


def _mbcs(text: str) -> bytes:
    return text.encode(ENCODING)


def _record(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_records(rec_id: int, unicode_id: int, text: str) -> bytes:
    """A string record followed by its Unicode twin (docstrings, names, constants)."""
    return _record(rec_id, _mbcs(text)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: list[VbaModule], references: list[Reference]) -> bytes:
    """The uncompressed dir stream ([MS-OVBA] 2.3.4.2)."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", _SYSKIND_WIN32))
    out += _record(0x0002, struct.pack("<I", _LCID))
    out += _record(0x0014, struct.pack("<I", _LCID))
    out += _record(0x0003, struct.pack("<H", CODEPAGE))
    out += _record(0x0004, _mbcs(project_name))
    out += _text_records(0x0005, 0x0040, "")  # docstring
    out += _record(0x0006, b"") + _record(0x003D, b"")  # help file (twice, both MBCS)
    out += _record(0x0007, struct.pack("<I", 0))  # help context
    out += _record(0x0008, struct.pack("<I", 0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # version 1.0 (the record's size field is always 4)
    out += _text_records(0x000C, 0x003C, "")  # conditional compilation constants
    for ref in references:
        out += _text_records(0x0016, 0x003E, ref.name)
        libid = _mbcs(ref.libid)
        out += struct.pack("<HII", 0x000D, 4 + len(libid) + 6, len(libid)) + libid + struct.pack("<IH", 0, 0)
    out += struct.pack("<HIH", 0x000F, 2, len(modules))
    out += struct.pack("<HIH", 0x0013, 2, 0xFFFF)  # project cookie
    for m in modules:
        out += _text_records(0x0019, 0x0047, m.name)
        out += _text_records(0x001A, 0x0032, m.name)  # stream name = module name
        out += _text_records(0x001C, 0x0048, "")  # docstring
        out += _record(0x0031, struct.pack("<I", 0))  # source starts at offset 0: no compiled code before it
        out += _record(0x001E, struct.pack("<I", 0))  # help context
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # cookie
        out += struct.pack("<HI", _MODULE_TYPE[m.kind], 0)
        out += struct.pack("<HI", 0x002B, 0)  # module terminator
    out += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(out)


def encrypt(project_id: str, data: bytes, seed: int) -> bytes:
    """[MS-OVBA] 2.4.3.2 Data Encryption, as used for CMG, DPB and GC. The seed is fixed (any byte is valid) and the
    ignored bytes are zero, so the same project gives the same bytes on every build."""
    version, proj_key = 2, sum(map(ord, project_id)) & 0xFF
    out = bytearray([seed, version ^ seed, proj_key ^ seed])
    unencrypted_1, encrypted_1, encrypted_2 = proj_key, proj_key ^ seed, version ^ seed

    def push(byte: int) -> None:
        nonlocal unencrypted_1, encrypted_1, encrypted_2
        enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, enc, byte

    for _ in range((seed & 6) // 2):  # ignored bytes
        push(0)
    for byte in struct.pack("<I", len(data)):
        push(byte)
    for byte in data:
        push(byte)
    return bytes(out)


def project_stream(project_id: str, project_name: str, modules: list[VbaModule]) -> bytes:
    """The PROJECT stream ([MS-OVBA] 2.3.1): unprotected, no password, visible in the VBA editor."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append(f"{_PROJECT_KEY[m.kind]}={m.name}" + ("/&H00000000" if m.kind == "document" else ""))
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    for key, data, seed in (("CMG", struct.pack("<I", 0), 0x47),  # protection state: none
                            ("DPB", b"\x00", 0x4B),  # password: none
                            ("GC", b"\xff", 0x53)):  # visibility: visible
        lines.append(f'{key}="{encrypt(project_id, data, seed).hex().upper()}"')
    lines += ["", "[Host Extender Info]", _HOST_EXTENDER, ""]
    return "\r\n".join(lines).encode(ENCODING)


def project_wm_stream(modules: list[VbaModule]) -> bytes:
    """PROJECTwm ([MS-OVBA] 2.3.3): each module name in the code page and in UTF-16."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def project_id_for(project_name: str) -> str:
    """A stable project GUID derived from the name, so rebuilding gives the same file."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:tieout:vba-project:{project_name}")).upper() + "}"


def build_vba_project(project_name: str, modules: list[VbaModule],
                      references: tuple[Reference, ...] = (STDOLE, OFFICE)) -> bytes:
    """The vbaProject.bin compound file for these modules (their order is the order the VBA editor lists)."""
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError(f"module names must be unique (case-insensitively): {[m.name for m in modules]}")
    if project_name.lower() in names:
        raise ValueError(f"the project name {project_name!r} must differ from every module name")
    project_id = project_id_for(project_name)
    streams = {
        "PROJECT": project_stream(project_id, project_name, modules),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": _VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project_name, modules, list(references))),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(stored_bytes(m))
    return write_compound_file(streams)
