"""Writes the .xlam: an Office Open XML package whose workbook part has the macro-enabled add-in content type.

Parts: the workbook with one hidden-by-nature sheet (the xlwings settings, "tieout.conf"), a minimal style sheet,
the VBA project, the ribbon (customUI) and the two property parts. The zip is deterministic: fixed member order,
fixed timestamps and attributes, so the same inputs give the same bytes.
"""
from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

from .customui import PART_NAME as CUSTOMUI_PART, RELATIONSHIP_TYPE as CUSTOMUI_REL, XML_DECLARATION

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

# Part name -> content type (overrides); extensions -> content type (defaults).
DEFAULTS = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",  # also the content type of the customUI part ([MS-CUSTOMUI] 2.1)
    "bin": VBA_CONTENT_TYPE,
}
OVERRIDES = {
    "/xl/workbook.xml": ADDIN_CONTENT_TYPE,
    "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "/xl/styles.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}
PACKAGE_RELS = [  # (id, type, target) of _rels/.rels
    ("rId1", f"{REL_NS}/officeDocument", "xl/workbook.xml"),
    ("rId2", f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
    ("rId3", f"{REL_NS}/extended-properties", "docProps/app.xml"),
    ("rId4", CUSTOMUI_REL, CUSTOMUI_PART),
]
WORKBOOK_RELS = [  # (id, type, target) of xl/_rels/workbook.xml.rels
    ("rId1", f"{REL_NS}/worksheet", "worksheets/sheet1.xml"),
    ("rId2", f"{REL_NS}/styles", "styles.xml"),
    ("rId3", VBA_REL, "vbaProject.bin"),
]
WORKBOOK_CODENAME, SHEET_CODENAME = "ThisWorkbook", "Sheet1"  # must match the VBA project's document modules

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
"""




def _xml(root: etree._Element) -> bytes:
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def content_types() -> bytes:
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    for ext, ctype in DEFAULTS.items():
        etree.SubElement(root, f"{{{CT_NS}}}Default", Extension=ext, ContentType=ctype)
    for part, ctype in OVERRIDES.items():
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=part, ContentType=ctype)
    return _xml(root)


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    for rid, rtype, target in rels:
        etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=rtype, Target=target)
    return _xml(root)


def workbook(sheet_name: str) -> bytes:
    root = etree.Element(f"{{{MAIN_NS}}}workbook", nsmap={None: MAIN_NS, "r": REL_NS})
    etree.SubElement(root, f"{{{MAIN_NS}}}workbookPr", codeName=WORKBOOK_CODENAME)
    etree.SubElement(etree.SubElement(root, f"{{{MAIN_NS}}}bookViews"), f"{{{MAIN_NS}}}workbookView")
    sheets = etree.SubElement(root, f"{{{MAIN_NS}}}sheets")
    etree.SubElement(sheets, f"{{{MAIN_NS}}}sheet", {"name": sheet_name, "sheetId": "1", f"{{{REL_NS}}}id": "rId1"})
    return _xml(root)


def settings_sheet(rows: list[tuple[str, str]]) -> bytes:
    """Key in column A, value in column B from row 1 down, no header: the layout xlwings' GetConfigFromSheet reads
    (it walks down column A from A1 to the first empty cell). Values are text cells, so "false" stays a string."""
    root = etree.Element(f"{{{MAIN_NS}}}worksheet", nsmap={None: MAIN_NS, "r": REL_NS})
    etree.SubElement(root, f"{{{MAIN_NS}}}sheetPr", codeName=SHEET_CODENAME)
    etree.SubElement(root, f"{{{MAIN_NS}}}dimension", ref=f"A1:B{max(len(rows), 1)}")
    cols = etree.SubElement(root, f"{{{MAIN_NS}}}cols")
    etree.SubElement(cols, f"{{{MAIN_NS}}}col", min="1", max="1", width="30", customWidth="1")
    etree.SubElement(cols, f"{{{MAIN_NS}}}col", min="2", max="2", width="70", customWidth="1")
    data = etree.SubElement(root, f"{{{MAIN_NS}}}sheetData")
    for r, (key, value) in enumerate(rows, 1):
        row = etree.SubElement(data, f"{{{MAIN_NS}}}row", r=str(r))
        for col, text in (("A", key), ("B", value)):
            cell = etree.SubElement(row, f"{{{MAIN_NS}}}c", r=f"{col}{r}", t="inlineStr")
            t = etree.SubElement(etree.SubElement(cell, f"{{{MAIN_NS}}}is"), f"{{{MAIN_NS}}}t")
            t.text = text
            if text != text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return _xml(root)


def core_properties(title: str, description: str) -> bytes:
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    dc = "http://purl.org/dc/elements/1.1/"
    root = etree.Element(f"{{{cp}}}coreProperties", nsmap={"cp": cp, "dc": dc})
    for tag, text in (("title", title), ("description", description), ("creator", title)):
        etree.SubElement(root, f"{{{dc}}}{tag}").text = text
    return _xml(root)


def app_properties() -> bytes:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns})
    etree.SubElement(root, f"{{{ns}}}Application").text = "Microsoft Excel"
    return _xml(root)


def xlam_bytes(*, customui: bytes, vba_project: bytes, sheet_name: str, settings: list[tuple[str, str]],
               title: str, description: str) -> bytes:
    """The whole .xlam as bytes."""
    parts = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", relationships(PACKAGE_RELS)),
        ("docProps/core.xml", core_properties(title, description)),
        ("docProps/app.xml", app_properties()),
        ("xl/workbook.xml", workbook(sheet_name)),
        ("xl/_rels/workbook.xml.rels", relationships(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", settings_sheet(settings)),
        ("xl/styles.xml", _STYLES.encode("utf-8")),
        ("xl/vbaProject.bin", vba_project),
        (CUSTOMUI_PART, customui),
    ]
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data)
    return buf.getvalue()
