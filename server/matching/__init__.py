"""Auto-matching of bank lines against ledger lines. `auto_match` is the engine's one entry point."""
from .engine import MatchResult, auto_match

__all__ = ["MatchResult", "auto_match"]
