"""`make addin`: builds dist/Tieout.xlam from ribbon/buttons.toml, ribbon/customUI.xml, ribbon/*.bas and xlwings' VBA.

    python -m tieout.ribbon.build_xlam [--out dist/Tieout.xlam] [--interpreter-win PATH] [--interpreter-mac PATH]
                                [--pythonpath DIRS]

The interpreter settings go into the add-in's "tieout.conf" sheet, which xlwings' RunPython reads. Defaults: on a
Windows or Mac build machine, the Python running this build (normally the project's .venv) for that platform;
otherwise the per-user install that ribbon/README.md describes (~/.tieout/venv). Exit codes as the tieout CLI:
0 built, 2 bad input (named), 1 internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from tieout.server.errors import InputError, Problem

from .buttons import BUTTONS_TOML, load_ribbon
from .customui import CUSTOMUI_XML, build_customui
from .vba_project import build_vba_project
from .vba_source import VbaModule, WORKBOOK_BASE, WORKSHEET_BASE, document_module, standard_module
from .xlam_package import SHEET_CODENAME, WORKBOOK_CODENAME, xlam_bytes
from .xlwings_vba import CONFIG_SHEET, load_xlwings_vba

RIBBON_DIR = Path(__file__).resolve().parent
REPO = RIBBON_DIR.parent
DEFAULT_OUT = REPO / "dist" / "Tieout.xlam"
VBA_PROJECT_NAME = "TieoutAddin"  # must differ from every module name (the callback module is "Tieout")
# Per-user install the README documents; xlwings expands %VAR% on Windows and a leading $HOME on Mac.
FALLBACK_INTERPRETER_WIN = r"%USERPROFILE%\.tieout\venv\Scripts\pythonw.exe"
FALLBACK_INTERPRETER_MAC = "$HOME/.tieout/venv/bin/python"


@dataclass(frozen=True)
class AddinSettings:
    """What goes on the tieout.conf sheet (xlwings setting names, as xlwings documents them)."""

    interpreter_win: str
    interpreter_mac: str
    pythonpath: str | None = None

    def rows(self) -> list[tuple[str, str]]:
        rows = [("Interpreter_Win", self.interpreter_win), ("Interpreter_Mac", self.interpreter_mac)]
        if self.pythonpath:
            rows.append(("PYTHONPATH", self.pythonpath))
        # Tieout is imported from the interpreter's site-packages; never from the folder a workbook sits in,
        # where a stray file named like a module would shadow it.
        rows.append(("ADD_WORKBOOK_TO_PYTHONPATH", "false"))
        return rows


def default_settings(platform: str = sys.platform, executable: str = sys.executable) -> AddinSettings:
    """The build machine's own Python for its platform, the documented per-user install for the other."""
    win, mac = FALLBACK_INTERPRETER_WIN, FALLBACK_INTERPRETER_MAC
    if platform.startswith("win"):
        pythonw = Path(executable).with_name("pythonw.exe")
        win = str(pythonw) if pythonw.exists() else executable
    elif platform == "darwin":
        mac = executable
    return AddinSettings(interpreter_win=win, interpreter_mac=mac)


def _check_setting(name: str, value: str) -> Problem | None:
    if not value.strip():
        return Problem("must not be empty", field=name)
    if any(ord(c) < 32 for c in value) or '"' in value:
        return Problem("must not contain control characters or double quotes", field=name)
    if len(value) > 1024:
        return Problem("is longer than 1024 characters", field=name)
    return None


def vba_modules(ribbon_dir: Path = RIBBON_DIR) -> tuple[list[VbaModule], str]:
    """The add-in's modules in the order the VBA editor lists them, and the xlwings version they came from."""
    ours = []
    for path in sorted(ribbon_dir.glob("*.bas")):
        try:
            ours.append(standard_module(path.read_text(encoding="utf-8"), str(path)))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read: {exc}") from None
    if not ours:
        raise InputError(ribbon_dir, "holds no .bas module")
    xlwings = load_xlwings_vba()
    modules = [document_module(WORKBOOK_CODENAME, WORKBOOK_BASE), document_module(SHEET_CODENAME, WORKSHEET_BASE),
               *ours, *xlwings.modules]
    return modules, xlwings.version


def build(out: Path, settings: AddinSettings) -> dict:
    """Builds the add-in at `out` and returns a summary (for printing and for tests)."""
    problems = [p for p in (_check_setting("interpreter-win", settings.interpreter_win),
                            _check_setting("interpreter-mac", settings.interpreter_mac),
                            _check_setting("pythonpath", settings.pythonpath) if settings.pythonpath else None)
                if p]
    if problems:
        raise InputError("build options", problems)
    ribbon = load_ribbon(BUTTONS_TOML)
    customui = build_customui(ribbon)
    if not CUSTOMUI_XML.exists() or CUSTOMUI_XML.read_bytes() != customui:
        raise InputError(CUSTOMUI_XML, "is not what ribbon/buttons.toml gives; run `python -m tieout.ribbon.customui` "
                                       "and review the change")
    modules, xlwings_version = vba_modules()
    data = xlam_bytes(
        customui=customui,
        vba_project=build_vba_project(VBA_PROJECT_NAME, modules),
        sheet_name=CONFIG_SHEET,
        settings=settings.rows(),
        title="Tieout",
        description=f"Tieout: the Reconcile ribbon tab for bank reconciliation. VBA from xlwings {xlwings_version}.",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    return {"out": str(out), "bytes": len(data), "buttons": len(ribbon.buttons),
            "modules": [m.name for m in modules], "xlwings": xlwings_version, "settings": settings.rows()}


def main(argv: list[str] | None = None) -> int:
    defaults = default_settings()
    parser = argparse.ArgumentParser(prog="python -m tieout.ribbon.build_xlam", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="the add-in to write (default: %(default)s)")
    parser.add_argument("--interpreter-win", default=defaults.interpreter_win,
                        help="python(w).exe with tieout installed, on the users' Windows machines "
                             "(default: %(default)s)")
    parser.add_argument("--interpreter-mac", default=defaults.interpreter_mac,
                        help="python with tieout installed, on the users' Macs (default: %(default)s)")
    parser.add_argument("--pythonpath", default=None,
                        help="extra folders for Python's import path, ';'-separated (not needed when tieout is "
                             "installed in the interpreter's environment)")
    args = parser.parse_args(argv)
    settings = AddinSettings(args.interpreter_win, args.interpreter_mac, args.pythonpath)
    try:
        summary = build(Path(args.out), settings)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - report, exit 1 as the tieout CLI does
        traceback.print_exc()
        return 1
    print(f"built {summary['out']} ({summary['bytes']} bytes): {summary['buttons']} ribbon buttons, "
          f"VBA modules {', '.join(summary['modules'])} (xlwings {summary['xlwings']})")
    for key, value in summary["settings"]:
        print(f"  {CONFIG_SHEET}: {key} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
