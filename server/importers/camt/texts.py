"""The reference and description of a camt.053 entry's canonical line, from the fields camt.fields read.

Reference: what the ledger is most likely to carry too: the structured creditor reference (e.g. RF...), else
the end-to-end id the payer chose, else the bank's own references. Description: the other party, the
remittance text, and the bank's additional information, each once. A batch gets its size and first references.
A helper of camt.reader.
"""
from __future__ import annotations

NOT_PROVIDED = "NOTPROVIDED"  # what banks write when the payer gave no end-to-end id
SHOWN_REFERENCES = 5


def single_texts(f: dict, d: dict, money_in: bool) -> tuple[str, str]:
    """(reference, description) of an entry with at most one transaction detail `d` (the reader's empty detail
    if none: every field present, "" when absent).

    money_in: whether the original payment brought money in; then the other party is the debtor."""
    end_to_end = d["end_to_end"]
    if end_to_end and end_to_end.upper() == NOT_PROVIDED:
        end_to_end = ""
    reference = (d["structured_ref"] or end_to_end or d["detail_servicer_ref"] or f["servicer_ref"]
                 or f["entry_ref"])
    party = (d["debtor"] or d["creditor"]) if money_in else (d["creditor"] or d["debtor"])
    return reference, join((party, d["unstructured"] or d["structured_ref"], d["detail_info"], f["info"]))


def batch_texts(f: dict, details: list[dict], count: int) -> tuple[str, str]:
    """(reference, description) of a batch entry of `count` transactions."""
    payment_id = f.get("batch_payment_id", "")
    reference = payment_id or f.get("servicer_ref") or f.get("entry_ref") or f.get("batch_message_id", "")
    refs = []
    for d in details:
        r = d.get("end_to_end", "")
        r = (r if r.upper() != NOT_PROVIDED else "") or d.get("structured_ref") or d.get("detail_servicer_ref")
        r = r or d.get("debtor") or d.get("creditor")
        if r:
            refs.append(r)
    shown = ", ".join(refs[:SHOWN_REFERENCES])
    if len(refs) > SHOWN_REFERENCES:
        shown += f" (+{len(refs) - SHOWN_REFERENCES} more)"
    head = f"Batch of {count} transactions" + (f" {payment_id}" if payment_id else "")
    return reference, join((head, f"refs: {shown}" if shown else "", f.get("info")))


def join(parts) -> str:
    """The non-empty parts, whitespace collapsed, each once, joined by " / "."""
    out: list[str] = []
    for p in parts:
        if p:
            p = " ".join(p.split())
            if p not in out:
                out.append(p)
    return " / ".join(out)
