"""Ledger against ledger: transaction reconciliation records of two companies' ledgers (intercompany).

Its own concern, apart from bank reconciliation: company ledger lines imported per company (`company_lines`),
reconciliation records with two sides' filters (`records`, `tables`), their statuses as a transition table
(`statuses`), zero-sum groups (`zero_sum`), batches that reconcile and unreconcile with history (`batches`),
per-user auto-match settings (`settings`) and the auto-match of a record's open lines (`auto_match`)."""
