"""Save Rules as Default: the Rules sheet as the account's own rule library. The server keeps it with the
account (setting "rules"); a later workbook of the account starts its Rules sheet from it instead of the
built-in library (sheets.write_rules), so a preparer's tuning is not redone every month."""
from __future__ import annotations

from .. import sheets
from .common import current_state
from .context import ActionError, Context
from .registry import handler


@handler("save_rules_default")
def save_rules_default(ctx: Context) -> None:
    """Keep the Rules sheet as the account's default rules for its next workbooks."""
    state = current_state(ctx)
    rows = [r for r in sheets.rule_rows(ctx.book) if any(v not in (None, "") for v in r.values())]
    if not rows:
        raise ActionError("The Rules table is empty, so there is nothing to keep.",
                          "Fill the Rules table (or press Refresh on a new workbook to get the built-in rules), "
                          "then press Save Rules as Default again.")
    ctx.client.put(f"/api/accounts/{state.account['id']}/settings/rules", {"value": {"rows": rows}})
    ctx.say(f"Saved the {len(rows)} rules of this workbook as the default of {state.account['name']}: its next "
            "workbooks start with them.")
