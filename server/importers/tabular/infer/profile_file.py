"""An inferred layout written as a profile the user owns and can edit (`tieout profile infer`): today's
profile schema in TOML, by default in $TIEOUT_HOME/profiles/ where every later import finds it."""
from __future__ import annotations

import re
from pathlib import Path

import tomli_w

from ..layout_profiles import tieout_home
from .layout import Inference


def profile_name(stem: str) -> str:
    """A profile name from a file name: letters, digits, '_', '-' and '.' only."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_") or "inferred"


def default_path(source: Path) -> Path:
    return tieout_home() / "profiles" / f"{profile_name(Path(source).stem)}.toml"


def profile_text(found: Inference) -> str:
    """The profile as TOML, with a comment block saying how it was inferred."""
    lines = [f"# Inferred by Tieout (confidence {found.confidence}); edit freely, then import as usual."]
    lines += [f"# columns: {title!r} -> {role}" for role, title in found.titles.items()]
    if found.proof is not None:
        lines.append(f"# balance proof: {found.proof.describe()}")
    lines += [f"# note: {n}" for n in found.notes]
    return "\n".join(lines) + "\n" + tomli_w.dumps(found.data)


def write_profile(found: Inference, out: Path) -> Path:
    """Write the profile; refuses nothing, overwrites."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profile_text(found), encoding="utf-8")
    return out
