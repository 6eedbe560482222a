"""The token and the bank file go only to the server the user chose: a workbook's Tieout_ServerUrl naming
another host gets a message and no request; the local token is never sent to a host that is not this machine."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from test_addin_kit import live, new_book  # noqa: F401 (fixtures)
from tieout.addin import udfs
from tieout.addin.client import Client, ServerUnavailable
from tieout.addin.dispatch import EXIT_INPUT, run_handler
from tieout.addin.server_choice import ForeignServer, configured_url, same_server, server_for
from tieout.addin.xlsx_workbook import XlsxWorkbook


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self):
        type(self).seen.append((self.command, self.path, self.headers.get("Authorization")))
        body = json.dumps({"service": "tieout", "status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def other_host():
    """A server on another address (127.0.0.2: not the loopback name the user configured) that records what
    reaches it."""
    _Recorder.seen = []
    try:
        server = ThreadingHTTPServer(("127.0.0.2", 0), _Recorder)
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here")
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.2:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def test_a_workbook_naming_another_server_gets_a_message_and_no_request(live, other_host, tmp_path):
    url, seen = other_host
    path = new_book(tmp_path / "Rec.xlsx")
    book = XlsxWorkbook(path, echo=lambda t: None)
    book.set_setting("ServerUrl", url)
    book.set_setting("ReconciliationId", "1")
    bank = tmp_path / "stmt.csv"
    bank.write_text("Date,Description,Amount\n2026-01-02,Fee,-1.00\n")
    out = run_handler("import_bank_file", book, {"file": str(bank), "account_name": "Operating"})
    assert out.exit_code == EXIT_INPUT
    assert url in out.error and "Nothing was sent" in out.error
    assert seen == []


def test_udfs_refuse_a_foreign_server_without_asking_it(other_host, tmp_path, monkeypatch):
    url, seen = other_host
    monkeypatch.delenv("TIEOUT_URL", raising=False)
    monkeypatch.setenv("TIEOUT_HOME", str(tmp_path / "home"))
    book = XlsxWorkbook(new_book(tmp_path / "Rec.xlsx"), echo=lambda t: None)
    book.set_setting("ServerUrl", url)
    book.set_setting("ReconciliationId", "1")
    monkeypatch.setattr(udfs, "_caller_book", lambda caller: book)
    assert udfs._answer(udfs.status, None) == udfs.FOREIGN
    assert seen == []


def test_the_local_token_is_never_sent_to_another_host(other_host, tmp_path):
    url, seen = other_host
    home = tmp_path / "home"
    home.mkdir()
    (home / "token").write_text("local-secret-token-1234567890\n")
    client = Client(url, home=home)
    with pytest.raises(ServerUnavailable, match="your own token for that server"):
        client.get("/api/me")
    client.close()
    assert all(auth is None for _, _, auth in seen)


def test_the_users_own_configuration_decides(tmp_path, monkeypatch):
    monkeypatch.delenv("TIEOUT_URL", raising=False)
    from tieout.server.install.port import user_port

    assert configured_url(tmp_path) == f"http://127.0.0.1:{user_port(tmp_path)}"  # this user's local server
    (tmp_path / "config.toml").write_text('server_url = "https://tieout.example.com/"\n')
    assert configured_url(tmp_path) == "https://tieout.example.com"
    assert server_for("https://TIEOUT.example.com:443", tmp_path) == "https://tieout.example.com"
    assert server_for(None, tmp_path) == server_for("", tmp_path) == "https://tieout.example.com"
    with pytest.raises(ForeignServer, match="attacker.example"):
        server_for("https://attacker.example", tmp_path)
    monkeypatch.setenv("TIEOUT_URL", "http://localhost:8765")
    assert server_for("http://127.0.0.1:8765", tmp_path) == "http://localhost:8765"
    with pytest.raises(ForeignServer):
        server_for("http://127.0.0.1:9999", tmp_path)


@pytest.mark.parametrize("a,b,same", [
    ("http://127.0.0.1:8765", "http://localhost:8765/", True),
    ("http://127.0.0.1", "http://127.0.0.1:80", True),
    ("http://127.0.0.1:8765", "https://127.0.0.1:8765", False),
    ("http://127.0.0.1:8765@evil.example", "http://127.0.0.1:8765", False),
    ("http://127.0.0.1:99999", "http://127.0.0.1:8765", False),
])
def test_same_server(a, b, same):
    assert same_server(a, b) is same
