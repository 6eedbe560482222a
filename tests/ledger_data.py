"""Built data for the ledger-against-ledger tests: two companies' intercompany lines that mirror each other
(company A's receivable from B is B's payable to A), made by code with a fixed seed."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal


def mirrored(n: int, seed: int = 16, period: str = "2026-10", doc_currency: str = "EUR") -> tuple[list, list]:
    """n line pairs: A's line +x with reference IC-<k>, B's line -x with the same reference; every fifth pair
    also carries a document value in EUR (amounts in USD)."""
    rnd = random.Random(seed)
    year, month = map(int, period.split("-"))
    left, right = [], []
    for k in range(1, n + 1):
        cents = rnd.randint(100, 5_000_000)
        amount = Decimal(cents).scaleb(-2)
        day = dt.date(year, month, rnd.randint(1, 28)).isoformat()
        doc = {"document_amount": str((amount * Decimal("0.9")).quantize(Decimal("0.01"))),
               "document_currency": doc_currency}
        base = {"date": day, "currency": "USD", "reference": f"IC-{k:06d}", "description": f"intercompany {k}"}
        left.append({**base, "line_id": f"A{k:06d}", "amount": str(amount), "counterparty": "B Ltd",
                     **(doc if k % 5 == 0 else {})})
        right.append({**base, "line_id": f"B{k:06d}", "amount": str(-amount), "counterparty": "A Inc",
                      **({"document_amount": "-" + doc["document_amount"], "document_currency": doc_currency}
                         if k % 5 == 0 else {})})
    return left, right
