"""The workspace workbook: GET /api/workspace read into records and written as Workspace.xlsx (every
account with its status colour, people, difference, aged items, escalations and freshness; the exceptions
list as a filterable Table). The `tieout workspace` command and the Workspace button both write it."""
