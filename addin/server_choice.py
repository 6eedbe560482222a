"""Which server the add-in talks to, decided by the user's own configuration and never by a workbook (by default
this user's local server, on the port kept for them in $TIEOUT_HOME/port).

A workbook travels: one received from a colleague (or an attacker) may carry a `Tieout_ServerUrl` name. Were it
obeyed, the user's token and bank file would go to that host without a word. So the address comes from
$TIEOUT_URL, else `server_url` in $TIEOUT_HOME/config.toml, else the local server; a workbook that names another
server gets a message and no request is made. The token kept in $TIEOUT_HOME/token belongs to the local server:
it is sent only to a loopback address (a team server needs the user's own $TIEOUT_TOKEN)."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8765"  # the first user's; others get their own port (local_url)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ForeignServer(Exception):
    """The workbook names a server the user's configuration does not."""


def configured_url(home: Path) -> str:
    """$TIEOUT_URL, else `server_url` in $TIEOUT_HOME/config.toml, else the local default."""
    url = os.environ.get("TIEOUT_URL")
    if url:
        return url.rstrip("/")
    path = Path(home) / "config.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return local_url(home)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ForeignServer(f"{path}: cannot be read as TOML ({exc})") from None
    url = data.get("server_url") or local_url(home)
    if not isinstance(url, str):
        raise ForeignServer(f"{path}: server_url must be text, like \"{DEFAULT_URL}\"")
    return url.rstrip("/")


def local_url(home: Path) -> str:
    """This user's local server: loopback, on the port kept in $TIEOUT_HOME/port (chosen once per user)."""
    from ..server.install.port import user_port

    return f"http://127.0.0.1:{user_port(Path(home))}"


def same_server(a: str, b: str) -> bool:
    """Scheme, host and port equal (loopback names count as one host)."""
    pa, pb = urlsplit(a.strip()), urlsplit(b.strip())
    try:
        ports = (pa.port or _default_port(pa.scheme), pb.port or _default_port(pb.scheme))
    except ValueError:
        return False
    hosts = [(p.hostname or "").lower() for p in (pa, pb)]
    hosts = ["loopback" if h in LOOPBACK else h for h in hosts]
    return pa.scheme.lower() == pb.scheme.lower() and hosts[0] == hosts[1] and ports[0] == ports[1]


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80


def server_for(book_url: str | None, home: Path) -> str:
    """The configured server's address; ForeignServer when the workbook names a different one."""
    url = configured_url(home)
    if book_url and str(book_url).strip() and not same_server(str(book_url), url):
        raise ForeignServer(f"this workbook names the server {str(book_url).strip()!r} (setting Tieout_ServerUrl), "
                            f"but your configuration uses {url}. Nothing was sent to either: Tieout sends your "
                            "token and files only to the server you chose. To use that server, ask your Tieout "
                            "administrator to make it the server of this computer; otherwise delete the workbook's "
                            "Tieout_ServerUrl name (Formulas > Name Manager).")
    return url


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOOPBACK
