"""The add-in's HTTP client of the local calculation server.

Where the server is: the user's configuration (server_choice.py: $TIEOUT_URL, $TIEOUT_HOME/config.toml, else
http://127.0.0.1:8765); never a workbook's setting. Who we are: $TIEOUT_TOKEN (a team server's per-user token),
else the token in $TIEOUT_HOME/token, which is sent only to a loopback address.
When /api/health does not answer on a loopback address, the client starts `tieout serve` there as a detached
process (it outlives the Excel button press that started it) and waits until it answers.

Every refusal of the server arrives as {"error": {"code", "message"}} and is raised as `ServerError` with
that code, so the add-in can turn it into advice; nothing here shows anything to the user."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..server.private_home import open_private_log, private_dir
from .server_choice import LOOPBACK, configured_url, is_loopback

START_TIMEOUT = 45.0  # seconds a freshly started server may take to answer (migrations on first start)
JOB_POLL_SECONDS = 1.0
JOB_TIMEOUT = 3600.0
FAILED_JOB = ("Error on Import", "Error on Match")


class ServerError(Exception):
    """The server refused or failed a request; `code` is the API's stable error code."""

    def __init__(self, code: str, message: str, status: int = 0, missing=()):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.missing = tuple(missing or ())  # what the user can give to get past it (the server's "missing")

    @property
    def user_error(self) -> bool:
        """True when the user can fix it (bad input, workflow refusal), False for the server's own failure."""
        return 0 < self.status < 500


class ServerUnavailable(Exception):
    """No server answers and none could be started."""


NOT_MODIFIED = object()  # Client.get_if_changed's answer for 304: the answer the client holds is current


def _payload(status: int, reason: str, content: bytes):
    """The JSON answer; a refusal raised as ServerError with the server's code."""
    if status == 204 or not content:
        if status >= 400:
            raise ServerError(f"http_{status}", reason or "request failed", status)
        return None
    try:
        payload = json.loads(content, parse_float=Decimal)
    except ValueError:
        raise ServerError("bad_answer", f"the server answered {status} with no JSON", status) from None
    if status >= 400:
        err = payload.get("error", {}) if isinstance(payload, dict) else {}
        raise ServerError(str(err.get("code", f"http_{status}")), str(err.get("message", reason)), status,
                          err.get("missing") or ())
    return payload


def tieout_home() -> Path:
    return Path(os.environ.get("TIEOUT_HOME") or Path.home() / ".tieout")


def _json_body(data) -> bytes:
    """JSON with Decimals written as exact decimal strings (the server refuses binary floats for money)."""
    def default(o):
        if isinstance(o, Decimal):
            return format(o, "f")
        if hasattr(o, "isoformat"):
            return o.isoformat()
        raise TypeError(f"{type(o).__name__} is not JSON")
    return json.dumps(data, default=default).encode("utf-8")


class Client:
    def __init__(self, base_url: str | None = None, token: str | None = None, home: Path | None = None,
                 autostart: bool = True, timeout: float = 300.0):
        self.home = Path(home) if home else tieout_home()
        self.base_url = (base_url or configured_url(self.home)).rstrip("/")
        self._token = token or os.environ.get("TIEOUT_TOKEN") or None
        self.autostart = autostart
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # a corporate proxy must never see loopback traffic or the token
        self._checked = False
        self.started: subprocess.Popen | None = None  # the server process this client started, if any
        self.writes = 0  # requests that may have changed the server's data (all but GET): see common.current_state

    # server life ---------------------------------------------------------------------------------------
    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            r = self.session.get(self.base_url + "/api/health", timeout=timeout)
            return r.status_code == 200 and r.json().get("service") == "tieout"
        except (requests.RequestException, ValueError):
            return False

    def ensure_running(self) -> None:
        """Health check; starts the server when it is down and its address is this machine."""
        if self._checked:
            return
        if not self.healthy():
            parts = urlsplit(self.base_url)
            if not self.autostart or parts.hostname not in LOOPBACK:
                raise ServerUnavailable(f"no Tieout server answers at {self.base_url}")
            self.started = start_server(parts.hostname, parts.port or 80, self.home)
            self._wait_healthy(self.started)
        self._checked = True

    def _wait_healthy(self, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.healthy(timeout=1.0):
                return
            if proc.poll() is not None:
                raise ServerUnavailable(f"the Tieout server stopped right after it was started (exit code "
                                        f"{proc.returncode}): {_log_tail(self.home)}")
            time.sleep(0.25)
        raise ServerUnavailable(f"the Tieout server did not answer at {self.base_url} within {START_TIMEOUT:.0f} s: "
                                f"{_log_tail(self.home)}")

    @property
    def token(self) -> str:
        if self._token is None:
            path = self.home / "token"
            if not is_loopback(self.base_url):
                raise ServerUnavailable(f"{self.base_url} is not this machine: the local server's token ({path}) "
                                        "is never sent there; ask your Tieout administrator for your own token for that server")
            try:
                self._token = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ServerUnavailable(f"cannot read the server token {path}: {exc.strerror}") from None
        return self._token

    def close(self) -> None:
        """Ends the kept-alive connections (a server waits for open connections when it stops)."""
        self.session.close()

    # requests ------------------------------------------------------------------------------------------
    def request(self, method: str, path: str, json_body=None, params: dict | None = None,
                data: bytes | None = None, headers: dict | None = None, timeout: float | None = None):
        status, reason, content, _ = self._exchange(method, path, json_body, params, data, headers, timeout)
        return _payload(status, reason, content)

    def _exchange(self, method: str, path: str, json_body=None, params: dict | None = None,
                  data: bytes | None = None, headers: dict | None = None, timeout: float | None = None):
        """One request: (status, reason, body bytes, ETag header or None)."""
        self.ensure_running()
        if method != "GET":
            self.writes += 1  # counted before sending: a request that failed may still have changed something
        hdrs = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        body = data
        if json_body is not None:
            body = _json_body(json_body)
            hdrs["Content-Type"] = "application/json"
        try:
            r = self.session.request(method, self.base_url + path, params=params, data=body, headers=hdrs,
                                     timeout=(10, timeout or self.timeout))
        except requests.RequestException as exc:
            raise ServerUnavailable(f"the Tieout server at {self.base_url} did not answer: "
                                    f"{exc.__class__.__name__}") from None
        status, reason, content, etag = r.status_code, r.reason, r.content, r.headers.get("ETag")
        del r  # an error's traceback must not keep the response (and its connection) alive
        return status, reason, content, etag

    def get_if_changed(self, path: str, etag: str | None = None, **params) -> tuple[str | None, object]:
        """A conditional GET: (ETag, answer), or (ETag, NOT_MODIFIED) when the server's answer is still the one
        `etag` names (304: nothing sent again). Listings and the review of a reconciliation carry ETags."""
        status, reason, content, tag = self._exchange("GET", path, params=params or None,
                                                      headers={"If-None-Match": etag} if etag else None)
        if status == 304:
            return tag or etag, NOT_MODIFIED
        return tag, _payload(status, reason, content)

    def get(self, path: str, **params):
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body=None, **params):
        return self.request("POST", path, json_body=body if body is not None else {}, params=params or None)

    def put(self, path: str, body):
        return self.request("PUT", path, json_body=body)

    def get_all(self, path: str, key: str = "id", limit: int = 5000, **params) -> list[dict]:
        """Every row of a paged listing (?after=<last key>&limit=)."""
        out, after = [], 0
        while True:
            page = self.get(path, after=after, limit=limit, **params)
            out.extend(page)
            if len(page) < limit:
                return out
            after = page[-1][key]

    # bank files and jobs -------------------------------------------------------------------------------
    def upload_statement(self, rec_id: int, path: Path, fmt: str = "auto",
                         progress: Callable[[int, str], None] | None = None, balances: dict | None = None) -> dict:
        """Uploads a bank file as a background import job and waits for it; returns the import's summary.
        `balances` ({"opening": ..., "closing": ...}): the printed balances of a file that states none; also
        the preparer's reading hints ("date_order", "profile") for a file that does not say."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileNotFoundError(f"{path}: cannot read the bank file ({exc.strerror})") from None
        job = self.request("POST", f"/api/reconciliations/{rec_id}/statements", data=data,
                           params={"background": "1", "format": fmt, "filename": path.name,
                                   **{k: str(v) for k, v in (balances or {}).items() if v is not None}},
                           headers={"Content-Type": "application/octet-stream"})
        return self.wait_job(job, progress)["detail"]

    def wait_job(self, job: dict, progress: Callable[[int, str], None] | None = None,
                 timeout: float = JOB_TIMEOUT) -> dict:
        """Polls a job until it ends, reporting its progress; a failed job raises ServerError."""
        deadline = time.monotonic() + timeout
        while job["status"] in ("Queued", "Running"):
            if progress:
                progress(int(job.get("progress") or 0), job.get("message") or job["status"].lower())
            if time.monotonic() > deadline:
                raise ServerError("job_timeout", f"job {job['id']} ({job['kind']}) is still {job['status']} "
                                                 f"after {timeout:.0f} s", 504)
            job = self.request("GET", f"/api/jobs/{job['id']}", params={"wait": JOB_POLL_SECONDS})
        if job["status"] in FAILED_JOB:
            detail = job.get("detail") or {}
            raise ServerError(detail.get("code", "job_failed"), job.get("message") or job["status"], 400
                              if detail.get("code") not in ("internal", "interrupted") else 500,
                              detail.get("missing") or ())
        if progress:
            progress(100, "done")
        return job


def start_server(host: str, port: int, home: Path) -> subprocess.Popen:
    """`tieout serve` as a detached process on loopback, logging to $TIEOUT_HOME/logs/server.log."""
    private_dir(home)  # before anything else is made in it: the database must never be readable by others
    log = open_private_log(Path(home) / "logs" / "server.log")  # handed to the child, which keeps it open
    cmd = [_python(), "-m", "tieout.server.cli", "serve", "--host", host, "--port", str(port)]
    env = {**os.environ, "TIEOUT_HOME": str(home)}
    kwargs: dict = {"stdin": subprocess.DEVNULL, "stdout": log, "stderr": subprocess.STDOUT, "env": env,
                    "close_fds": True}
    if os.name == "nt":
        kwargs["creationflags"] = (subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
                                   | getattr(subprocess, "CREATE_NO_WINDOW", 0))
    else:
        kwargs["start_new_session"] = True  # not killed with the Python that Excel ran for one button press
    try:
        return subprocess.Popen(cmd, **kwargs)
    finally:
        log.close()


def _python() -> str:
    """The interpreter running the add-in (pythonw.exe under Excel on Windows: the server gets no console)."""
    return sys.executable


def _log_tail(home: Path, lines: int = 5) -> str:
    path = Path(home) / "logs" / "server.log"
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return f"no log at {path}"
    return " | ".join(text) if text else f"{path} is empty"
