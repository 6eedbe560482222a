"""Reads one file of a camt message (camt.053 statements, camt.052 reports, camt.054 notifications; messages),
every published version: each block (Stmt, Rpt, Ntfctn) becomes one Statement, each entry (Ntry) one line.

Choices, and why:
- Versions: the namespace is matched by prefix (e.g. urn:iso:std:iso:20022:tech:xsd:camt.053.), so .001.02 to
  .001.13 and later ones import alike; where versions moved an element, the element map in camt.fields
  lists both places. The three messages share the entry and the block's account, balances and summary.
- Safety and memory: lxml iterparse streams the file and every entry is cleared once read, so memory stays
  flat; entity resolution, DTD loading, network access and huge-tree mode are off, and a file carrying any
  DTD is refused (camt files never have one). XML bombs and external entities end as BankFileError.
- Speed: each entry is read with camt.fields' element map (data) by the compiled reader (camt.walk, C
  over lxml's nodes; the pure-Python EntryReader when it is not built); when the camt namespace is only the
  root's default one, it is blanked before parsing (camt.source); the per-entry bookkeeping tells elements
  apart by identity, not by their tags, and an entry's record name is only written out for a message. What is
  left is mostly lxml's parse (about 60% of the instructions) and this module's checks of each entry.
- Batches: one canonical line per entry (Ntry), never per TxDtls. The entry is what the bank booked and
  printed on the statement, the balance check adds entries, and the matcher groups 1:n when the ledger has
  the individual payments; the batch size and references go into the description. When the TxDtls carry
  amounts that do not add up to the entry, the import warns (the booked entry amount is kept).
- Reversals: the ISO definition is that CdtDbtInd is the direction of the reversal entry itself ("CRDT with
  RvslInd true: the original operation was a debit"), so the sign comes from CdtDbtInd and the line is
  typed "reversal". Some banks (e.g. Swiss ESR) keep the original's direction instead; when a statement only
  balances with that reading, its reversals are flipped and the import says so in a warning.
- Pending: Sts other than BOOK (PDNG, INFO, FUTR; text up to .001.08, Sts/Cd later) gives pending=True lines,
  left out of the balance.
- Own figures that disagree are findings, never refusals: a summary count (TxsSummry) that is not the entries',
  a balance in another currency than the account's (left unknown), entries in another currency (imported in
  their own currency; the balance check, which has no exchange rate, leaves them out: Statement.total).
  The balance check itself is statement_checks'. Balances a block does not state stay None.
- Dates: Dt or DtTm; a DtTm's date is taken as written (the bank's local day), ignoring its offset.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from lxml import etree

from ...errors import BankFileError, Problem
from ...records import BankLine, Finding, ImportResult, Statement
from ..base import ImportOptions
from ..line_ids import assign
from . import findings
from .codes import canonical_type
from .fields import entry_reader, tag_of
from .source import BlankedSource, blankable_declaration
from .texts import batch_texts, single_texts

_HEAD_BYTES = 64 * 1024
MAX_PROBLEMS = 100
BOOKED, PENDING = "BOOK", ("PDNG", "INFO", "FUTR")
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False, "": False}
_SIGNS = {"CRDT": 1, "DBIT": -1}
_AMOUNT = re.compile(r"\d{1,18}(?:\.\d{0,5})?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=$|[T+\-Z])")


class Reader:
    """One file's import: streams the message's blocks and their Ntry elements, collects every problem, then
    builds statements."""

    def __init__(self, importer, path: Path, options: ImportOptions, blank_namespace: bool = True):
        self.importer = importer
        self.message = message = importer.message
        self.word = message.word
        self.path = path
        self.blank_namespace = blank_namespace
        self.options = options
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.dates: dict[str, dt.date] = {}
        self.warned: set[str] = set()

    # -- plumbing ------------------------------------------------------------------------------------------
    def problem(self, text: str, line: int | None = None, field: str | None = None,
                record: str | tuple[str, int, int] | None = None):
        self.problems.append(Problem(text, line=line, field=field, record=_record_name(record)))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(f"stopped after {MAX_PROBLEMS} problems"))
            raise BankFileError(self.path, self.problems)

    def _setup(self, ns: str) -> None:
        self.ns = ns
        self.tag_ntry, self.tag_stmt = tag_of("Ntry", ns), tag_of(self.message.block, ns)
        self.read_entry = entry_reader(ns)

    # -- reading -------------------------------------------------------------------------------------------
    def read(self) -> ImportResult:
        try:
            with self.path.open("rb") as fh:
                head = fh.read(_HEAD_BYTES)
        except OSError as exc:
            raise BankFileError(self.path, f"cannot read the file: {exc.strerror or exc}") from None
        message = self.message
        ns = self.importer.namespace(head)
        if ns is None:
            raise BankFileError(self.path, Problem(f"not a {message.title} file: no {message.namespace_prefix}* "
                                                   f"namespace and no {message.document} element",
                                                   field="Document/@xmlns"))
        blank = blankable_declaration(head, ns) if self.blank_namespace else None
        self._setup("" if blank else ns)  # tags without the namespace when it is blanked (camt.source)
        raw_statements = []  # (statement element facts, entries)
        entries: list[dict] = []
        checked_dtd = False
        source = None
        try:
            source = BlankedSource(self.path, *blank) if blank else str(self.path)
            context = etree.iterparse(source, events=("end",), tag=(self.tag_ntry, self.tag_stmt),
                                      resolve_entities=False, no_network=True, load_dtd=False,
                                      huge_tree=False, remove_comments=True, remove_pis=True,
                                      remove_blank_text=True)
            tag_ntry, tag_stmt, entry = self.tag_ntry, self.tag_stmt, self._entry
            stmt = previous = None  # the statement whose entries are coming, and its last entry read (lxml hands
            # out the same proxy object for a node while one is alive, so `is` tells them without their tags)
            for _, el in context:
                if not checked_dtd:
                    self._refuse_dtd(el)
                    checked_dtd = True
                if el.tag == tag_ntry:
                    parent = el.getparent()
                    if parent is not stmt:
                        if parent is None or parent.tag != tag_stmt:
                            self.problem(f"an entry (Ntry) outside a {self.word} ({message.block})",
                                         line=el.sourceline, field="Ntry")
                            continue
                        stmt, previous = parent, None
                    entries.append(entry(el, len(raw_statements) + 1, len(entries) + 1))
                    el.clear()  # the entry is read: free its subtree, and the emptied one before it
                    if previous is not None and el.getprevious() is previous:
                        parent.remove(previous)
                    previous = el
                else:
                    stmt = previous = None
                    raw_statements.append((self._statement_facts(el, len(raw_statements) + 1), entries))
                    entries = []
                    el.clear()
                    prev = el.getprevious()
                    while prev is not None:
                        el.getparent().remove(prev)
                        prev = el.getprevious()
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
            msg = exc.msg or str(exc)
            if "amplification" in msg or "entity" in msg.lower():
                msg = f"refused: entity expansion ({msg})"
            self.problems.append(Problem(f"not well-formed XML: {msg}", line=line))
            raise BankFileError(self.path, self.problems) from None
        except (etree.LxmlError, OSError, ValueError, LookupError) as exc:
            self.problems.append(Problem(f"unreadable XML: {exc}"))
            raise BankFileError(self.path, self.problems) from None
        finally:
            if isinstance(source, BlankedSource):
                source.close()
        if not raw_statements and not self.problems:
            self.problem(f"no {self.word} ({message.document}/{message.block}) in the file", field=message.block)
        statements = [self._statement(facts, ents) for facts, ents in raw_statements]
        if self.problems:
            raise BankFileError(self.path, self.problems)
        statements = self._assign_line_ids(statements)
        return ImportResult(format=message.name, source=str(self.path), statements=tuple(statements),
                            warnings=tuple(self.warnings))

    def _refuse_dtd(self, el) -> None:
        info = el.getroottree().docinfo
        if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
            self.problems.append(Problem("refused: the file declares a DTD (<!DOCTYPE>); camt files have "
                                         "none, and a DTD can hide entity expansion or external files",
                                         line=1, field="DOCTYPE"))
            raise BankFileError(self.path, self.problems)

    # -- one entry -----------------------------------------------------------------------------------------
    def _entry(self, el, stmt_no: int, entry_no: int) -> dict:
        """The entry's facts (amount signed by CdtDbtInd, dates, texts); problems are noted, not raised."""
        fields, details = self.read_entry(el)
        return self._entry_facts(fields, details, el.sourceline, (self.word, stmt_no, entry_no))

    def _date(self, text: str, line, field, record, required: bool = True) -> dt.date | None:
        if not text:
            if required:
                self.problem("missing date", line=line, field=field, record=record)
            return None
        d = self.dates.get(text)
        if d is None:
            m = _DATE.match(text)
            try:
                if not m:
                    raise ValueError
                d = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.problem(f"not a date (yyyy-mm-dd or yyyy-mm-ddThh:mm:ss): {text[:40]!r}", line=line,
                             field=field, record=record)
                return None
            self.dates[text] = d
        return d

    def _amount(self, text: str, line, field, record) -> Decimal | None:
        if not _AMOUNT.fullmatch(text):
            what = "missing amount" if not text else f"not an amount (digits with '.' decimals): {text[:40]!r}"
            if text.startswith("-"):
                what += "; amounts are unsigned, the sign is CdtDbtInd"
            self.problem(what, line=line, field=field, record=record)
            return None
        return Decimal(text)

    def _direction(self, text: str, line, field, record) -> int | None:
        if text == "CRDT":
            return 1
        if text == "DBIT":
            return -1
        self.problem(f"must be CRDT or DBIT, found {text[:20]!r}", line=line, field=field, record=record)
        return None

    def _entry_facts(self, f: dict, details: list[dict], line, record) -> dict:
        text = f["amount"]
        whole, _, fraction = text.partition(".")  # the test of _AMOUNT (\d is isdecimal()), without a regex
        if 0 < len(whole) <= 18 and whole.isdecimal() and (fraction.isdecimal() and len(fraction) <= 5
                                                            or not fraction):
            amount = Decimal(text)
        else:
            amount = self._amount(text, line, "Ntry/Amt", record)
        sign = _SIGNS.get(f["direction"]) or self._direction(f["direction"], line, "Ntry/CdtDbtInd", record)
        text = f["reversal"]
        reversal = _BOOLEAN.get(text.lower()) if text else False
        if reversal is None:
            self.problem(f"must be true or false, found {f['reversal'][:20]!r}", line=line, field="Ntry/RvslInd",
                         record=record)
            reversal = False
        status = f["status"]
        pending = status in PENDING
        if not pending and status != BOOKED:
            if status:
                self.problem(f"unknown entry status {status[:20]!r} (expected BOOK, PDNG, INFO or FUTR)",
                             line=line, field="Ntry/Sts", record=record)
            else:
                self._warn_once("missing_status", "entries without a status (Sts) were taken as booked")
        dates = self.dates
        text = f["value_date"]
        value_date = dates.get(text) or self._date(text, line, "Ntry/ValDt", record, required=False)
        text = f["booking_date"]
        booking_date = dates.get(text) or self._date(text, line, "Ntry/BookgDt", record, required=False)
        if not text:
            if value_date is None:
                self.problem("missing date: neither BookgDt nor ValDt", line=line, field="Ntry/BookgDt",
                             record=record)
            elif not pending:
                self._warn_once("value_date_used", "booked entries without a booking date (BookgDt) were "
                                                   "dated by their value date (ValDt)")
            booking_date = value_date
        one = len(details) == 1
        single = details[0] if one else self.read_entry.empty_detail  # every field of both dicts is set
        kind = canonical_type(f["domain"], f["family"], f["subfamily"], f["proprietary"])
        if kind == "other" and one:
            kind = canonical_type(single["detail_domain"], single["detail_family"], single["detail_subfamily"],
                                  single["detail_proprietary"])
        check_number = single["check_number"]
        if check_number and kind == "other":
            kind = "check"
        if reversal and kind != "return":
            kind = "reversal"
        batch_count = f["batch_count"]
        count = len(details) or (int(batch_count) if batch_count.isascii() and batch_count.isdigit() else 0)
        if count > 1:
            reference, description = batch_texts(f, details, count)
            if len(details) > 1 and amount is not None:
                self._check_batch_sum(f, details, amount, record)
        else:
            reference, description = single_texts(f, single, money_in=(sign == 1) != reversal)
        return {
            "line": line, "record": record, "currency": f["currency"],
            "amount": _signed(amount, sign),
            "date": booking_date, "value_date": value_date, "pending": pending, "reversal": reversal,
            "type": kind, "reference": reference, "description": description, "check_number": check_number,
            "id": f["servicer_ref"] or f["entry_ref"],
        }

    def _check_batch_sum(self, f: dict, details: list[dict], amount: Decimal, record: str) -> None:
        """Warn when the details state amounts that do not add up to the booked entry."""
        total = Decimal(0)
        direction = f.get("direction")
        for d in details:
            text, ccy = d.get("detail_amount", ""), d.get("detail_currency", "")
            if not _AMOUNT.fullmatch(text) or (ccy and ccy != f.get("currency", ccy)):
                return  # not every detail states an amount in the account currency: nothing to compare
            same = (d.get("detail_direction") or direction) == direction
            total += Decimal(text) if same else -Decimal(text)
        if total != amount:
            self.warnings.append(f"{_record_name(record)}: its {len(details)} transaction details add up to "
                                 f"{total}, but the bank booked {amount}; the booked amount was imported")

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.warnings.append(text)

    # -- one statement -------------------------------------------------------------------------------------
    def _find(self, el, path: str) -> str:
        q = "/".join(tag_of(p, self.ns) for p in path.split("/"))
        return (el.findtext(q) or "").strip()

    def _statement_facts(self, el, stmt_no: int) -> dict:
        """Everything of the block (Stmt, Rpt, Ntfctn) except its entries (read before the element is cleared)."""
        line = el.sourceline
        stmt_id = self._find(el, "Id")
        record = f"{self.word} #{stmt_no}" + (f" ({stmt_id})" if stmt_id else "")
        balances = []
        wanted = self.message.opening + self.message.closing
        for bal in el.iterfind(tag_of("Bal", self.ns)):
            code = self._find(bal, "Tp/CdOrPrtry/Cd") or self._find(bal, "Tp/CdOrPrtry/Prtry")
            if code not in wanted:
                continue
            bline = bal.sourceline
            amount = self._amount(self._find(bal, "Amt"), bline, f"Bal[{code}]/Amt", record)
            direction = self._find(bal, "CdtDbtInd")
            if not direction and amount == 0:
                sign = 1
            else:
                sign = self._direction(direction, bline, f"Bal[{code}]/CdtDbtInd", record)
            amt_el = bal.find(tag_of("Amt", self.ns))
            currency = (amt_el.get("Ccy") or "").strip() if amt_el is not None else ""
            date = self._date(self._find(bal, "Dt/Dt") or self._find(bal, "Dt/DtTm"), bline, f"Bal[{code}]/Dt",
                              record, required=False)
            value = _signed(amount, sign)
            balances.append((code, value, currency, date, bline))
        return {
            "line": line, "record": record, "id": stmt_id, "name": stmt_id or f"#{stmt_no}",
            "account": self._find(el, "Acct/Id/IBAN") or self._find(el, "Acct/Id/Othr/Id"),
            "currency": self._find(el, "Acct/Ccy"),
            "balances": balances,
            "from": self._date(self._find(el, "FrToDt/FrDtTm"), line, "FrToDt/FrDtTm", record, required=False),
            "to": self._date(self._find(el, "FrToDt/ToDtTm"), line, "FrToDt/ToDtTm", record, required=False),
            "n_entries": self._find(el, "TxsSummry/TtlNtries/NbOfNtries"),
        }

    def _statement(self, facts: dict, entries: list[dict]) -> dict:
        record, line = facts["record"], facts["line"]
        account = facts["account"] or self.options.account or ""
        if not account:
            self.problem("no account: neither Acct/Id/IBAN nor Acct/Id/Othr/Id", line=line, field="Acct/Id",
                         record=record)
        currency = (facts["currency"] or next((b[2] for b in facts["balances"] if b[2]), "")
                    or next((e["currency"] for e in entries if e["currency"]), "") or self.options.currency or "")
        name, found = facts["name"], []
        balances = []
        for balance in facts["balances"]:
            code, value, ccy = balance[:3]
            if ccy and currency and ccy != currency:
                found.append(findings.balance_currency(name, record, code, value, ccy, currency))
            else:
                balances.append(balance)
        foreign = [e for e in entries if e["currency"] and currency and e["currency"] != currency]
        if foreign:
            found += findings.foreign_entries(name, record, currency, foreign)
        opening = self._pick_balance(balances, self.message.opening)
        closing = self._pick_balance(reversed(balances), self.message.closing)
        n = facts["n_entries"]
        if n:
            booked = sum(1 for e in entries if not e["pending"])
            if not (n.isascii() and n.isdigit()) or int(n) not in (len(entries), booked):
                found.append(findings.record_count(name, record, n, len(entries), booked))
        own = [e for e in entries if not e["currency"] or e["currency"] == currency] if foreign else entries
        self._settle_reversals(own, opening, closing, record)
        return {"facts": facts, "account": account, "currency": currency, "opening": opening,
                "closing": closing, "entries": entries, "findings": found}

    @staticmethod
    def _pick_balance(balances, codes) -> Decimal | None:
        """The first usable balance of the most preferred code present (the last, when read in reverse)."""
        balances = list(balances)
        for code in codes:
            for b in balances:
                if b[0] == code and b[1] is not None:
                    return b[1]
        return None

    def _settle_reversals(self, entries: list[dict], opening, closing, record: str) -> None:
        """Flip the reversals' signs only when the statement balances that way and not the ISO way (`entries`:
        those in the account currency)."""
        reversals = [e for e in entries if e["reversal"] and not e["pending"] and e["amount"] is not None]
        if not reversals or opening is None or closing is None:
            return
        total = sum((e["amount"] for e in entries if not e["pending"] and e["amount"] is not None), Decimal(0))
        if opening + total == closing:
            return
        flipped = total - 2 * sum((e["amount"] for e in reversals), Decimal(0))
        if opening + flipped == closing:
            for e in reversals:
                e["amount"] = -e["amount"]
            self.warnings.append(f"{record}: it balances only if its {len(reversals)} reversal "
                                 "entries keep the original entry's CdtDbtInd (not the ISO reading); their "
                                 "signs were flipped accordingly")

    # -- assembly ------------------------------------------------------------------------------------------
    def _assign_line_ids(self, statements: list[dict]) -> list[Statement]:
        bases = []
        for s_no, st in enumerate(statements, start=1):
            base_stmt = st["facts"]["id"] or f"S{s_no}"
            for e_no, e in enumerate(st["entries"], start=1):
                bases.append(e["id"] or f"{base_stmt}-{e_no}")
        assigned = assign(bases)
        if assigned.repeated:
            self.warnings.append(assigned.warning("reference (AcctSvcrRef/NtryRef, else statement-entry number)"))
        ids = assigned.ids
        out = []
        k = 0
        for st in statements:
            lines = []
            for e in st["entries"]:
                lines.append(BankLine(ids[k], e["date"], e["amount"], e["currency"] or st["currency"], e["reference"],
                                      e["description"], e["type"], e["check_number"], e["value_date"], e["pending"]))
                k += 1
            facts = st["facts"]
            out.append(Statement(st["account"], st["currency"], st["opening"], st["closing"], tuple(lines),
                                 facts["from"], facts["to"], facts["id"], tuple(st["findings"])))
        return out


def _record_name(record: str | tuple[str, int, int] | None) -> str | None:
    """An entry is named (block word, block number, entry number) until a message needs the words."""
    if record.__class__ is tuple:
        return f"{record[0]} #{record[1]} entry #{record[2]}"
    return record


def _signed(amount: Decimal | None, sign: int | None) -> Decimal | None:
    """The amount with the sign of its CdtDbtInd (a zero stays 0, never -0)."""
    if amount is None or sign is None:
        return None
    return -amount if sign < 0 and amount else amount

