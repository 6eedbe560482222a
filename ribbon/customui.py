"""Generates the ribbon's customUI XML (2006/01 namespace, Office 2007+ on Windows and Office 2016+ on Mac) from
buttons.toml, so the ids, labels and handlers live in one file.

`python -m tieout.ribbon.customui` rewrites ribbon/customUI.xml; `--check` only reports whether it is up to date.
The 2006/01 schema is used rather than 2009/07 (customUI14) because every control we need exists in it and it is the
one Mac Excel and the xlwings add-ins load without question.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lxml import etree

from .buttons import BUTTONS_TOML, Button, Menu, Ribbon, load_ribbon

NAMESPACE = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_XML = Path(__file__).resolve().with_name("customUI.xml")
# Where the part lives inside the .xlam and the package relationship that points at it ([MS-CUSTOMUI] 2.1).
PART_NAME = "customUI/customUI.xml"
RELATIONSHIP_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'  # the form Excel itself writes
_HEADER = "Generated from ribbon/buttons.toml by `python -m tieout.ribbon.customui`. Do not edit by hand."


def _el(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    return etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attrs.items() if v is not None})


def _button(parent: etree._Element, b: Button, callback: str) -> None:
    _el(parent, "button", id=b.id, label=b.label, size=b.size, imageMso=b.image,
        screentip=b.screentip, supertip=b.supertip, onAction=callback)


def _menu(parent: etree._Element, m: Menu, ribbon: Ribbon) -> None:
    menu = _el(parent, "menu", id=m.id, label=m.label, size=m.size, imageMso=m.image, itemSize="normal",
               screentip=m.screentip, supertip=m.supertip)
    for item in ribbon.items_of(m.id):
        _button(menu, item, ribbon.tab.callback)


def build_customui(ribbon: Ribbon) -> bytes:
    """The customUI document as UTF-8 bytes (deterministic: same ribbon, same bytes)."""
    root = etree.Element(f"{{{NAMESPACE}}}customUI", nsmap={None: NAMESPACE})
    root.append(etree.Comment(f" {_HEADER} "))
    tabs = _el(_el(root, "ribbon"), "tabs")
    tab = _el(tabs, "tab", id=ribbon.tab.id, label=ribbon.tab.label)
    for g in ribbon.groups:
        group = _el(tab, "group", id=g.id, label=g.label)
        for control in ribbon.controls_in(g.id):
            if isinstance(control, Menu):
                _menu(group, control, ribbon)
            else:
                _button(group, control, ribbon.tab.callback)
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tieout.ribbon.customui", description=__doc__.splitlines()[0])
    parser.add_argument("--buttons", default=str(BUTTONS_TOML), help="the button list (default: %(default)s)")
    parser.add_argument("--out", default=str(CUSTOMUI_XML), help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out is not what buttons.toml gives")
    args = parser.parse_args(argv)
    xml = build_customui(load_ribbon(args.buttons))
    out = Path(args.out)
    if args.check:
        current = out.read_bytes() if out.exists() else b""
        if current != xml:
            print(f"{out} is out of date: run `python -m tieout.ribbon.customui`", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.write_bytes(xml)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
