"""$TIEOUT_HOME is its owner's alone, whoever makes it first: the add-in starting the server (which used to
make the logs folder with the default umask, leaving the home 0755 and the database 0644) or the server."""
from __future__ import annotations

import os
import socket
import stat

import pytest

from tieout.addin.client import Client
from tieout.server.app import create_app
from tieout.server.private_home import private_dir, private_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_addin_started_server_leaves_home_and_files_owner_only(tmp_path, open_umask):
    home = tmp_path / "home"
    client = Client(f"http://127.0.0.1:{free_port()}", home=home)
    try:
        client.ensure_running()
        client.get("/api/me")
    finally:
        client.close()
        if client.started is not None:
            client.started.terminate()
            client.started.wait(30)
    assert mode(home) == 0o700
    assert mode(home / "logs") == 0o700
    for name in ("tieout.db", "token", "logs/server.log"):
        assert mode(home / name) == 0o600, name
    for extra in home.glob("tieout.db-*"):  # SQLite's -wal/-shm take the database's mode
        assert mode(extra) & 0o077 == 0, extra.name


def test_a_home_made_loose_before_is_tightened_by_the_server(tmp_path, open_umask):
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True, mode=0o755)
    os.chmod(home, 0o755)
    (home / "tieout.db").touch()
    os.chmod(home / "tieout.db", 0o644)
    app = create_app({"TIEOUT_HOME": home, "DATABASE_URL": None})
    try:
        assert mode(home) == 0o700
        assert mode(home / "tieout.db") == 0o600 and mode(home / "token") == 0o600
    finally:
        app.extensions["tieout"].close()


def test_private_file_creates_with_its_final_mode(tmp_path, open_umask):
    path = private_file(tmp_path / "a" / "b" / "log")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700 and mode(tmp_path / "a") == 0o700
    path.write_text("kept")
    assert private_file(path).read_text() == "kept"  # an existing file is kept, not truncated
    assert mode(private_dir(tmp_path / "a")) == 0o700


def test_the_addins_error_log_made_first_keeps_home_private(tmp_path, monkeypatch, open_umask):
    from tieout.addin import dispatch

    home = tmp_path / "fresh"
    monkeypatch.setenv("TIEOUT_HOME", str(home))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log = dispatch._log_internal("refresh")
    assert "boom" in log.read_text()
    assert mode(home) == 0o700 and mode(home / "logs") == 0o700 and mode(log) == 0o600
