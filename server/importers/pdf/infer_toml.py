"""An inferred layout written as the PDF layout TOML a user writes by hand (layout.py reads both the same way).
Written here rather than with a TOML library: the layout holds only strings, numbers, booleans, lists and inline
tables, and JSON's string escapes are valid TOML basic strings, so a few lines do it without a new dependency."""
from __future__ import annotations

import json


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    return "[" + ", ".join(_value(x) for x in v) + "]"


def to_toml(spec: dict) -> str:
    """The layout as TOML a user can edit (tables of scalars, lists and inline tables only)."""
    head = [f"{k} = {_value(v)}" for k, v in spec.items() if not isinstance(v, dict)]
    out = ["# A PDF layout inferred by Tieout from one statement; check it, rename it, keep it in a profile folder.",
           *head]
    for k, v in spec.items():
        if isinstance(v, dict):
            out += ["", f"[{k}]"]
            for key, x in v.items():
                if key == "columns":
                    out.append("columns = [\n" + "".join(f"    {_value(c)},\n" for c in x) + "]")
                else:
                    out.append(f"{key} = {_value(x)}")
    return "\n".join(out) + "\n"
