"""The workspace: every account and legal entity a user may see, for one period, with the state of each
reconciliation (status, people, difference, aged open items, escalations, findings, freshness) and the
exceptions across all of them, each saying what to do (the rules in `exceptions`, the failing review checks in
`review_exceptions`). Computed from the store; the route, the CLI and the
ribbon button read it through GET /api/workspace."""
