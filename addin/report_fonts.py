"""The typeface of the PDF report: a TrueType font with wide coverage, found on the machine or named by
TIEOUT_REPORT_FONT, registered with reportlab (which embeds a subset), with the characters it can draw.

Bank files carry names in any script (Polish and Czech from MT940, Greek, Cyrillic, Turkish, CJK) that the
built-in Helvetica (WinAnsi) cannot show. The choice is cached per value of the variables: no search per
report. A font the user named but that cannot be read is their error to fix, never a silent fallback."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .handlers.context import ActionError

# The font. reportlab draws TrueType fonts and subsets them itself; which file to use is the machine's
# business, and neither reportlab nor the standard library finds a system font by name on every platform
# (fc-match is Linux-only and optional), hence the short search below, as data first.
FONT_ENV, FONT_BOLD_ENV = "TIEOUT_REPORT_FONT", "TIEOUT_REPORT_FONT_BOLD"
BUILT_IN = "helvetica"  # TIEOUT_REPORT_FONT=helvetica: no search, the built-in font ('?' for what it lacks)
# (regular, bold) files tried in this order: Windows, macOS, then the Linux distributions' DejaVu Sans.
# "{WINDIR}" is the Windows folder; a candidate whose variable is not set is skipped.
FONT_FILES = (
    ("{WINDIR}/Fonts/arial.ttf", "{WINDIR}/Fonts/arialbd.ttf"),
    ("{WINDIR}/Fonts/segoeui.ttf", "{WINDIR}/Fonts/segoeuib.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
)
# Elsewhere on Linux: DejaVu Sans as fc-match knows it, else a bounded walk of the font folders.
LINUX_FONT = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FC_MATCH = ("DejaVu Sans:style=Book", "DejaVu Sans:style=Bold")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
SEARCH_DEPTH, SEARCH_MAX_DIRS = 5, 2000


@dataclass(frozen=True)
class ReportFont:
    """The typeface the report is set in: reportlab's names of its two faces, what the footer note calls it,
    and the characters both faces can draw."""

    regular: str
    bold: str
    source: str
    glyphs: frozenset[str]


def _helvetica() -> ReportFont:
    """The built-in font: the characters of its WinAnsi encoding (reportlab draws any other as a wrong one)."""
    vector = pdfmetrics.getFont("Helvetica").encoding.vector
    glyphs = {bytes([b]).decode("winansi") for b in range(256) if vector[b] is not None}
    return ReportFont("Helvetica", "Helvetica-Bold", "the built-in Helvetica",
                      frozenset(ch for ch in glyphs if not unicodedata.category(ch).startswith("C")))


def _face(path: Path) -> tuple[str, frozenset[str]]:
    """Registers one TrueType file with reportlab (embedded as a subset when used); its name and characters."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    name = f"Tieout-{path.stem}-{digest}"
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return name, frozenset(chr(c) for c, g in font.face.charToGlyph.items() if g)


def load_font(regular: Path, bold: Path | None) -> ReportFont:
    """A report font from a regular (and optional bold) TrueType file; the bold face is the regular one when
    there is none. Raises what reportlab raises on a file it cannot read (TTFError, OSError...)."""
    name, glyphs = _face(regular)
    bold_name, bold_glyphs = _face(bold) if bold is not None and bold != regular else (name, glyphs)
    pdfmetrics.registerFontFamily(name, normal=name, bold=bold_name, italic=name, boldItalic=bold_name)
    return ReportFont(name, bold_name, regular.name, glyphs & bold_glyphs)


def system_fonts(files=FONT_FILES, dirs=FONT_DIRS, fc_match: bool = True) -> Iterator[tuple[Path, Path | None]]:
    """(regular, bold) font files this machine has, best first, found lazily: the known places, fc-match, then
    a walk of at most SEARCH_MAX_DIRS folders SEARCH_DEPTH deep (so a huge font folder cannot stall a report)."""
    for regular, bold in files:
        try:
            regular, bold = Path(regular.format_map(os.environ)), Path(bold.format_map(os.environ))
        except KeyError:  # {WINDIR} off Windows
            continue
        if regular.is_file():
            yield regular, bold if bold.is_file() else None
    if fc_match and shutil.which("fc-match"):
        found = [_fc_match(pattern, name) for pattern, name in zip(FC_MATCH, LINUX_FONT)]
        if found[0] is not None:
            yield found[0], found[1]
    regular = _walk(LINUX_FONT[0], dirs)
    if regular is not None:
        bold = regular.with_name(LINUX_FONT[1])
        yield regular, bold if bold.is_file() else None


def _fc_match(pattern: str, name: str) -> Path | None:
    """fc-match's file for a pattern, if it is that very file (fc-match answers with a substitute otherwise)."""
    try:
        done = subprocess.run(["fc-match", "--format=%{file}", pattern], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(done.stdout.strip())
    return path if done.returncode == 0 and path.name == name and path.is_file() else None


def _walk(name: str, dirs) -> Path | None:
    """Breadth-first search for a file name, bounded in depth and in folders read."""
    queue, read = deque((Path(d), 0) for d in dirs), 0
    while queue and read < SEARCH_MAX_DIRS:
        folder, depth = queue.popleft()
        read += 1
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == name and entry.is_file():
                return Path(entry.path)
        if depth < SEARCH_DEPTH:
            queue.extend((Path(e.path), depth + 1) for e in entries if e.is_dir(follow_symlinks=False))
    return None


def report_font() -> ReportFont:
    """The font reports use: TIEOUT_REPORT_FONT (a .ttf, or 'helvetica'), else the first font the machine has,
    else Helvetica. Chosen once per value of the variables (cached): no search per report."""
    return _chosen(os.environ.get(FONT_ENV, "").strip(), os.environ.get(FONT_BOLD_ENV, "").strip())


FONT_ADVICE = (f"Set {FONT_ENV} to a TrueType font file (.ttf; {FONT_BOLD_ENV} optionally to its bold face), "
               f"to '{BUILT_IN}' for the built-in font, or unset it to let Tieout find one.")


@functools.lru_cache(maxsize=8)
def _chosen(regular: str, bold: str) -> ReportFont:
    if bold and (not regular or regular.lower() == BUILT_IN):
        raise ActionError(f"{FONT_BOLD_ENV} is set ({bold}) but {FONT_ENV} does not name a font file.", FONT_ADVICE)
    if regular.lower() == BUILT_IN:
        return _helvetica()
    if regular:
        return _explicit(regular, bold)
    for regular_path, bold_path in system_fonts():
        try:
            return load_font(regular_path, bold_path)
        except Exception:  # noqa: BLE001, S112 - a broken system font: try the next one, Helvetica at worst
            continue
    return _helvetica()


def _explicit(regular: str, bold: str) -> ReportFont:
    """The font the user named: a missing or unreadable file is their error to fix, never a silent fallback."""
    paths = {}
    for var, value in ((FONT_ENV, regular), (FONT_BOLD_ENV, bold)):
        if value:
            paths[var] = Path(value).expanduser()
            if not paths[var].is_file():
                raise ActionError(f"{var}={value}: there is no font file there.", FONT_ADVICE)
    try:
        return load_font(paths[FONT_ENV], paths.get(FONT_BOLD_ENV))
    except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError, struct.error, OSError... on bad files
        raise ActionError(f"{FONT_ENV}={regular}{f', {FONT_BOLD_ENV}={bold}' if bold else ''}: not a TrueType "
                          f"font reportlab can read ({type(exc).__name__}: {exc}).", FONT_ADVICE) from None
