"""Import Bank File asks for what the file does not say (date order, currency, account, balances), takes the
answers as options in batch mode, remembers them per account on the server, and no message it shows in Excel
names a command-line option, an environment variable or a file of the repository.

The dialogs are answered by `Asked`: the saved-workbook adapter with a person's answers scripted (Excel itself
is the only thing doubled; the server, the import and the workbook are real)."""
from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from test_addin_kit import live, new_book, ok, run, table  # noqa: F401 (fixtures)
from tieout.addin.dispatch import run_handler
from tieout.addin.xlsx_workbook import XlsxWorkbook

HANDLERS = Path(__file__).resolve().parents[1] / "addin" / "handlers"
# a command-line option, an environment variable, a repository file, a tieout command
NOT_FOR_EXCEL = re.compile(r"(?<![\w-])--[a-z]|\$?TIEOUT_[A-Z]|[\w/]+\.(py|md|toml)\b|`tieout|(?<![.\w])tieout [a-z]+ ")


class Asked(XlsxWorkbook):
    """The saved workbook with a person at it: each dialog takes the next scripted answer; questions are kept."""

    interactive = True

    def __init__(self, path, answers: list, **kw):
        super().__init__(path, echo=lambda text: None, **kw)
        self.answers, self.questions = list(answers), []

    def _next(self, prompt, kind):
        self.questions.append((kind, prompt))
        return self.answers.pop(0) if self.answers else None

    def ask_choice(self, prompt, choices, title="Tieout"):
        return self._next(prompt, ("choice", tuple(choices)))

    def ask_text(self, prompt, title="Tieout"):
        return self._next(prompt, "text")

    def ask_yes_no(self, prompt, title="Tieout"):
        return self._next(prompt, "yes_no")


def ambiguous_csv(path: Path, month: int, order: str = "day_first", text: str = "TESCO") -> Path:
    """No currency, no balances, no account; dates 3-5 of `month` written in `order`, which read as well the
    other way round (the 2nd of three months)."""
    day = (lambda d: f"{d:02d}/{month:02d}/2026") if order == "day_first" else (lambda d: f"{month:02d}/{d:02d}/2026")
    path.write_text("Date,Description,Amount\n"
                    f"{day(3)},CARD PAYMENT {text},-{len(text)}.50\n"
                    f"{day(4)},SALARY ACME LTD,2500.00\n"
                    f"{day(5)},DIRECT DEBIT COUNCIL TAX,-150.00\n", encoding="utf-8")
    return path


def ambiguous_qif(path: Path, month: int) -> Path:
    """QIF states no currency and no date order: 03/02/2026 is 3 February or March 2 (QIF's default order)."""
    path.write_text("!Type:Bank\n" + "".join(f"D{d:02d}/{month:02d}/2026\nT-{d}.00\nPSHOP {d}\n^\n" for d in (3, 4, 5)),
                    encoding="utf-8")
    return path


def press(live, path, name, answers, user="alice", **args):
    book = Asked(path, answers)
    outcome = run_handler(name, book, {k: str(v) for k, v in args.items()}, live.client(user))
    book.save()
    return outcome, book


def test_batch_mode_names_the_option_for_each_thing_the_file_does_not_say(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    csv = ambiguous_csv(tmp_path / "feb.csv", 2)
    outcome, _ = run(live, path, "import_bank_file", file=csv, account_name="Ops", confirm_layout="yes")
    assert outcome.exit_code == 2
    assert "feb.csv was not imported: its dates can be read two ways" in outcome.error
    assert "--date-order day_first or --date-order month_first" in outcome.error
    outcome, _ = run(live, path, "import_bank_file", file=csv, account_name="Ops", confirm_layout="yes",
                     date_order="day_first")
    assert outcome.exit_code == 2 and "feb.csv does not state its currency" in outcome.error
    assert "(batch mode: --currency GBP)" in outcome.error
    assert XlsxWorkbook(path).get_setting("ReconciliationId") is None  # nothing was linked or created

    outcome, _ = ok(live, path, "import_bank_file", file=csv, account_name="Ops", confirm_layout="yes",
                    date_order="day_first", currency="GBP")
    assert [r["date"].date() for r in table(path, "Bank Statement")] == [dt.date(2026, 2, d) for d in (3, 4, 5)]
    acc = live.call("GET", f"/api/reconciliations/{XlsxWorkbook(path).get_setting('ReconciliationId')}",
                    user="alice")["account"]
    assert acc["currency"] == "GBP"
    kept = live.call("GET", f"/api/accounts/{acc['id']}/settings/import_options", user="alice")["value"]
    assert kept == {"currency": "GBP", "date_order": "day_first"}

    # a QIF file of the same account in a new workbook: the remembered answers read it, nothing is asked or given
    # (without them QIF's own order, month first, would read 03/02/2026 as March 2)
    qif = new_book(tmp_path / "Rec-qif.xlsx")
    ok(live, qif, "import_bank_file", file=ambiguous_qif(tmp_path / "feb.qif", 2), account_name="Ops")
    shops = [r for r in table(qif, "Bank Statement") if r["description"].startswith("SHOP")]
    assert [r["date"].date() for r in shops] == [dt.date(2026, 2, d) for d in (3, 4, 5)]
    assert {r["currency"] for r in shops} == {"GBP"}
    assert XlsxWorkbook(qif).get_setting("ReconciliationId") == XlsxWorkbook(path).get_setting("ReconciliationId")


def test_excel_asks_once_and_the_account_remembers_the_answers(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    csv = ambiguous_csv(tmp_path / "feb.csv", 2, "month_first")
    # date order, currency, confirm the inferred layout, opening and closing balance, then the account's name
    outcome, book = press(live, path, "import_bank_file",
                          ["Month first (03/04/2026 is March 4)", "usd", True, "1000.00", "", "Savings"], file=csv)
    assert outcome.ok, outcome.error
    kinds = [k if isinstance(k, str) else k[0] for k, _ in book.questions]
    assert kinds == ["choice", "text", "yes_no", "text", "text", "text"]
    assert book.questions[0][0][1] == ("Day first (03/04/2026 is 3 April)", "Month first (03/04/2026 is March 4)")
    assert "can be read two ways" in book.questions[0][1] and "does not state its currency" in book.questions[1][1]
    assert "does not state its opening balance" in book.questions[3][1]
    assert [r["date"].date() for r in table(path, "Bank Statement")] == [dt.date(2026, 2, d) for d in (3, 4, 5)]
    rec_id = XlsxWorkbook(path).get_setting("ReconciliationId")
    (st,) = live.call("GET", f"/api/reconciliations/{rec_id}/statements", user="alice")
    assert st["opening_balance"] == "1000.00" and st["closing_balance"] is None  # left blank: Summary asks later
    rec = live.call("GET", f"/api/reconciliations/{rec_id}", user="alice")
    assert rec["account"]["name"] == "Savings" and rec["account"]["currency"] == "USD"

    # the next file of this workbook: the confirmed layout and the account answer date order and currency; only
    # the balances are asked
    again = ambiguous_csv(tmp_path / "feb-2.csv", 2, "month_first", text="SAINSBURY")
    outcome, book = press(live, path, "import_bank_file", ["", ""], file=again)
    assert outcome.ok, outcome.error
    assert len(book.questions) == 2 and all("balance" in q for _, q in book.questions)

    # a new workbook for a file naming no account: the user's accounts in its currency are offered
    other = new_book(tmp_path / "Other.xlsx")
    outcome, book = press(live, other, "import_bank_file", ["USD", "", "", "Savings"],
                          file=ambiguous_csv(tmp_path / "feb-3.csv", 2, "month_first", text="BOOTS CHEMIST"))
    assert outcome.ok, outcome.error
    assert book.questions[-1][0] == ("choice", ("Savings", "A new account"))
    assert XlsxWorkbook(other).get_setting("ReconciliationId") == rec_id


def test_a_cancelled_question_imports_nothing_and_says_what_to_do_in_excel(live, tmp_path):
    path = new_book(tmp_path / "Rec.xlsx")
    outcome, _ = press(live, path, "import_bank_file", [None], file=ambiguous_csv(tmp_path / "feb.csv", 2))
    assert outcome.exit_code == 2
    assert "its dates can be read two ways" in outcome.error
    assert "Press Import Bank File again and choose whether the bank writes the day or the month first." \
        in outcome.error
    assert not NOT_FOR_EXCEL.search(outcome.error)
    assert XlsxWorkbook(path).get_setting("ReconciliationId") is None


def _shown_texts(path: Path):
    """Every string literal of a handler module that can reach the user: docstrings and what is passed to
    ctx.batch_hint (batch mode only) left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "batch_hint":
            skip.update(id(sub) for sub in ast.walk(node))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip]


@pytest.mark.parametrize("module", sorted(p.name for p in HANDLERS.glob("*.py")
                                          if p.name not in ("options.py", "registry.py", "__init__.py")))
def test_no_handler_message_names_an_option_a_variable_or_a_repository_file(module):
    found = [f"{module}:{line}: {text[:80]!r}" for line, text in _shown_texts(HANDLERS / module)
             if NOT_FOR_EXCEL.search(text)]
    assert not found, found


def test_every_advice_text_says_what_to_do_in_excel():
    from tieout.addin.handlers import advice

    texts = {**advice.ADVICE, "GENERIC": advice.GENERIC, "SERVER_DOWN": advice.SERVER_DOWN,
             "FOREIGN_SERVER": advice.FOREIGN_SERVER, "BAD_FILE": advice.BAD_FILE,
             **{f"MISSING {k}": t for k, t in advice.MISSING.items()}}
    # every thing an importer may find missing has its Excel wording, as the CLI and the API have theirs
    from tieout.server.importers import missing

    assert set(advice.MISSING) == set(missing.CLI) == set(missing.API)
    assert not {k: t for k, t in texts.items() if NOT_FOR_EXCEL.search(t)}
    # the pattern itself catches what it is for
    for bad in ("give --currency X", "set TIEOUT_TOKEN", "see ribbon/README.md", "run `tieout serve`"):
        assert NOT_FOR_EXCEL.search(bad), bad


def test_importer_errors_say_what_is_missing_and_each_surface_words_it(live, tmp_path, capsys):
    """The importers say what the file lacks (neutral) and, structured, what the user can give; the CLI names
    its flag, the API the request's field, Excel the question Import Bank File asks (batch mode adds the flag)."""
    import requests

    from tieout.addin.client import ServerError
    from tieout.addin.dispatch import run_with
    from tieout.addin.handlers import advice
    from tieout.addin.handlers.registry import Handler
    from tieout.server.cli import main
    from tieout.server.errors import BankFileError
    from tieout.server.importers import import_file
    from tieout.server.importers.base import ImportOptions

    csv = ambiguous_csv(tmp_path / "barclays-feb.csv", 2)  # Barclays-like: no currency, dates read both ways
    for options, wanted in ((None, "date_order"), (ImportOptions(date_order="day_first"), "currency")):
        with pytest.raises(BankFileError) as caught:
            import_file(csv, options=options)
        assert caught.value.missing() == (wanted,)
        assert not NOT_FOR_EXCEL.search(caught.value.message()), caught.value.message()

    lines = tmp_path / "lines.csv"
    assert main(["import", str(csv), "--out", str(lines)]) == 2
    assert "--date-order day_first or --date-order month_first" in capsys.readouterr().err
    assert main(["import", str(csv), "--date-order", "day_first", "--out", str(lines)]) == 2
    assert "--currency CODE" in capsys.readouterr().err
    assert main(["import", str(csv), "--date-order", "day_first", "--currency", "GBP", "--out", str(lines)]) == 0

    # the server: a layout profile that does not fit this file (e.g. one remembered from another bank)
    path = new_book(tmp_path / "Rec.xlsx")
    ok(live, path, "import_bank_file", file=csv, account_name="Barclays", currency="GBP", date_order="day_first",
       confirm_layout="yes")
    rid = int(XlsxWorkbook(path).get_setting("ReconciliationId"))
    march = ambiguous_csv(tmp_path / "barclays-mar.csv", 3, text="WAITROSE")
    with requests.post(f"{live.base}/api/reconciliations/{rid}/statements", data=march.read_bytes(),
                       params={"filename": march.name, "profile": "chase_checking", "date_order": "day_first"},
                       headers={"Authorization": f"Bearer {live.tokens['alice']}", "Connection": "close"},
                       timeout=60) as r:
        assert r.status_code == 400, r.text
        err = r.json()["error"]
    assert err["code"] == "bad_file" and err["missing"] == ["profile"] and "'profile'" in err["remedy"]
    assert not NOT_FOR_EXCEL.search(err["message"]), err["message"]

    def upload(ctx):
        """Upload March with that profile (the server's import job refuses it)."""
        ctx.client.upload_statement(rid, march, "auto", None, {"profile": "chase_checking",
                                                               "date_order": "day_first"})

    handler = Handler("upload", upload, (), False, "upload")
    with pytest.raises(ServerError) as caught:
        upload(type("Ctx", (), {"client": live.client()})())
    assert caught.value.missing == ("profile",)
    in_excel = run_with(handler, Asked(path, []), {}, live.client())
    assert in_excel.exit_code == 2 and "layout profile 'chase_checking'" in in_excel.error
    assert advice.MISSING["profile"] in in_excel.error and not NOT_FOR_EXCEL.search(in_excel.error)
    batch = run_with(handler, XlsxWorkbook(path, echo=lambda text: None), {}, live.client())
    assert advice.MISSING["profile"] in batch.error and "(batch mode: force a layout profile with --profile NAME" \
        in batch.error

