"""Runs the app under waitress (a production WSGI server), on loopback unless the server is a team server."""
from __future__ import annotations

import ipaddress
import logging
import signal
import threading

from waitress.server import create_server

from . import create_app

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(host: str = "127.0.0.1", port: int = 8765, config: dict | None = None, threads: int = 8):
    """The waitress server and the app it serves (port 0 picks a free port, then known to the app)."""
    config = dict(config or {})
    app = create_app(config)
    if not is_loopback(host) and app.config["MODE"] != "team":
        app.extensions["tieout"].close()
        raise ValueError(f"--host {host} is not a loopback address: a server reachable from other machines must "
                         "run in team mode (TIEOUT_MODE=team, TIEOUT_TEAM_HOST=the name clients use)")
    server = create_server(app, host=host, port=port, threads=threads, ident="tieout",
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
    app.config["SERVER_PORT"] = server.effective_port
    return server, app


def stop(server) -> None:
    """Stop a server running in another thread: the close runs inside waitress's own loop."""
    server.trigger.pull_trigger(server.close)


def serve(host: str = "127.0.0.1", port: int = 8765, config: dict | None = None) -> None:
    server, app = make_server(host, port, config)

    def _stop(signum, _frame):
        raise SystemExit(0)  # waitress's loop ends on SystemExit and stops its worker threads

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    print(f"tieout server on http://{host}:{server.effective_port}/api (token in "
          f"{app.config['TIEOUT_HOME'] / 'token'})", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["tieout"].close()
