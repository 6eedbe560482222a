"""Auto-matching of bank lines against ledger lines, driven by rules as data.

`auto_match` (records) and `match_frames` (DataFrames, a million lines a side) are the entry points;
`match_ledgers` pairs two companies' ledgers (intercompany). Rules come from a TOML file or the Rules sheet
(one schema, rules.py) or the built-in library (default_rules.toml).
"""
from .engine import auto_match, match_frames
from .result import FrameMatch, MatchResult
from .intercompany import match_ledgers
from .rules import RULE_COLUMNS, Rule, RuleSet, RulesError
from .rules_io import (default_rule_rows, default_rules, load_rules, rules_from_frame, rules_from_rows,
                       rules_from_toml, rules_to_rows, rules_to_toml)

__all__ = [
    "FrameMatch", "MatchResult", "RULE_COLUMNS", "Rule", "RuleSet", "RulesError", "auto_match",
    "default_rule_rows", "default_rules", "load_rules", "match_frames", "match_ledgers", "rules_from_frame",
    "rules_from_rows", "rules_from_toml", "rules_to_rows", "rules_to_toml",
]
