"""Where Excel loads an add-in at start, and putting Tieout.xlam there built for the running interpreter.

Excel opens every workbook and add-in in its XLSTART folder when it starts: on Windows the user's
%APPDATA%\\Microsoft\\Excel\\XLSTART, on a Mac (Excel 2016 and later, sandboxed) the Office group container's
Startup/Excel folder. The add-in is built here rather than copied, so that its tieout.conf sheet names this
very interpreter (the one `pip install` put Tieout into): RunPython then finds Tieout without a path to type.
`home` stands in for the user's home folder (tests run both platforms' layouts on Linux)."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

ADDIN_NAME = "Tieout.xlam"
MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized",
               "Excel")
PLATFORMS = ("windows", "mac")


@dataclass(frozen=True)
class Placement:
    platform: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / ADDIN_NAME


def this_platform() -> str | None:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "mac"
    return None


def placement(platform: str | None = None, home: Path | None = None) -> Placement:
    """Excel's start-up folder for `platform` (default: this machine's) under `home` (default: the user's)."""
    platform = platform or this_platform()
    if platform not in PLATFORMS:
        raise InputError("--platform", "Excel runs on Windows and Mac: give --platform windows or --platform mac "
                                       "(with --home, the folder standing for that user's home)")
    if platform == "windows":
        appdata = Path(home) / "AppData" / "Roaming" if home else Path(os.environ.get("APPDATA") or
                                                                       Path.home() / "AppData" / "Roaming")
        return Placement(platform, appdata / "Microsoft" / "Excel" / "XLSTART")
    return Placement(platform, Path(home or Path.home()).joinpath(*MAC_STARTUP))


def interpreter(platform: str, executable: str = sys.executable) -> str:
    """The interpreter RunPython starts: on Windows pythonw.exe beside python.exe (no console window)."""
    if platform == "windows":
        pythonw = Path(executable).with_name("pythonw.exe")
        return str(pythonw) if pythonw.exists() else executable
    return executable


def install(platform: str | None = None, home: Path | None = None, executable: str = sys.executable) -> dict:
    """Builds Tieout.xlam for `executable` into Excel's start-up folder; returns what was done."""
    from ...ribbon.build_xlam import AddinSettings, FALLBACK_INTERPRETER_MAC, FALLBACK_INTERPRETER_WIN, build

    place = placement(platform, home)
    python = interpreter(place.platform, executable)
    settings = AddinSettings(interpreter_win=python if place.platform == "windows" else FALLBACK_INTERPRETER_WIN,
                             interpreter_mac=python if place.platform == "mac" else FALLBACK_INTERPRETER_MAC)
    try:
        summary = build(place.path, settings)
    except OSError as exc:
        raise InputError(place.folder, f"cannot write the add-in there: {exc.strerror}") from None
    return {"platform": place.platform, "path": str(place.path), "interpreter": python,
            "buttons": summary["buttons"]}


def uninstall(platform: str | None = None, home: Path | None = None) -> dict:
    place = placement(platform, home)
    existed = place.path.exists()
    try:
        place.path.unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(place.path, f"cannot remove the add-in (is Excel open? close it first): {exc.strerror}") \
            from None
    return {"platform": place.platform, "path": str(place.path), "removed": existed}
