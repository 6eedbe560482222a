"""The figures a correct importer must find in a file of ../shared/corpus-wild, compared with what Tieout finds.

One comparison for every format's tests (and the same rules as ../shared/tools/check-corpus): the count of
transactions (zero-amount notices and pending lines apart), the sum (per currency where the file mixes them),
the first statement's opening and the last statement's closing balance where the file states them, and the
first and last booking dates."""
from __future__ import annotations

import json
import os
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions

REPO = Path(__file__).resolve().parents[1]
WILD = Path(os.environ.get("TIEOUT_CORPUS_WILD", REPO.parent / "shared" / "corpus-wild"))


def expected() -> dict:
    """EXPECTED.json's files; empty when the corpus is absent (the `wild` fixture then fails in CI)."""
    path = WILD / "EXPECTED.json"
    return json.loads(path.read_text())["files"] if path.exists() else {}


def names(*formats: str) -> list[str]:
    return sorted(k for k, v in expected().items() if v["format"] in formats)


def _dec(v):
    return None if v in (None, "") else Decimal(str(v))


def options_for(entry: dict, **kw) -> ImportOptions:
    """What an accountant's account would tell the importer: its currency, where the file states none."""
    cur = entry.get("currency") or []
    if entry.get("currency_stated_in_file") is False and len(cur) == 1:
        kw.setdefault("currency", cur[0])
    return ImportOptions(**kw)


def differences(wild: Path, name: str, **kw) -> list[str]:
    """Every way the import of `name` differs from EXPECTED.json (empty list: exact)."""
    entry = expected()[name]
    result = import_file(wild / name, options=options_for(entry, **kw))
    sts = result.statements
    txs = [ln for st in sts for ln in st.transactions]
    diffs = []
    if len(txs) != int(entry["transactions"]):
        diffs.append(f"count {len(txs)} != {entry['transactions']}")
    if "sum_by_currency" in entry:
        got = defaultdict(Decimal)
        for ln in txs:
            got[ln.currency] += ln.amount
        want = {c: Decimal(str(v)) for c, v in entry["sum_by_currency"].items()}
        if {c: got[c] for c in set(got) | set(want) if got[c] or c in want} != want:
            diffs.append(f"sum by currency {dict(got)} != {want}")
    elif sum((ln.amount for ln in txs), Decimal(0)) != Decimal(str(entry["sum"])):
        diffs.append(f"sum {sum((ln.amount for ln in txs), Decimal(0))} != {entry['sum']}")
    if entry.get("opening_balance") not in (None, "") and (not sts or sts[0].opening_balance != _dec(entry["opening_balance"])):
        diffs.append(f"opening {sts[0].opening_balance if sts else None} != {entry['opening_balance']}")
    if entry.get("closing_balance") not in (None, "") and (not sts or sts[-1].closing_balance != _dec(entry["closing_balance"])):
        diffs.append(f"closing {sts[-1].closing_balance if sts else None} != {entry['closing_balance']}")
    dates = sorted(ln.date for ln in txs)
    if entry.get("first_date") and (not dates or dates[0].isoformat() != entry["first_date"]):
        diffs.append(f"first date {dates[0] if dates else None} != {entry['first_date']}")
    if entry.get("last_date") and (not dates or dates[-1].isoformat() != entry["last_date"]):
        diffs.append(f"last date {dates[-1] if dates else None} != {entry['last_date']}")
    pending = sum(len(st.pending_lines) for st in sts)
    if entry.get("pending") is not None and pending != int(entry["pending"]):
        diffs.append(f"pending {pending} != {entry['pending']}")
    return diffs


def findings(wild: Path, name: str, **kw) -> list:
    entry = expected()[name]
    return list(import_file(wild / name, options=options_for(entry, **kw)).findings)
