"""The secret key that seals the audit chain and the submitted hashes (HMAC-SHA256), kept outside the database.

Someone who can write the database but not this file cannot recompute a row's hash or a submitted hash, so a
rebuilt chain or a re-hashed reconciliation no longer verifies. The file is `$TIEOUT_HOME/audit.key` (0600), or
`$TIEOUT_KEY_FILE` (servers sharing one PostgreSQL database must share it). It also records where keyed
hashing began: rows written before this version were chained with plain SHA-256; the key file pins the last
of them (`legacy_head`), so those rows cannot be rebuilt either."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..store.db import tieout_home


class KeyMissing(Exception):
    """The key file is missing or unreadable: keyed hashes cannot be made or checked."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    keyed_from: int  # first audit row chained with the key; rows before it are plain SHA-256
    legacy_head: str  # hash of row keyed_from - 1 (the genesis value when the chain began keyed)
    path: Path

    def mac(self, purpose: str, text: str) -> str:
        """HMAC-SHA256 of `text`, separated by `purpose` so a chain link can never pass for a submitted hash."""
        return hmac.new(self.secret, f"{purpose}\0{text}".encode("utf-8"), hashlib.sha256).hexdigest()


def key_path() -> Path:
    return Path(os.environ.get("TIEOUT_KEY_FILE") or tieout_home() / "audit.key")


def load(path: Path | None = None) -> AuditKey | None:
    """The key, None when no key file exists yet; KeyMissing when one exists but cannot be read."""
    path = path or key_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AuditKey(bytes.fromhex(data["key"]), int(data["keyed_from"]), str(data["legacy_head"]), path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyMissing(f"the audit key {path} cannot be read ({exc})") from None


def require() -> AuditKey:
    key = load()
    if key is None:
        raise KeyMissing(f"the audit key {key_path()} is missing")
    return key


def ensure(last_id: int, last_hash: str) -> AuditKey:
    """The key, made now if there is none. Call it holding the chain's head lock, with the head's values:
    they become the pin of the rows written before keyed hashing. Two processes racing here both read the one
    file that won (it is linked into place, never overwritten)."""
    key = load()
    if key is not None:
        return key
    path = key_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = json.dumps({"key": secrets.token_hex(32), "keyed_from": last_id + 1, "legacy_head": last_hash,
                       "created_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return require()
