"""Import group: Forget Layout. A layout the user confirmed once (layout_confirm.py) reads every later file of
that bank without asking, so one confirmed wrongly would go on reading them wrongly. Forgetting it deletes the
user's profile and takes it out of the import options the workbook's account remembers (on the server, where
the change is audited), so the bank's next file is inferred and shown for confirmation again."""
from __future__ import annotations

from ...server.errors import InputError
from ...server.importers.tabular.user_profiles import forget, user_profiles
from .context import REC_ID, ActionError, Context
from .import_options import SETTING, remembered_for
from .registry import handler


def _forget_on_account(ctx: Context, name: str) -> str:
    """Takes `name` out of the linked account's remembered import options; says so ("" when it had none)."""
    if ctx.setting(REC_ID) is None:
        return ""
    account = ctx.client.get(f"/api/reconciliations/{ctx.rec_id()}")["account"]
    kept = remembered_for(ctx, account["id"])
    if kept.get("profile") != name:
        return ""
    ctx.client.put(f"/api/accounts/{account['id']}/settings/{SETTING}",
                   {"value": {k: v for k, v in kept.items() if k != "profile"}})
    return f" {account['name']} no longer imports with it by default."


@handler("forget_layout", options=("profile",), sync=False)
def forget_layout(ctx: Context) -> None:
    """Forget a layout you kept for a bank's files, so its next file is read and confirmed afresh."""
    mine = [e.name for e in user_profiles()]
    if not mine:
        raise ActionError("You have kept no layouts of your own, so there is nothing to forget.",
                          "A layout is kept when you confirm the layout Tieout read for a bank's file at Import "
                          "Bank File.")
    name = ctx.arg("profile") or ctx.book.ask_choice(
        "Which of your layouts should Tieout forget? That bank's next file is read afresh and shown for you to "
        "confirm.", mine, "Tieout: Forget Layout")
    if not name:
        raise ActionError("No layout was chosen, so nothing was forgotten.",
                          f"Press Forget Layout again and pick one of yours ({', '.join(mine)})"
                          + ctx.batch_hint("--profile NAME") + ".")
    try:
        gone = forget(name)
    except InputError as exc:
        raise ActionError(f"{exc.problems[0].problem}.", f"Pick one of yours: {', '.join(mine)}"
                          + ctx.batch_hint("--profile NAME") + ".") from None
    ctx.say(f"Forgot your layout {gone.name}: the next file it read is inferred again and shown on the Import "
            f"Layout sheet for you to confirm." + _forget_on_account(ctx, gone.name))
