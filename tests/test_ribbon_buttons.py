"""The ribbon's definition: buttons.toml, the generated customUI.xml, Microsoft's customUI schema, the VBA callback."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings, strategies as st
from lxml import etree

REPO = Path(__file__).resolve().parents[1]

from tieout.ribbon.buttons import BUTTONS_TOML, load_ribbon, parse_ribbon
from tieout.ribbon.customui import CUSTOMUI_XML, NAMESPACE, build_customui, main as customui_main
from tieout.server.errors import InputError

RIBBON = REPO / "ribbon"
XSD = RIBBON / "schema" / "customUI.xsd"
NS = {"c": NAMESPACE}

# The brief's buttons: id -> (label, group label).
EXPECTED = {
    "btnImportBankFile": ("Import Bank File", "Import"),
    "btnImportGLTemplate": ("Import GL Template", "Import"),
    "btnAutoMatch": ("Auto-Match", "Match"),
    "btnMatchSelected": ("Match Selected", "Match"),
    "btnUnmatchSelected": ("Unmatch Selected", "Match"),
    "btnAcceptMatches": ("Accept Matches", "Match"),
    "btnSaveRulesDefault": ("Save Rules as Default", "Match"),
    "btnMatchFiltered": ("Match Filtered", "Match"),
    "btnNewTxnCustom": ("Custom Entry", "Post"),
    "btnNewTxnLiability": ("Liability Entry", "Post"),
    "btnNewTxnCashEntry": ("Cash Entry", "Post"),
    "btnPostNewTransactions": ("Post New Transactions", "Post"),
    "btnAcknowledgeFindings": ("Acknowledge Findings", "Review"),
    "btnSubmitForReview": ("Submit for Review", "Review"),
    "btnApprove": ("Approve", "Review"),
    "btnReject": ("Reject", "Review"),
    "btnRevert": ("Revert", "Review"),
    "btnRefresh": ("Refresh", "Review"),
    "btnReport": ("Report", "Review"),
    "btnWorkspace": ("Workspace", "Review"),
}
EXPECTED.update({  # ledger against ledger (issue 16)
    "btnLedgerImport": ("Import Ledger", "Ledger"),
    "btnLedgerRetrieve": ("Retrieve", "Ledger"),
    "btnLedgerAutoMatch": ("Auto-Match", "Ledger"),
    "btnLedgerReconcile": ("Reconcile Selected", "Ledger"),
    "btnLedgerUnreconcile": ("Unreconcile", "Ledger"),
    "btnLedgerRerun": ("Rerun", "Ledger"),
    "btnSubledgerCheck": ("Subledger Check", "Ledger"),
    "btnCashApplication": ("Cash Application", "Ledger"),
})
EXPECTED.update({  # Manual accounts (issue 15)
    "btnManualReconciliation": ("Manual Reconciliation", "Manual"),
    "btnManualItem": ("Reconciling Item", "Manual"),
})
EXPECTED["btnForgetLayout"] = ("Forget Layout", "Import")  # gaps13


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(XSD))


@pytest.fixture(scope="module")
def xml_root() -> etree._Element:
    return etree.fromstring(CUSTOMUI_XML.read_bytes())


def test_checked_in_customui_is_what_buttons_toml_generates():
    assert CUSTOMUI_XML.read_bytes() == build_customui(load_ribbon())


def test_customui_check_mode_reports_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "customUI.xml"
    stale.write_bytes(CUSTOMUI_XML.read_bytes().replace(b'label="Approve"', b'label="OK"'))
    assert customui_main(["--out", str(stale), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert customui_main(["--out", str(stale)]) == 0
    assert customui_main(["--out", str(stale), "--check"]) == 0


def test_customui_is_valid_against_microsofts_schema(schema):
    errors = list(schema.iter_errors(str(CUSTOMUI_XML)))
    assert errors == []


@pytest.mark.parametrize("old, new, reason", [
    (b'size="large" imageMso="ImportTextFile"', b'size="huge" imageMso="ImportTextFile"', "size"),
    (b'<button id="btnNewTxnCustom" label="Custom Entry"', b'<button id="btnNewTxnCustom" size="large" '
                                                           b'label="Custom Entry"', "size"),
    (b'id="btnReport"', b'id="btnRefresh"', "duplicated"),
    (b'<tab id="tabTieout"', b'<tab id="tab Tieout"', "tab Tieout"),
])
def test_schema_rejects_broken_ribbons(schema, old, new, reason):
    """The validator is the real thing: the mistakes Excel would refuse are caught."""
    broken = CUSTOMUI_XML.read_bytes()
    assert old in broken
    errors = list(schema.iter_errors(broken.replace(old, new, 1).decode()))
    assert errors and reason in str(errors[0])


def test_tab_groups_and_buttons_are_the_briefs(xml_root):
    tabs = xml_root.findall("c:ribbon/c:tabs/c:tab", NS)
    assert [(t.get("id"), t.get("label")) for t in tabs] == [("tabTieout", "Reconcile")]
    groups = tabs[0].findall("c:group", NS)
    assert [g.get("label") for g in groups] == ["Import", "Match", "Post", "Review", "Ledger", "Manual"]
    found = {}
    for g in groups:
        for b in g.iter(f"{{{NAMESPACE}}}button"):
            found[b.get("id")] = (b.get("label"), g.get("label"))
    assert found == EXPECTED


def test_new_transaction_is_a_menu_of_three(xml_root):
    menus = xml_root.findall(".//c:menu", NS)
    assert len(menus) == 1 and menus[0].get("label") == "New Transaction"
    assert [b.get("id") for b in menus[0].findall("c:button", NS)] == [
        "btnNewTxnCustom", "btnNewTxnLiability", "btnNewTxnCashEntry"]


def test_every_control_has_icon_tips_and_a_sensible_size(xml_root):
    for el in xml_root.iter(f"{{{NAMESPACE}}}button", f"{{{NAMESPACE}}}menu"):
        assert el.get("screentip") and el.get("supertip"), el.get("id")
        in_menu = el.getparent().tag == f"{{{NAMESPACE}}}menu"
        if not in_menu:
            assert el.get("imageMso"), el.get("id")
            assert el.get("size") in ("large", "normal"), el.get("id")
    large = {el.get("id") for el in xml_root.iter() if el.get("size") == "large"}
    assert {"btnImportBankFile", "btnAutoMatch", "btnAcceptMatches", "mnuNewTransaction",
            "btnPostNewTransactions", "btnSubmitForReview", "btnApprove"} <= large


def test_buttons_toml_and_xml_list_the_same_buttons(xml_root):
    ribbon = load_ribbon()
    xml_buttons = {b.get("id"): b for b in xml_root.iter(f"{{{NAMESPACE}}}button")}
    assert set(xml_buttons) == {b.id for b in ribbon.buttons}
    for b in ribbon.buttons:
        el = xml_buttons[b.id]
        assert (el.get("label"), el.get("imageMso"), el.get("size"), el.get("screentip"), el.get("supertip")) == \
               (b.label, b.image, b.size, b.screentip, b.supertip)
        parent = el.getparent()
        assert parent.get("id") == (b.menu or b.group)


def test_handlers_are_unique_python_names_for_the_add_in():
    handlers = load_ribbon().handlers()
    assert len(handlers) == len(EXPECTED) and len(set(handlers.values())) == len(EXPECTED)
    assert handlers["btnImportBankFile"] == "import_bank_file"
    assert handlers["btnNewTxnCashEntry"] == "new_transaction_cash_entry"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", h) for h in handlers.values())


def _vba_subs() -> dict[str, dict[str, str]]:
    """Module name -> {Sub name: parameter list} for every .bas in ribbon/."""
    modules = {}
    for path in RIBBON.glob("*.bas"):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        name = re.match(r'Attribute VB_Name = "(\w+)"\n', text).group(1)
        modules[name] = dict(re.findall(r"^(?:Public )?Sub (\w+)\(([^)]*)\)\s*$", text, re.MULTILINE))
    return modules


def test_every_on_action_names_a_ribbon_callback_in_the_bas(xml_root):
    subs = _vba_subs()
    actions = {el.get("onAction") for el in xml_root.iter() if el.get("onAction")}
    assert actions == {"Tieout.TieoutButton"}
    for action in actions:
        module, sub = action.split(".")
        assert subs[module][sub] == "control As IRibbonControl"


def test_the_callback_hands_the_control_id_to_the_dispatcher():
    text = (RIBBON / "Tieout.bas").read_text(encoding="utf-8").replace("\r\n", "\n")
    assert text.startswith('Attribute VB_Name = "Tieout"\n')
    body = re.search(r"Sub TieoutButton\(control As IRibbonControl\)\n(.*?)\nEnd Sub", text, re.S).group(1)
    assert body.strip() == ('RunPython "import tieout.addin.dispatch as d; d.dispatch(\'" & control.Id & "\')"')


def _minimal(**changes) -> dict:
    data = {
        "tab": {"id": "tabX", "label": "X", "callback": "Mod.Go"},
        "group": [{"id": "grpA", "label": "A"}],
        "button": [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "one", "image": "Undo",
                    "size": "large", "screentip": "s", "supertip": "t"}],
    }
    data.update(changes)
    return data


def test_parse_accepts_a_minimal_ribbon():
    ribbon = parse_ribbon(_minimal())
    assert ribbon.handlers() == {"btnOne": "one"}
    assert [c.id for c in ribbon.controls_in("grpA")] == ["btnOne"]


@pytest.mark.parametrize("changes, expected", [
    ({"button": [{"id": "btnOne", "group": "grpB", "label": "One", "handler": "one", "image": "Undo",
                  "size": "large", "screentip": "s", "supertip": "t"}]},
     "record button #1 (btnOne), field 'group': names group 'grpB', which is not defined"),
    ({"button": [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "One-Handler", "image": "Undo",
                  "size": "large", "screentip": "s", "supertip": "t"}]},
     "record button #1 (btnOne), field 'handler': 'One-Handler' does not match"),
    ({"button": [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "one", "image": "Undo",
                  "size": "big", "screentip": "s", "supertip": "t"}]},
     "record button #1 (btnOne), field 'size': 'big' is not one of normal, large"),
    ({"button": [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "one", "image": "Undo",
                  "size": "large", "screentip": "s", "supertip": "t", "colour": "red"}]},
     "record button #1 (btnOne), field 'colour': is not a known key"),
    ({"button": [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "one", "image": "Undo",
                  "size": "large", "supertip": "t"}]},
     "record button #1 (btnOne), field 'screentip': is missing"),
])
def test_parse_names_the_entry_and_field_of_each_problem(changes, expected):
    with pytest.raises(InputError) as err:
        parse_ribbon(_minimal(**changes), "buttons.toml")
    assert str(err.value).startswith("buttons.toml: ")
    assert expected in str(err.value)


def test_parse_reports_duplicate_ids_and_handlers_together():
    two = [{"id": "btnOne", "group": "grpA", "label": "One", "handler": "one", "image": "Undo",
            "size": "large", "screentip": "s", "supertip": "t"}] * 2
    with pytest.raises(InputError) as err:
        parse_ribbon(_minimal(button=two))
    assert len(err.value.problems) == 2
    assert "id 'btnOne' is already used by a button" in str(err.value)
    assert "handler 'one' is already the handler of btnOne" in str(err.value)


def test_a_menu_item_may_not_set_a_size():
    data = _minimal(menu=[{"id": "mnuM", "group": "grpA", "label": "M", "image": "Undo", "size": "large",
                           "screentip": "s", "supertip": "t"}])
    data["button"].append({"id": "btnItem", "menu": "mnuM", "label": "Item", "handler": "item", "size": "large",
                           "screentip": "s", "supertip": "t"})
    with pytest.raises(InputError, match="record button #2 \\(btnItem\\), field 'size': a menu item takes"):
        parse_ribbon(data)


def test_load_reports_bad_toml_with_the_file_name(tmp_path):
    bad = tmp_path / "buttons.toml"
    bad.write_text("[tab\nid = 1\n")
    with pytest.raises(InputError, match=r"buttons.toml: is not valid TOML: .*line 1"):
        load_ribbon(bad)
    missing = tmp_path / "nope.toml"
    with pytest.raises(InputError, match="nope.toml: cannot read"):
        load_ribbon(missing)


def test_default_buttons_file_is_the_one_in_ribbon():
    assert BUTTONS_TOML == RIBBON / "buttons.toml"


_KEYS = st.sampled_from(["id", "label", "group", "menu", "handler", "image", "size", "screentip", "supertip",
                         "callback", "other"])
_VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=12), st.sampled_from(["grpA", "btnOne", "large"]))
_TABLE = st.dictionaries(_KEYS, _VALUES.filter(lambda v: v is not None), max_size=9)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["tab", "group", "menu", "button", "extra"]),
                       st.one_of(_TABLE, st.lists(_TABLE, max_size=4), _VALUES), max_size=5))
def test_parse_raises_only_input_error_on_any_shape_of_toml(data):
    try:
        ribbon = parse_ribbon(data)
    except InputError as exc:
        assert exc.problems and str(exc).startswith("buttons.toml: ")
    else:
        assert ribbon.buttons and set(ribbon.handlers()) == {b.id for b in ribbon.buttons}


def test_a_table_where_an_array_of_tables_belongs_is_reported():
    data = _minimal(group={"id": "grpA", "label": "A"})
    with pytest.raises(InputError, match=r"record group: must be written as \[\[group\]\] tables"):
        parse_ribbon(data)
