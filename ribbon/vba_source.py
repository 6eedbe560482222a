"""VBA module source as the VBA project stores it: line endings, attribute header lines and the code page.

A module stream holds the text that the VBA editor exports, minus the export-only header of class files
(`VERSION 1.0 CLASS` ... `END`), with CRLF line endings, in the project's code page. Document modules
(ThisWorkbook, one per sheet) and class modules carry a fixed block of `Attribute VB_...` lines that the editor
writes itself; they are generated here so the project looks exactly as one saved by Excel.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tieout.server.errors import InputError, Problem

CODEPAGE = 1252  # Windows-1252, the code page of an English-locale VBA project
ENCODING = "cp1252"

# Base classes of the module kinds ([MS-OVBA] and what Excel writes): workbook, worksheet, plain class.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

_NAME_LINE = re.compile(r'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]{0,30})"$')
_MODULE_KINDS = ("module", "class", "document")


@dataclass(frozen=True)
class VbaModule:
    """One module of the project: `code` is the stored source (attribute lines first), any line endings."""

    name: str
    kind: str  # "module" (standard .bas), "class" or "document" (ThisWorkbook, a sheet)
    code: str

    def __post_init__(self):
        if self.kind not in _MODULE_KINDS:
            raise ValueError(f"module {self.name}: kind {self.kind!r} is not one of {_MODULE_KINDS}")


def normalise_newlines(text: str) -> str:
    """CRLF, LF or CR in; LF out."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def stored_bytes(module: VbaModule) -> bytes:
    """The module's source as stored in its stream: CRLF line endings, ending with one, in the project code page."""
    text = normalise_newlines(module.code)
    if not text.endswith("\n"):
        text += "\n"
    try:
        return text.replace("\n", "\r\n").encode(ENCODING)
    except UnicodeEncodeError:
        pass
    for number, line in enumerate(text.split("\n"), 1):
        for char in line:
            try:
                char.encode(ENCODING)
            except UnicodeEncodeError:
                raise InputError(f"VBA module {module.name}", Problem(
                    f"character {char!r} cannot be stored in code page {CODEPAGE}", line=number)) from None
    raise AssertionError("unreachable: the text failed to encode but every character encodes")


def module_name(source: str, origin: str, *, skip: int = 0) -> str:
    """The name in the `Attribute VB_Name = "..."` line, which must be line `skip + 1` (the first line of a .bas
    file; the first line after the export header of a .cls file)."""
    lines = normalise_newlines(source).split("\n")
    line = lines[skip] if skip < len(lines) else ""
    match = _NAME_LINE.match(line.strip())
    if not match:
        raise InputError(origin, Problem('must be Attribute VB_Name = "Name" (a name of 1-31 letters, digits or _)',
                                         line=skip + 1, field="VB_Name"))
    return match.group(1)


def standard_module(source: str, origin: str) -> VbaModule:
    """A .bas file as exported by the VBA editor (first line `Attribute VB_Name = "..."`)."""
    return VbaModule(module_name(source, origin), "module", normalise_newlines(source))


def class_module(source: str, origin: str) -> VbaModule:
    """A .cls file as exported by the VBA editor: drops the `VERSION ... BEGIN ... END` export header and adds the
    attribute lines the editor stores but does not export (VB_Base, VB_TemplateDerived, VB_Customizable)."""
    lines = normalise_newlines(source).split("\n")
    if not lines[0].startswith("VERSION "):
        raise InputError(origin, Problem("a class file starts with VERSION 1.0 CLASS", line=1))
    first_attr = next((i for i, line in enumerate(lines) if line.startswith("Attribute ")), len(lines))
    name = module_name(source, origin, skip=first_attr)
    body = lines[first_attr:]
    attrs = []
    i = 0
    while i < len(body) and body[i].startswith("Attribute VB_") and "." not in body[i].split()[1]:
        attrs.append(body[i])
        i += 1
    present = {a.split()[1] for a in attrs}
    out = [attrs[0], f'Attribute VB_Base = "{CLASS_BASE}"'] + [a for a in attrs[1:] if "VB_Base" not in a]
    insert_at = next((j + 1 for j, a in enumerate(out) if a.startswith("Attribute VB_Exposed ")), len(out))
    extra = [f"Attribute {k} = False" for k in ("VB_TemplateDerived", "VB_Customizable") if k not in present]
    out[insert_at:insert_at] = extra
    return VbaModule(name, "class", "\n".join(out + body[i:]))


def document_module(name: str, base: str) -> VbaModule:
    """An empty document module (ThisWorkbook or a sheet) with the attribute block Excel writes for it."""
    attrs = [("VB_Name", f'"{name}"'), ("VB_Base", f'"{base}"'), ("VB_GlobalNameSpace", "False"),
             ("VB_Creatable", "False"), ("VB_PredeclaredId", "True"), ("VB_Exposed", "True"),
             ("VB_TemplateDerived", "False"), ("VB_Customizable", "True")]
    return VbaModule(name, "document", "\n".join(f"Attribute {k} = {v}" for k, v in attrs) + "\n")


def code_lines(module: VbaModule) -> list[str]:
    """The module's lines without `Attribute` lines: what the VBA editor shows, and what olevba prints."""
    return [line for line in normalise_newlines(module.code).split("\n") if not line.startswith("Attribute ")]
