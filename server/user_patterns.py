"""Regular expressions that users write in matching rules (`bank_regex`, `ledger_regex` on the Rules sheet or in
a rules TOML), which the server runs itself, against every open line, inside a job.

Python's `re` backtracks, so one careless pattern (`(a+)+$` against a long GL description) can hold a CPU for
hours, and a thread stuck inside `re` cannot even be interrupted by SIGTERM. These patterns therefore run on
RE2 (google-re2), whose time is linear in the text whatever the pattern, under a memory budget for the
compiled program. What RE2 cannot run (backreferences, lookaround) is refused with the reason when the rule is
read; never at matching time. (Layout profiles' patterns need no such care: imports run in the sandbox worker,
whose CPU and memory limits end a runaway pattern with a clear error; see server/sandbox/.)
"""
from __future__ import annotations

from functools import lru_cache

import re2

MAX_PATTERN_CHARS = 2_000
MAX_PROGRAM_BYTES = 8 << 20  # RE2's budget for one compiled pattern; a larger one is refused


UserPattern = type(re2.compile("x"))  # the compiled type, for annotations


class UnsafePattern(ValueError):
    """The pattern cannot be run within the budgets, or not by RE2 (the message says why)."""


@lru_cache(maxsize=512)
def compile_user_pattern(pattern: str, ignore_case: bool = True):
    """The compiled pattern (an RE2 object with `search`, `match`, `fullmatch`, `finditer`, `sub` as `re`'s)."""
    if not isinstance(pattern, str):
        raise UnsafePattern("must be text")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafePattern(f"is {len(pattern):,} characters long; at most {MAX_PATTERN_CHARS:,} are allowed")
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.max_mem = MAX_PROGRAM_BYTES
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise UnsafePattern(f"cannot be used: {reason} (patterns run on RE2, which keeps matching linear in "
                            "time and has no backreferences or lookaround)") from None
