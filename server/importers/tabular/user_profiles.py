"""The user's own layout profiles ($TIEOUT_HOME/profiles/*.toml): what `tieout profile list` shows beside the
shipped ones, and forgetting one (`tieout profile forget NAME`, Excel's Forget Layout).

A profile saved when the user confirmed an inferred layout reads every later file of that bank without asking
again; a user who confirmed a wrong one must be able to take it back without knowing where Tieout keeps it.
A profile is named by its `name` (or its file's name, for a file too broken to read): a broken file is exactly
what must stay removable. Shipped profiles are part of Tieout and are never removed."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from .layout_profiles import shipped_profiles, tieout_home


@dataclass(frozen=True)
class ProfileEntry:
    name: str
    source: str  # builtin | user
    kind: str  # tabular | pdf (a user's folder holds both); "" when the file cannot be read
    title: str
    path: Path | None = None  # the user's file


def folder() -> Path:
    return tieout_home() / "profiles"


def _entry(path: Path) -> ProfileEntry:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return ProfileEntry(path.stem, "user", "", f"(cannot be read: {str(exc)[:80]})", path)
    name = data.get("name")
    return ProfileEntry(name if isinstance(name, str) and name.strip() else path.stem, "user",
                        str(data.get("kind", "tabular")), str(data.get("title", "")), path)


def user_profiles() -> list[ProfileEntry]:
    found = folder()
    if not found.is_dir():
        return []
    return [_entry(p) for p in sorted(found.glob("*.toml")) if not p.name.startswith("_")]


def listing() -> list[ProfileEntry]:
    """The user's profiles, then the shipped tabular ones a user profile of the same name does not replace."""
    mine = user_profiles()
    names = {e.name for e in mine}
    return mine + [ProfileEntry(p.name, "builtin", "tabular", p.title) for p in shipped_profiles()
                   if p.name not in names]


def forget(name: str) -> ProfileEntry:
    """Deletes the user's profile `name` (its file); refuses a shipped or unknown name, naming what exists."""
    mine = user_profiles()
    hits = [e for e in mine if e.name == name or (e.path is not None and e.path.stem == name)]
    if not hits:
        if any(p.name == name for p in shipped_profiles()):
            raise InputError(None, f"profile {name!r} is one of Tieout's own layouts, not yours: it cannot be "
                                   "forgotten (force another layout for a file instead)")
        yours = ", ".join(e.name for e in mine) or "none"
        raise InputError(str(folder()), f"no layout profile of yours is named {name!r} (yours: {yours})")
    for e in hits:
        e.path.unlink()
    return hits[0]
