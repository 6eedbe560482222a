"""Who may talk to the server: the Host header must name this server (DNS rebinding), a browser Origin must
be an allowed one (cross-site requests), and every /api call but health carries a bearer token.

The token in $TIEOUT_HOME/token (0600) is the owner's (the OS user, an administrator). Everyone else has a
per-user token (`tieout users add`), on a local server shared by the people of one machine as on a team server."""
from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

from flask import current_app, g, request

from ..private_home import private_dir
from ..services import users
from ..controls.workflow import Refusal

OPEN_PATHS = {"/api/health"}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def ensure_token(home: Path) -> str:
    """The server token, created (owner-only, 0600) on first use; a looser file is tightened."""
    private_dir(home)
    path = home / "token"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32) + "\n")
    token = path.read_text().strip()
    if len(token) < 16:
        raise RuntimeError(f"{path} holds no usable token (delete it to have a new one made)")
    return token


def host_allowed(host: str, port: int | None, team_host: str | None) -> bool:
    host = (host or "").lower()
    if team_host and host == team_host.lower():
        return True
    if port is None:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES
    return host in {f"{n}:{port}" for n in LOOPBACK_NAMES} or (port == 80 and host in LOOPBACK_NAMES)


def check_request() -> None:
    """before_request: refuses (raising Refusal) or sets g.actor."""
    cfg = current_app.config
    if not host_allowed(request.host, cfg["SERVER_PORT"], cfg["TEAM_HOST"]):
        raise Refusal("bad_host", f"requests must be addressed to this server (Host {request.host!r} refused)", 421)
    origin = request.headers.get("Origin")
    if origin is not None and origin not in cfg["ALLOWED_ORIGINS"]:
        raise Refusal("origin_refused", f"cross-site requests are refused (Origin {origin!r})", 403)
    if request.path in OPEN_PATHS or not request.path.startswith("/api/"):
        return
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal("unauthorized", "send Authorization: Bearer <token> (the token is in $TIEOUT_HOME/token)", 401)
    token = token.strip()
    ext = current_app.extensions["tieout"]
    if hmac.compare_digest(token.encode(), ext.token.encode()):
        g.actor = ext.owner
        return
    actor = users.by_token(ext.store, token)  # a person added with `tieout users add` (local or team server)
    if actor is None:
        raise Refusal("unauthorized", "the token is not valid", 401)
    g.actor = actor
