"""Files the `tieout match` command writes besides the matches CSV: suggestions and proposed transactions.

Suggestions keep the matches CSV's first columns (match_id,side,line_id,rule,confidence) so the same
reader takes both, and add the reason: the ids `S<question>-<rank>` group the ranked candidates of one
line in doubt (rank 1 = most plausible).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..records import MATCH_COLUMNS, MatchGroup, ProposedTransaction

SUGGESTION_COLUMNS = MATCH_COLUMNS + ("reason",)
PROPOSAL_COLUMNS = ("date", "amount", "currency", "gl_account", "description", "kind", "bank_line_id", "rule")


def suggestions_path(out: str | Path) -> Path:
    """The default suggestions file: beside the matches file, `<name>.suggestions.csv`."""
    out = Path(out)
    return out.with_name(f"{out.stem}.suggestions.csv")


def write_suggestions(path: str | Path, groups: Iterable[MatchGroup]) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(SUGGESTION_COLUMNS)
        for g in groups:
            for side, ids in (("bank", g.bank_ids), ("ledger", g.ledger_ids)):
                for line_id in ids:
                    w.writerow((g.match_id, side, line_id, g.rule, format(g.confidence, "f"), g.reason))
            n += 1
    return n


def write_proposals(path: str | Path, proposals: Iterable[ProposedTransaction]) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PROPOSAL_COLUMNS)
        for p in proposals:
            w.writerow((p.date.isoformat(), format(p.amount, "f"), p.currency, p.gl_account, p.description, p.kind,
                        p.bank_line_id, p.rule))
            n += 1
    return n
