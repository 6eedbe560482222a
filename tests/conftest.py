"""Shared test fixtures. Fixtures are made by code; the real bank files live in ../shared/corpus (not copied)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge behaviour, not speed: on a loaded 2-core machine generating inputs can be slow and an
# example can take longer than Hypothesis's default deadline, which would fail a correct test. Speed lives in
# the benchmarks (make bench).
settings.register_profile("tieout", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tieout")

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TIEOUT_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(autouse=True)
def _test_tieout_home(tmp_path, monkeypatch):
    """Every test has a TIEOUT_HOME of its own (the one the `home` fixture names): none writes the user's
    ~/.tieout, whose audit key and anchor log would otherwise be shared by unrelated tests' databases."""
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The folder of real published bank files. In CI it must exist: a missing corpus fails, never skips."""
    if not (CORPUS / "EXPECTED.json").exists():
        if os.environ.get("CI"):
            pytest.fail(f"bank file corpus not found at {CORPUS}")
        pytest.skip(f"bank file corpus not found at {CORPUS} (set TIEOUT_CORPUS)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_expected(corpus) -> dict:
    return json.loads((corpus / "EXPECTED.json").read_text())["files"]


WILD = Path(os.environ.get("TIEOUT_CORPUS_WILD", REPO.parent / "shared" / "corpus-wild"))


@pytest.fixture(scope="session")
def wild() -> Path:
    """The folder of 129 real bank files from public projects (../shared/corpus-wild). In CI it must exist."""
    if not (WILD / "EXPECTED.json").exists():
        if os.environ.get("CI"):
            pytest.fail(f"wild corpus not found at {WILD}")
        pytest.skip(f"wild corpus not found at {WILD} (set TIEOUT_CORPUS_WILD)")
    return WILD
