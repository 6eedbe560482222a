"""The xlwings VBA the add-in ships: RunPython and its configuration lookup, taken from the installed xlwings.

xlwings' custom-add-in module (`xlwings_custom_addin.bas`, BSD-3-Clause, the module `xlwings quickstart --addin`
uses) is copied into the .xlam at build time from the xlwings package installed beside Tieout, never checked in:
its DLL name and version must match the Python side of xlwings, so rebuilding after an xlwings upgrade keeps them
in step. Its licence header travels inside the module. The one change is PROJECT_NAME ("myaddin" -> "tieout"),
exactly as xlwings' quickstart does, so settings come from the add-in's "tieout.conf" sheet and from
~/.tieout/tieout.conf. The Dictionary class (MIT, shipped inside the xlwings package) is needed by that module
on Mac, where Scripting.Dictionary does not exist.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from tieout.server.errors import InputError, Problem

from .vba_source import VbaModule, class_module, standard_module

PROJECT_NAME = "tieout"  # xlwings reads the "tieout.conf" sheet and ~/.tieout/tieout.conf
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
_PROJECT_NAME_LINE = re.compile(r'^Public Const PROJECT_NAME As String = "[^"]*"$', re.MULTILINE)
_VERSION_LINE = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"$', re.MULTILINE)


@dataclass(frozen=True)
class XlwingsVba:
    version: str
    modules: tuple[VbaModule, ...]  # the xlwings standard module, then the Dictionary class
    sources: tuple[Path, ...]  # the files they came from


def xlwings_package_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise InputError("xlwings", "is not installed in this Python; install the project with `make venv`")
    return Path(spec.origin).parent


def load_xlwings_vba(package_dir: Path | None = None) -> XlwingsVba:
    """Reads the two files from the xlwings package and checks they are the version installed."""
    package_dir = package_dir or xlwings_package_dir()
    bas_path, cls_path = package_dir / "xlwings_custom_addin.bas", package_dir / "addin" / "Dictionary.cls"
    texts = {}
    for path in (bas_path, cls_path):
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read the xlwings VBA source: {exc}") from None
    bas = texts[bas_path]
    if len(_PROJECT_NAME_LINE.findall(bas)) != 1:
        raise InputError(bas_path, Problem("expected exactly one 'Public Const PROJECT_NAME As String = ...' line; "
                                           "this xlwings version lays out its add-in module differently",
                                           field="PROJECT_NAME"))
    version = _VERSION_LINE.search(bas)
    installed = importlib.metadata.version("xlwings")
    if not version or version.group(1) != installed:
        raise InputError(bas_path, Problem(f"XLWINGS_VERSION is {version.group(1) if version else 'missing'}, "
                                           f"but xlwings {installed} is installed", field="XLWINGS_VERSION"))
    bas = _PROJECT_NAME_LINE.sub(f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"', bas)
    modules = (standard_module(bas, str(bas_path)), class_module(texts[cls_path], str(cls_path)))
    return XlwingsVba(version=installed, modules=modules, sources=(bas_path, cls_path))
