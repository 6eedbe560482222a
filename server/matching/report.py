"""Files the `tieout match` command writes besides the matches CSV: suggestions and proposed transactions.

Suggestions keep the matches CSV's first columns (match_id,side,line_id,rule,confidence) so the same
reader takes both, and add the reason: the ids `S<question>-<rank>` group the ranked candidates of one
line in doubt (rank 1 = most plausible).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..canonical import write_csv, write_match_groups
from ..records import MATCH_COLUMNS, MatchGroup, ProposedTransaction

SUGGESTION_COLUMNS = MATCH_COLUMNS + ("reason",)
PROPOSAL_COLUMNS = ("date", "amount", "currency", "gl_account", "description", "kind", "bank_line_id", "rule")


def suggestions_path(out: str | Path) -> Path:
    """The default suggestions file: beside the matches file, `<name>.suggestions.csv`."""
    out = Path(out)
    return out.with_name(f"{out.stem}.suggestions.csv")


def write_suggestions(path: str | Path, groups: Iterable[MatchGroup]) -> int:
    return write_match_groups(path, groups, SUGGESTION_COLUMNS, lambda g: (g.reason,))


def write_proposals(path: str | Path, proposals: Iterable[ProposedTransaction]) -> int:
    return write_csv(path, PROPOSAL_COLUMNS, (
        (p.date.isoformat(), format(p.amount, "f"), p.currency, p.gl_account, p.description, p.kind,
         p.bank_line_id, p.rule) for p in proposals), for_spreadsheets=True)

