"""The camt messages Tieout reads, as data: where each keeps its blocks of entries and which balances open and
close a block.

camt.053 (statement), camt.052 (account report, often intraday) and camt.054 (debit/credit notification) share
the entry (Ntry) and the block's account, balances and summary; they differ in the names of the message element
and of the block, and in the balances they carry: a statement closes with CLBD; a report may close with CLBD or,
intraday, only with an interim booked balance (ITBD, booked entries only, so it chains like CLBD); a notification
has no balances at all. Available balances (OPAV, CLAV, ITAV, FWAV) count pending items and credit lines, so they
never stand for a booked balance.
"""
from __future__ import annotations

from dataclasses import dataclass

NAMESPACE_ROOT = "urn:iso:std:iso:20022:tech:xsd:camt."


@dataclass(frozen=True)
class Message:
    name: str  # the --format name
    number: str  # "053" in camt.053.001.08
    document: str  # the message element under Document
    block: str  # the element of one account's entries and balances
    word: str  # what a block is called in messages
    opening: tuple[str, ...] = ()  # balance codes that open a block, most preferred first
    closing: tuple[str, ...] = ()  # balance codes that close it, most preferred first

    @property
    def title(self) -> str:
        return f"camt.{self.number}"

    @property
    def namespace_prefix(self) -> str:
        return f"{NAMESPACE_ROOT}{self.number}."


CAMT053 = Message("camt053", "053", "BkToCstmrStmt", "Stmt", "statement", ("OPBD", "PRCD"), ("CLBD",))
CAMT052 = Message("camt052", "052", "BkToCstmrAcctRpt", "Rpt", "report", ("OPBD", "PRCD"), ("CLBD", "ITBD"))
CAMT054 = Message("camt054", "054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "notification")
MESSAGES = (CAMT053, CAMT052, CAMT054)
