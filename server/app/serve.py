"""Runs the app under waitress (a production WSGI server), on loopback unless the server is a team server."""
from __future__ import annotations

import ipaddress
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
    _keep_listening(server)
    return server, app


def _keep_listening(server) -> None:
    """One bad connection must not stop the server. waitress handles errors of accept() itself, but an error
    while it sets up the accepted connection (e.g. the client reset it meanwhile) reaches the listening
    socket's handle_error, whose default closes the server (and its wake-up pipe): the process would stay up
    without listening. Log it and keep accepting instead."""

    def handle_error() -> None:
        log.error("a connection could not be set up; the server keeps listening", exc_info=True)

    server.handle_error = handle_error


def stop(server, thread: threading.Thread | None = None, timeout: float = 10.0) -> None:
    """Stop a server running in `thread`: the close runs inside waitress's own loop, then its workers end.

    Safe when the loop has already ended or closed the server itself (waitress closes a dispatcher whose
    handler raised, trigger included): pulling a closed trigger would raise EBADF, so the server is then
    closed from here instead, and why is logged."""
    trigger = server.trigger
    if (thread is None or thread.is_alive()) and not trigger._closed:
        try:
            trigger.pull_trigger(server.close)
        except OSError as exc:
            log.warning("the server's wake-up pipe is gone (%s); closing it from this thread", exc)
    if thread is not None:
        thread.join(timeout)
        if thread.is_alive():
            log.warning("the server loop did not end within %g s (a client kept its connection open)", timeout)
    if thread is not None and not thread.is_alive():  # closing twice is harmless in waitress
        try:
            server.close()
        except OSError as exc:
            log.warning("closing the server after its loop ended: %s", exc)
    server.task_dispatcher.shutdown(timeout=timeout)


@contextmanager
def running(config: dict | None = None, threads: int = 4, host: str = "127.0.0.1",
            port: int = 0) -> Iterator[tuple[str, object]]:
    """The server in a background thread for as long as the block runs: yields (base URL, app).

    For tests, benchmarks and embedding; `serve` is the command's foreground loop."""
    server, app = make_server(host, port, config, threads=threads)
    thread = threading.Thread(target=server.run, name="tieout-server-loop", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}", app
    finally:
        stop(server, thread)
        app.extensions["tieout"].close()


STOP_GRACE_SECONDS = 5.0  # how long a stop waits for a running job to reach its next progress report


def serve(host: str = "127.0.0.1", port: int = 8765, config: dict | None = None) -> None:
    os.umask(0o077)  # this process only serves: whatever it writes in $TIEOUT_HOME is the owner's alone
    server, app = make_server(host, port, config)

    def _stop(signum, _frame):
        raise SystemExit(0)  # waitress's loop ends on SystemExit and stops its worker threads

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    print(f"tieout server on http://{host}:{server.effective_port}/api (token in "
          f"{app.config['TIEOUT_HOME'] / 'token'})", flush=True)
    from ..install import server_process

    server_process.record(app.config["TIEOUT_HOME"], server.effective_port)  # for `tieout serve --status|--stop`
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server_process.forget(app.config["TIEOUT_HOME"])
        if not app.extensions["tieout"].close(grace=STOP_GRACE_SECONDS):
            # A job inside one long step: its open transaction is rolled back by the database when this
            # process ends, and the next start marks it interrupted (jobs.recover), ready to rerun.
            log.warning("a job was still running %s s after the stop was asked; leaving it to roll back",
                        STOP_GRACE_SECONDS)
            logging.shutdown()
            os._exit(0)
