"""Loads ribbon/buttons.toml, the one list of the Reconcile tab's controls, into immutable records.

The TOML is checked whole before anything is built from it, and every problem is reported at once (InputError
naming the entry and field), so a typo in an id or a handler name never reaches Excel.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tieout.server.errors import InputError, Problem

BUTTONS_TOML = Path(__file__).resolve().with_name("buttons.toml")

# A control id: camelCase, letters and digits only (valid as an XML ID and as a VBA string literal).
_ID = re.compile(r"^[a-z][A-Za-z0-9]{1,63}$")
_HANDLER = re.compile(r"^[a-z][a-z0-9_]{1,63}$")  # a Python function name in snake_case
_IMAGE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,127}$")  # an imageMso name
_CALLBACK = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$")  # Module.Sub
_SIZES = ("normal", "large")
_TIP_MAX = 1024  # customUI ST_String limit for screentip/supertip/label


@dataclass(frozen=True)
class Tab:
    id: str
    label: str
    callback: str  # "Module.Sub": the one VBA Sub every control's onAction names


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Menu:
    """A drop-down in a group whose items are buttons (e.g. New Transaction)."""

    id: str
    group: str
    label: str
    image: str
    size: str
    screentip: str
    supertip: str


@dataclass(frozen=True)
class Button:
    """One pressable control. Exactly one of `group` (placed in a group) or `menu` (an item of a menu) is set."""

    id: str
    label: str
    handler: str  # the Python handler the add-in implements for this control
    screentip: str
    supertip: str
    group: str | None = None
    menu: str | None = None
    image: str | None = None
    size: str | None = None  # only for buttons placed directly in a group


@dataclass(frozen=True)
class Ribbon:
    tab: Tab
    groups: tuple[Group, ...]
    menus: tuple[Menu, ...]
    buttons: tuple[Button, ...]
    order: tuple[str, ...]  # ids of the menus and buttons placed in groups, in the order the groups show them

    def handlers(self) -> dict[str, str]:
        """Control id -> Python handler name, for the add-in's dispatcher."""
        return {b.id: b.handler for b in self.buttons}

    def controls_in(self, group_id: str) -> list[Menu | Button]:
        """The group's controls in file order (menus and buttons interleaved as written)."""
        by_id = {c.id: c for c in (*self.menus, *self.buttons)}
        return [by_id[i] for i in self.order if by_id[i].group == group_id]

    def items_of(self, menu_id: str) -> list[Button]:
        return [b for b in self.buttons if b.menu == menu_id]


def _text(entry: dict, key: str, where: str, problems: list[Problem], *, required: bool = True,
          pattern: re.Pattern | None = None, choices: tuple[str, ...] = ()) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            problems.append(Problem("is missing", field=key, record=where))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"must be a non-empty string, got {value!r}", field=key, record=where))
        return None
    if len(value) > _TIP_MAX:
        problems.append(Problem(f"is {len(value)} characters long, the ribbon allows {_TIP_MAX}",
                                field=key, record=where))
    if pattern is not None and not pattern.match(value):
        problems.append(Problem(f"{value!r} does not match {pattern.pattern}", field=key, record=where))
    if choices and value not in choices:
        problems.append(Problem(f"{value!r} is not one of {', '.join(choices)}", field=key, record=where))
    return value


def _unknown_keys(entry: dict, allowed: set[str], where: str, problems: list[Problem]) -> None:
    for key in sorted(set(entry) - allowed):
        problems.append(Problem("is not a known key (typo?)", field=key, record=where))


def _tables(data: dict, key: str, problems: list[Problem]) -> list[dict]:
    """The entries of an array of tables ([[key]]); anything else there is a problem, not a crash."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(f"must be written as [[{key}]] tables", record=key))
        return []
    return value


def parse_ribbon(data: dict, source: str = "buttons.toml") -> Ribbon:
    """Checks the parsed TOML and builds the records; raises InputError listing every problem."""
    problems: list[Problem] = []
    _unknown_keys(data, {"tab", "group", "menu", "button"}, "top level", problems)

    tab_entry = data.get("tab")
    if not isinstance(tab_entry, dict):
        raise InputError(source, Problem("a [tab] table is required", record="tab"))
    _unknown_keys(tab_entry, {"id", "label", "callback"}, "tab", problems)
    tab = Tab(id=_text(tab_entry, "id", "tab", problems, pattern=_ID) or "",
              label=_text(tab_entry, "label", "tab", problems) or "",
              callback=_text(tab_entry, "callback", "tab", problems, pattern=_CALLBACK) or "")

    groups: list[Group] = []
    for i, g in enumerate(_tables(data, "group", problems), 1):
        where = f"group #{i} ({g.get('id', '?')})"
        _unknown_keys(g, {"id", "label"}, where, problems)
        groups.append(Group(id=_text(g, "id", where, problems, pattern=_ID) or "",
                            label=_text(g, "label", where, problems) or ""))
    if not groups:
        problems.append(Problem("at least one [[group]] is required", record="group"))
    group_ids = {g.id for g in groups}

    menus: list[Menu] = []
    menu_keys = {"id", "group", "label", "image", "size", "screentip", "supertip"}
    for i, m in enumerate(_tables(data, "menu", problems), 1):
        where = f"menu #{i} ({m.get('id', '?')})"
        _unknown_keys(m, menu_keys, where, problems)
        menu = Menu(id=_text(m, "id", where, problems, pattern=_ID) or "",
                    group=_text(m, "group", where, problems) or "",
                    label=_text(m, "label", where, problems) or "",
                    image=_text(m, "image", where, problems, pattern=_IMAGE) or "",
                    size=_text(m, "size", where, problems, choices=_SIZES) or "",
                    screentip=_text(m, "screentip", where, problems) or "",
                    supertip=_text(m, "supertip", where, problems) or "")
        if menu.group and menu.group not in group_ids:
            problems.append(Problem(f"names group {menu.group!r}, which is not defined", field="group",
                                    record=where))
        menus.append(menu)
    menu_ids = {m.id for m in menus}

    buttons: list[Button] = []
    button_keys = {"id", "group", "menu", "label", "handler", "image", "size", "screentip", "supertip"}
    for i, b in enumerate(_tables(data, "button", problems), 1):
        where = f"button #{i} ({b.get('id', '?')})"
        _unknown_keys(b, button_keys, where, problems)
        in_menu = "menu" in b
        button = Button(
            id=_text(b, "id", where, problems, pattern=_ID) or "",
            label=_text(b, "label", where, problems) or "",
            handler=_text(b, "handler", where, problems, pattern=_HANDLER) or "",
            screentip=_text(b, "screentip", where, problems) or "",
            supertip=_text(b, "supertip", where, problems) or "",
            group=_text(b, "group", where, problems, required=not in_menu),
            menu=_text(b, "menu", where, problems, required=False),
            image=_text(b, "image", where, problems, required=not in_menu, pattern=_IMAGE),
            size=_text(b, "size", where, problems, required=not in_menu, choices=_SIZES),
        )
        if button.group and button.menu:
            problems.append(Problem("set either 'group' or 'menu', not both", field="menu", record=where))
        if button.group and button.group not in group_ids:
            problems.append(Problem(f"names group {button.group!r}, which is not defined", field="group",
                                    record=where))
        if button.menu and button.menu not in menu_ids:
            problems.append(Problem(f"names menu {button.menu!r}, which is not defined", field="menu",
                                    record=where))
        if button.menu and button.size:
            problems.append(Problem("a menu item takes the menu's size; remove 'size'", field="size",
                                    record=where))
        buttons.append(button)
    if not buttons:
        problems.append(Problem("at least one [[button]] is required", record="button"))

    seen: dict[str, str] = {}
    for kind, items in (("tab", [tab]), ("group", groups), ("menu", menus), ("button", buttons)):
        for item in items:
            if item.id and item.id in seen:
                problems.append(Problem(f"id {item.id!r} is already used by a {seen[item.id]}", field="id",
                                        record=f"{kind} {item.id}"))
            seen.setdefault(item.id, kind)
    handler_of: dict[str, str] = {}
    for b in buttons:
        if b.handler and b.handler in handler_of:
            problems.append(Problem(f"handler {b.handler!r} is already the handler of {handler_of[b.handler]}",
                                    field="handler", record=f"button {b.id}"))
        handler_of.setdefault(b.handler, b.id)
    for g in groups:
        if not any(c.group == g.id for c in [*menus, *buttons]):
            problems.append(Problem("has no controls", record=f"group {g.id}"))
    for m in menus:
        if not any(b.menu == m.id for b in buttons):
            problems.append(Problem("has no items", record=f"menu {m.id}"))

    if problems:
        raise InputError(source, problems)
    order = _group_order(buttons)
    return Ribbon(tab=tab, groups=tuple(groups), menus=tuple(menus), buttons=tuple(buttons), order=order)


def _group_order(buttons: list[Button]) -> tuple[str, ...]:
    """Order of the controls placed in groups. TOML keeps the order within [[menu]] and within [[button]] but not how
    the two interleave, so a menu takes the place of its first item in the button list."""
    order: list[str] = []
    placed: set[str] = set()
    for b in buttons:
        if b.menu and b.menu not in placed:
            order.append(b.menu)
            placed.add(b.menu)
        if b.group:
            order.append(b.id)
    return tuple(order)


def load_ribbon(path: Path | str = BUTTONS_TOML) -> Ribbon:
    """Reads and checks buttons.toml (default: the one beside this module)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"is not valid TOML: {exc}") from None
    return parse_ribbon(data, str(path))
