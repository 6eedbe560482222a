"""The audit chain's head, anchored outside the database: an append-only log beside the key.

After every commit that added audit rows, the new head (row id and hash) is appended, sealed with the key.
`audit verify` checks that every anchored row is still in the chain with that hash: a chain that was rebuilt,
cut short (with its head row set back) or wiped no longer shows what the anchor log recorded."""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .audit_key import AuditKey
from ..store.db import tieout_home


@dataclass(frozen=True)
class Anchor:
    row_id: int
    hash: str
    at: str


def anchor_path() -> Path:
    return Path(os.environ.get("TIEOUT_ANCHOR_FILE") or tieout_home() / "audit-anchor.log")


def _seal(key: AuditKey, row_id: int, row_hash: str, at: str) -> str:
    return key.mac("anchor", f"{row_id}:{row_hash}:{at}")


def record(key: AuditKey, row_id: int, row_hash: str) -> None:
    """Append one head (a single short write with O_APPEND, so lines from several processes never mix)."""
    at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    line = json.dumps({"id": row_id, "hash": row_hash, "at": at, "mac": _seal(key, row_id, row_hash, at)})
    path = anchor_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def read(key: AuditKey | None) -> tuple[list[Anchor], list[str]]:
    """The anchors whose seal holds, and a problem for each line that is not one (edited, forged, garbled)."""
    path = anchor_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], []
    anchors, problems = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            d = json.loads(raw)
            row_id, row_hash, at, mac = int(d["id"]), str(d["hash"]), str(d["at"]), str(d["mac"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"{path} line {n} is not an anchor")
            continue
        if key is None or mac != _seal(key, row_id, row_hash, at):
            problems.append(f"{path} line {n} does not carry the key's seal (the anchor log was edited)")
            continue
        anchors.append(Anchor(row_id, row_hash, at))
    return anchors, problems
