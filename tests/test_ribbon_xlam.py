"""The built add-in (what `make addin` writes to dist/Tieout.xlam), checked with olevba, olefile and calamine."""
from __future__ import annotations

import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

REPO = Path(__file__).resolve().parents[1]

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names that pyparsing 3 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, VBA_Project

from tieout.ribbon import build_xlam
from tieout.ribbon.build_xlam import AddinSettings, build, default_settings, main
from tieout.ribbon.xlwings_vba import xlwings_package_dir
from tieout.server.errors import InputError

WIN = r"C:\Users\ana\AppData\Local\Tieout\venv\Scripts\pythonw.exe"
MAC = "/Users/ana/.tieout/venv/bin/python"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _code(text: str) -> str:
    """Line endings normalised, `Attribute VB_` lines dropped (olevba does not print them), trailing blanks cut."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_")).rstrip("\n")


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("addin") / "Tieout.xlam"
    build(out, AddinSettings(interpreter_win=WIN, interpreter_mac=MAC))
    return out


@pytest.fixture(scope="module")
def vba_bin(xlam, tmp_path_factory) -> Path:
    """xl/vbaProject.bin on disk: olevba can only look for VBA stomping (pcodedmp) in a file on disk."""
    path = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    with zipfile.ZipFile(xlam) as zf:
        path.write_bytes(zf.read("xl/vbaProject.bin"))
    return path


def _olevba_json(path: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "oletools.olevba", "--json", str(path)],
                         capture_output=True, text=True, timeout=120)
    items = json.loads(run.stdout)
    return next(item for item in items if "macros" in item)


def test_xlam_is_a_zip_with_the_macro_enabled_addin_content_type(xlam):
    with zipfile.ZipFile(xlam) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        types = etree.fromstring(zf.read("[Content_Types].xml"))
    assert names[0] == "[Content_Types].xml"
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    assert defaults["xml"] == "application/xml"  # the customUI part's content type
    for part in overrides:
        assert part.lstrip("/") in names


def _rels(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    return {r.get("Type").rsplit("/", 1)[-1]: r.get("Target") for r in etree.fromstring(zf.read(name)).iter(f"{REL}Relationship")}


def test_relationships_point_at_the_ribbon_the_workbook_and_the_vba_project(xlam):
    with zipfile.ZipFile(xlam) as zf:
        names = set(zf.namelist())
        package = _rels(zf, "_rels/.rels")
        workbook = _rels(zf, "xl/_rels/workbook.xml.rels")
        assert zf.read("customUI/customUI.xml") == (REPO / "ribbon" / "customUI.xml").read_bytes()
        rel_types = [r.get("Type") for r in etree.fromstring(zf.read("_rels/.rels")).iter(f"{REL}Relationship")]
    assert "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" in rel_types
    assert package["extensibility"] == "customUI/customUI.xml"
    assert package["officeDocument"] == "xl/workbook.xml"
    assert workbook["vbaProject"] == "vbaProject.bin"
    assert {t for t in package.values()} <= names
    assert {f"xl/{t}" for t in workbook.values()} <= names


def test_workbook_code_names_match_the_vba_document_modules(xlam, vba_bin):
    with zipfile.ZipFile(xlam) as zf:
        wb = etree.fromstring(zf.read("xl/workbook.xml"))
        sheet = etree.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    code_names = {wb.find(f"{main_ns}workbookPr").get("codeName"), sheet.find(f"{main_ns}sheetPr").get("codeName")}
    project = VBA_Project(olefile.OleFileIO(str(vba_bin)), "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    documents = {name for name, ext in project.module_ext.items() if ext == "cls"} - {"dictionary"}
    assert {n.lower() for n in code_names} == documents == {"thisworkbook", "sheet1"}


def test_olevba_shows_each_module_exactly_as_its_source_file(xlam):
    report = _olevba_json(xlam)
    code = {m["vba_filename"]: m["code"] for m in report["macros"]}
    assert set(code) == {"ThisWorkbook.cls", "Sheet1.cls", "Tieout.bas", "xlwings.bas", "Dictionary.cls"}
    assert _code(code["Tieout.bas"]) == _code((REPO / "ribbon" / "Tieout.bas").read_text(encoding="utf-8"))
    xlwings_bas = (xlwings_package_dir() / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    expected = xlwings_bas.replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "tieout"')
    assert expected != xlwings_bas
    assert _code(code["xlwings.bas"]) == _code(expected)
    dictionary_cls = (xlwings_package_dir() / "addin" / "Dictionary.cls").read_text(encoding="utf-8")
    body = dictionary_cls.replace("\r\n", "\n").split("Attribute VB_Description", 1)[1].split("\n", 1)[1]
    assert _code(code["Dictionary.cls"]) == _code(body)
    assert _code(code["ThisWorkbook.cls"]) == _code(code["Sheet1.cls"]) == ""


def test_olevba_finds_no_vba_stomping(xlam, vba_bin):
    for path in (xlam, vba_bin):
        keywords = {a["keyword"] for a in _olevba_json(path)["analysis"] or []}
        assert "VBA Stomping" not in keywords
    parser = VBA_Parser(str(vba_bin))
    assert parser.detect_vba_stomping() is False


def test_vba_project_holds_source_only(vba_bin):
    ole = olefile.OleFileIO(str(vba_bin), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000300")  # no performance cache
    project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    list(project.parse_modules())
    assert [(m.name, m.textoffset) for m in project.modules] == [
        ("ThisWorkbook", 0), ("Sheet1", 0), ("Tieout", 0), ("xlwings", 0), ("Dictionary", 0)]
    assert project.projectname == "TieoutAddin"


def test_xlwings_settings_sheet_names_the_configured_interpreters(xlam):
    wb = CalamineWorkbook.from_path(str(xlam))
    assert wb.sheet_names == ["tieout.conf"]
    rows = wb.get_sheet_by_name("tieout.conf").to_python()
    assert rows == [["Interpreter_Win", WIN], ["Interpreter_Mac", MAC], ["ADD_WORKBOOK_TO_PYTHONPATH", "false"]]


def test_pythonpath_is_written_only_when_given(tmp_path):
    out = tmp_path / "T.xlam"
    build(out, AddinSettings(WIN, MAC, pythonpath=r"C:\src\tieout"))
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("tieout.conf").to_python()
    assert ["PYTHONPATH", r"C:\src\tieout"] in rows and len(rows) == 4


def test_build_is_reproducible(xlam, tmp_path):
    again = tmp_path / "again.xlam"
    build(again, AddinSettings(interpreter_win=WIN, interpreter_mac=MAC))
    assert again.read_bytes() == xlam.read_bytes()


@pytest.mark.parametrize("platform, executable, expected_win, expected_mac", [
    ("linux", "/work/.venv/bin/python", build_xlam.FALLBACK_INTERPRETER_WIN, build_xlam.FALLBACK_INTERPRETER_MAC),
    ("darwin", "/Users/ana/tieout/.venv/bin/python", build_xlam.FALLBACK_INTERPRETER_WIN,
     "/Users/ana/tieout/.venv/bin/python"),
    ("win32", r"C:\nowhere\python.exe", r"C:\nowhere\python.exe", build_xlam.FALLBACK_INTERPRETER_MAC),
])
def test_default_interpreters(platform, executable, expected_win, expected_mac):
    assert default_settings(platform, executable) == AddinSettings(expected_win, expected_mac)


def test_cli_builds_and_reports(tmp_path, capsys):
    out = tmp_path / "dist" / "Tieout.xlam"
    assert main(["--out", str(out), "--interpreter-win", WIN, "--interpreter-mac", MAC]) == 0
    printed = capsys.readouterr().out
    assert f"tieout.conf: Interpreter_Win = {WIN}" in printed and "19 ribbon buttons" in printed
    assert zipfile.is_zipfile(out)


def test_cli_refuses_an_empty_interpreter_with_exit_code_2(tmp_path, capsys):
    out = tmp_path / "Tieout.xlam"
    assert main(["--out", str(out), "--interpreter-win", " ", "--interpreter-mac", MAC]) == 2
    assert "error: build options: field 'interpreter-win': must not be empty" in capsys.readouterr().err
    assert not out.exists()


def test_build_refuses_a_stale_customui(tmp_path, monkeypatch):
    stale = tmp_path / "customUI.xml"
    stale.write_bytes((REPO / "ribbon" / "customUI.xml").read_bytes().replace(b"Approve", b"OK"))
    monkeypatch.setattr(build_xlam, "CUSTOMUI_XML", stale)
    with pytest.raises(InputError, match="is not what ribbon/buttons.toml gives"):
        build(tmp_path / "T.xlam", AddinSettings(WIN, MAC))
