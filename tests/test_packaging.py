"""A wheel (a user's install, not our editable one) holds every package and data file the code loads: a
subpackage missing from pyproject's list imports in development and fails on the user's machine."""
from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_python_package_folder_is_listed():
    cfg = _config()
    listed = set(cfg["packages"])
    for name, folder in cfg["package-dir"].items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder)
            if "__pycache__" in rel.parts or any(p.startswith(".") for p in rel.parts):
                continue
            dotted = ".".join((name, *rel.parts))
            assert dotted in listed, f"{dotted} ({init.parent}) is not in pyproject's packages"


def test_every_data_file_the_server_reads_is_package_data():
    patterns = _config()["package-data"]["tieout.server"]
    server = REPO / "server"
    for data in list(server.rglob("*.toml")):
        rel = data.relative_to(server)
        assert any(rel.match(p) for p in patterns), f"server/{rel} is not in pyproject's package-data"
