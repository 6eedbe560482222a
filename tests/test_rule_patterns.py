"""A rule's regular expression can never freeze the matcher: users' patterns run on RE2 (linear time), and
what RE2 cannot run is refused when the rule is read, naming the field."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tieout.server.matching import RulesError, rules_from_rows
from tieout.server.user_patterns import MAX_PATTERN_CHARS, UnsafePattern, compile_user_pattern

TESTS = Path(__file__).resolve().parent

# Nested quantifiers against a long run without the final anchor: Python's backtracking `re` takes 2**n steps.
EVIL = "(a+)+$"
EVIL_TEXT = "a" * 60 + "!"


def test_catastrophic_pattern_runs_in_linear_time_on_the_matcher():
    """Runs the real matcher in a child process: a backtracking engine would never return, so the child's
    time limit turns a frozen matcher into a failure instead of a hung suite."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        from match_data import bank_line, ledger_line
        from tieout.server.matching import Rule, RuleSet, auto_match
        text = {EVIL_TEXT!r}
        bank = [bank_line(f"B{{i}}", "2024-03-10", f"-{{100 + i}}.00", "debit", text) for i in range(200)]
        ledger = [ledger_line(f"L{{i}}", "2024-03-10", f"-{{100 + i}}.00", "", text) for i in range(200)]
        rules = RuleSet((Rule(name="evil", priority=1, bank_regex={EVIL!r}, ledger_regex={EVIL!r}),))
        result = auto_match(bank, ledger, rules)
        print(len(result.matched))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # the pattern needs the text to end in "a": it never matches, so the rule matches nothing
    assert done.stdout.strip() == "0"


def test_matching_pattern_still_filters():
    from match_data import bank_line, ledger_line

    from tieout.server.matching import Rule, RuleSet, auto_match
    bank = [bank_line("B1", "2024-03-10", "-25.00", "fee", "SERVICE FEE MARCH"),
            bank_line("B2", "2024-03-10", "-25.00", "debit", "ACME SUPPLIES")]
    ledger = [ledger_line("L1", "2024-03-10", "-25.00", "", "Bank charges")]
    rules = RuleSet((Rule(name="fees", priority=1, bank_regex=r"\bfee\b"),))
    result = auto_match(bank, ledger, rules)
    assert [(g.bank_ids, g.ledger_ids) for g in result.matched] == [(("B1",), ("L1",))]


@pytest.mark.parametrize("pattern,words", [
    (r"(\d+)-\1", "backreferences"),
    ("(?=INV)INV", "lookaround"),
    ("x" * (MAX_PATTERN_CHARS + 1), "at most"),
    ("(unclosed", "missing )"),
])
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern, words):
    with pytest.raises(UnsafePattern) as err:
        compile_user_pattern(pattern)
    assert words in str(err.value)


def test_refusal_names_the_rule_row_and_field():
    with pytest.raises(RulesError) as err:
        rules_from_rows([{"name": "ok", "priority": 1, "ledger_regex": "INV\\d+"},
                         {"name": "bad", "priority": 2, "ledger_regex": "(?<!CR)NOTE"}])
    (problem,) = err.value.problems
    assert problem.field == "ledger_regex" and problem.line == 3 and "lookaround" in problem.problem


def test_case_is_ignored_as_before():
    assert compile_user_pattern("fee").search("Monthly FEE") is not None
    assert compile_user_pattern("fee", ignore_case=False).search("Monthly FEE") is None
