"""What an account remembers between workbooks: the import options its preparer last chose (currency, date
order, layout profile, format) and the Rules sheet saved as the account's default. Each is one JSON object,
named; who set it and when is kept, and every change is in the audit trail."""
from __future__ import annotations

import json

from sqlalchemy import select

from ..controls.workflow import Refusal
from ..store.models import AccountSetting
from .accounts import get_account, roles_on
from .context import Change, bad_input, now, utc_iso

# name -> the keys its object may hold (None: any, e.g. the rules table's rows)
NAMES: dict[str, tuple[str, ...] | None] = {
    "import_options": ("currency", "date_order", "profile", "format"),
    "rules": ("rows",),
}
MAX_BYTES = 512 * 1024


def _name(name: str) -> str:
    if name not in NAMES:
        raise Refusal("not_found", f"no account setting {name!r} (known: {', '.join(NAMES)})", 404)
    return name


def get_setting(session, account_id: int, name: str) -> dict:
    get_account(session, account_id)
    row = session.scalar(select(AccountSetting).where(AccountSetting.account_id == account_id,
                                                      AccountSetting.name == _name(name)))
    if row is None:
        return {"name": name, "value": {}, "set_at": None}
    return {"name": name, "value": json.loads(row.value), "set_at": utc_iso(row.set_at)}


def put_setting(ch: Change, account_id: int, name: str, data: dict) -> dict:
    """Replace the setting with `data["value"]` (an object); only the account's preparers (or an admin)."""
    get_account(ch.session, account_id)
    if not ch.actor.is_admin and "preparer" not in roles_on(ch.session, account_id, ch.actor.id):
        raise Refusal("forbidden", f"{ch.actor.name} is not a preparer of this account", 403)
    value = data.get("value")
    if not isinstance(value, dict):
        raise bad_input("field 'value': must be an object")
    allowed = NAMES[_name(name)]
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise bad_input(f"field 'value.{unknown[0]}': not a {name} setting ({', '.join(allowed)})")
    text = json.dumps(value, sort_keys=True, default=str)
    if len(text) > MAX_BYTES:
        raise bad_input(f"field 'value': larger than {MAX_BYTES // 1024} KiB")
    row = ch.session.scalar(select(AccountSetting).where(AccountSetting.account_id == account_id,
                                                         AccountSetting.name == name))
    before = json.loads(row.value) if row else None
    if row is None:
        row = AccountSetting(account_id=account_id, name=name, value=text, set_by=ch.actor.id, set_at=now())
        ch.session.add(row)
    else:
        row.value, row.set_by, row.set_at = text, ch.actor.id, now()
    ch.session.flush()
    if before != json.loads(text):
        ch.audit(f"account.setting.{name}", "account", account_id, before, json.loads(text))
    return get_setting(ch.session, account_id, name)


def forget_profile(ch: Change, profile: str) -> list[int]:
    """Takes the layout profile `profile` out of every account's remembered import options, once the user forgot
    it (a remembered name of a deleted profile would stop the account's next import); each account's change is
    audited as any change of the setting. Returns the accounts changed."""
    changed = []
    for row in ch.session.scalars(select(AccountSetting).where(AccountSetting.name == "import_options")
                                  .order_by(AccountSetting.account_id)):
        before = json.loads(row.value)
        if before.get("profile") != profile:
            continue
        after = {k: v for k, v in before.items() if k != "profile"}
        row.value, row.set_by, row.set_at = json.dumps(after, sort_keys=True), ch.actor.id, now()
        ch.audit("account.setting.import_options", "account", row.account_id, before, after)
        changed.append(row.account_id)
    ch.session.flush()
    return changed
