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
  left is mostly lxml's parse (about 60% of the instructions) and the checks of each entry (camt.entries).
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

from decimal import Decimal
from pathlib import Path

from lxml import etree

from ...errors import BankFileError, Problem
from ...records import BankLine, ImportResult, Statement
from ..base import ImportOptions
from ..line_ids import assign
from . import findings
from .entries import EntryFacts, signed
from .fields import entry_reader, tag_of
from .source import BlankedSource, blankable_declaration

_HEAD_BYTES = 64 * 1024
# Where the versions put a block's account id and a balance's type (.001.01: Id/BBAN, Id/PrtryAcct/Id and Tp/Cd).
ACCOUNT_ID = ("Acct/Id/IBAN", "Acct/Id/Othr/Id", "Acct/Id/BBAN", "Acct/Id/PrtryAcct/Id", "Acct/Id/UPIC")
BALANCE_CODE = ("Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry", "Tp/Cd", "Tp/Prtry")


class Reader(EntryFacts):
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
        self.dates: dict = {}  # date text -> datetime.date, shared by every entry
        self.warned: set[str] = set()

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

    # -- one statement -------------------------------------------------------------------------------------
    def _find(self, el, path: str) -> str:
        q = "/".join(tag_of(p, self.ns) for p in path.split("/"))
        return (el.findtext(q) or "").strip()

    def _first(self, el, paths: tuple[str, ...]) -> str:
        """The first non-empty text of the paths, in order."""
        for path in paths:
            text = self._find(el, path)
            if text:
                return text
        return ""

    def _statement_facts(self, el, stmt_no: int) -> dict:
        """Everything of the block (Stmt, Rpt, Ntfctn) except its entries (read before the element is cleared)."""
        line = el.sourceline
        stmt_id = self._find(el, "Id")
        record = f"{self.word} #{stmt_no}" + (f" ({stmt_id})" if stmt_id else "")
        balances = []
        wanted = self.message.opening + self.message.closing
        for bal in el.iterfind(tag_of("Bal", self.ns)):
            code = self._first(bal, BALANCE_CODE)
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
            value = signed(amount, sign)
            balances.append((code, value, currency, date, bline))
        return {
            "line": line, "record": record, "id": stmt_id, "name": stmt_id or f"#{stmt_no}",
            "account": self._first(el, ACCOUNT_ID),
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
            self.problem(f"no account: none of {', '.join(ACCOUNT_ID)}", line=line, field="Acct/Id",
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
