"""The local server's process as its user sees it: `tieout serve --status` and `tieout serve --stop`.

`tieout serve` writes $TIEOUT_HOME/server.pid (its process id and port) while it runs. Status asks
/api/health on that port; stop sends the process the signal `serve` ends on (SIGTERM; on Windows the
process is terminated) and waits until the port no longer answers."""
from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import requests

PID_FILE = "server.pid"


@dataclass(frozen=True)
class ServerState:
    running: bool
    port: int | None
    pid: int | None

    def describe(self) -> str:
        if self.running:
            return f"the Tieout server is running on http://127.0.0.1:{self.port}/api (process {self.pid})"
        return "the Tieout server is not running" + (f" (its port is {self.port})" if self.port else "")


def record(home: Path, port: int) -> Path:
    """Written whole or not at all (a temporary file, then a rename): `serve --status` reading it meanwhile must
    never see it empty and report a running server without its process."""
    path = Path(home) / PID_FILE
    tmp = path.with_name(f"{PID_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "port": port}), encoding="utf-8")
    os.replace(tmp, path)
    return path


def forget(home: Path) -> None:
    path = Path(home) / PID_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _recorded(home: Path) -> tuple[int | None, int | None]:
    try:
        data = json.loads((Path(home) / PID_FILE).read_text(encoding="utf-8"))
        return int(data["pid"]), int(data["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with requests.Session() as s:
            s.trust_env = False
            r = s.get(f"http://127.0.0.1:{port}/api/health", timeout=timeout, headers={"Connection": "close"})
            return r.status_code == 200 and r.json().get("service") == "tieout"
    except (requests.RequestException, ValueError):
        return False


def status(home: Path, port: int) -> ServerState:
    pid, recorded_port = _recorded(home)
    port = recorded_port or port
    return ServerState(healthy(port), port, pid)


def stop(home: Path, port: int, timeout: float = 30.0) -> ServerState:
    """Stops the server this home's `serve` recorded; returns the state before. A server not running (or a
    stale record) stops nothing."""
    before = status(home, port)
    if not before.running or before.pid is None:
        (Path(home) / PID_FILE).unlink(missing_ok=True)
        return before
    try:
        os.kill(before.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and healthy(before.port, timeout=1.0):
        time.sleep(0.25)
    (Path(home) / PID_FILE).unlink(missing_ok=True)
    return before
