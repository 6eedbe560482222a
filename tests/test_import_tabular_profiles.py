"""Layout profiles as data: the shipped ones load and are valid, users add their own ($TIEOUT_HOME/profiles,
--profile-dir), a user profile replaces a shipped one of the same name, and a broken profile is reported
with its file and setting."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tieout.server.cli import main
from tieout.server.errors import InputError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.tabular.layout_profiles import SHIPPED_DIR, ProfileError, load_profile_file, load_profiles

MY_BANK = """
name = "my_credit_union"
title = "My Credit Union export"
signature = ["Trans Amt"]
convention = "signed"
date_format = ["%Y/%m/%d"]
decimal = "."
currency = "USD"
sign = "inverted"

[columns]
date = ["Trans Date"]
description = ["Memo Line"]
amount = ["Trans Amt"]

[types]
"SHARE DRAFT" = "check"

[[type_rules]]
type = "fee"
words = ["courtesy pay"]
"""

FILE = "Trans Date,Memo Line,Trans Amt\n2026/02/01,COURTESY PAY CHARGE,10.00\n2026/02/03,REFUND,-4.00\n"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TIEOUT_HOME", str(home))
    return home


def test_shipped_profiles_load_and_cover_the_layouts():
    names = {p.name for p in load_profiles()}
    assert {"chase_checking", "bofa_checking", "wells_fargo", "uk_paid_in_out", "sparkasse_de", "ing_nl",
            "ocbc_sg", "bunq_nl", "bancoposta_it", "generic"} <= names
    assert sum(1 for p in load_profiles() if p.fallback) == 1
    assert all(p.source.parent == SHIPPED_DIR for p in load_profiles())


def test_profile_from_profile_dirs_is_detected_by_its_header(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mcu.toml").write_text(MY_BANK, encoding="utf-8")
    path = tmp_path / "export.csv"
    path.write_text(FILE, encoding="utf-8")
    result = import_file(path, options=ImportOptions(profile_dirs=(folder,)))
    st = result.statements[0]
    assert [ln.amount for ln in st.lines] == [Decimal("-10.00"), Decimal("4.00")]  # sign = inverted
    assert st.lines[0].type == "fee"
    assert st.currency == "USD"


def test_profile_in_tieout_home_is_used(tmp_path, isolated_home):
    (isolated_home / "profiles").mkdir(parents=True)
    (isolated_home / "profiles" / "mcu.toml").write_text(MY_BANK, encoding="utf-8")
    path = tmp_path / "export.csv"
    path.write_text(FILE, encoding="utf-8")
    assert import_file(path).statements[0].total == Decimal("-6.00")


def test_user_profile_replaces_a_shipped_one_of_the_same_name(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "chase.toml").write_text(MY_BANK.replace('"my_credit_union"', '"chase_checking"'), encoding="utf-8")
    chase = [p for p in load_profiles((folder,)) if p.name == "chase_checking"]
    assert len(chase) == 1 and chase[0].source.parent == folder


def test_cli_profile_and_profile_dir(tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "mcu.toml").write_text(MY_BANK, encoding="utf-8")
    path = tmp_path / "export.csv"
    path.write_text(FILE, encoding="utf-8")
    out = tmp_path / "lines.csv"
    code = main(["import", str(path), "--profile", "my_credit_union", "--profile-dir", str(folder),
                 "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["statements"][0]["total"] == "-6.00"
    assert out.read_text().splitlines()[1].startswith("L2,2026-02-01,-10.00,USD")


@pytest.mark.parametrize("edit,setting", [
    (lambda t: 'bogus = 1\n' + t, "bogus"),
    (lambda t: t.replace('convention = "signed"', 'convention = "sideways"'), "convention"),
    (lambda t: t.replace('decimal = "."', 'decimal = ";"'), "decimal"),
    (lambda t: t.replace('"SHARE DRAFT" = "check"', '"SHARE DRAFT" = "cheque"'), "types.SHARE DRAFT"),
    (lambda t: t.replace('date = ["Trans Date"]', ''), "columns"),
    (lambda t: t.replace('date_format = ["%Y/%m/%d"]', 'date_format = ["julian"]'), "date_format"),
    (lambda t: t.replace('words = ["courtesy pay"]', 'pattern = "(unclosed"'), "type_rules[0].pattern"),
    (lambda t: t.replace('currency = "USD"', 'currency = "dollars"'), "currency"),
    (lambda t: t.replace("[columns]", "[columns"), None),
])
def test_broken_profile_names_file_and_setting(tmp_path, edit, setting):
    path = tmp_path / "broken.toml"
    path.write_text(edit(MY_BANK), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile_file(path)
    assert isinstance(err.value, InputError)
    assert str(path) in str(err.value)
    if setting:
        assert err.value.problems[0].field == setting
    else:
        assert "not valid TOML" in str(err.value)


def test_missing_profile_dir_is_an_input_error(tmp_path):
    with pytest.raises(ProfileError, match="layout profile folder not found"):
        load_profiles((tmp_path / "nowhere",))
