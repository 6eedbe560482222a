"""Ledger against ledger: transaction reconciliation records of two companies' ledgers (intercompany).

Its own concern, apart from bank reconciliation: company ledger lines imported per company (`company_lines`),
reconciliation records with two sides' filters (`records`, `tables`), their statuses as a transition table
(`statuses`), zero-sum groups (`zero_sum`), batches that reconcile and unreconcile with history (`batches`),
per-user auto-match settings (`settings`) and the auto-match of a record's open lines (`auto_match`); who may
read and change a record, by the roles on the accounts of its sides (`access`), and the lease of a running
batch across server processes (`batch_leases`)."""
