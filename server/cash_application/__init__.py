"""Cash application for receivables: incoming payments to open AR invoices (exact amount first, then oldest
first within the customer), short payments kept as deductions with their reason, and the settlement file an
ERP imports (`records`, `apply`, `settlement`)."""
