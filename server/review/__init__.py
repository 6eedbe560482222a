"""The reviewer's workpaper: the five review checks, outstanding items aged (with the unclaimed-property view)
and the items to escalate, computed from the server's own data, never from a workbook's cells.

Entry points (the report and the workspace use these):
- `load.facts(session, rec)` -> `facts.RecFacts`: one reconciliation's data as immutable records;
- `runner.run_checks(facts)` -> tuple of `records.CheckResult` (ids in `checks.CHECK_IDS`);
- `aging.aged_items(items, as_of)` -> `records.Aging` (buckets by side and kind, stale checks, unclaimed property);
- `escalation.escalations(facts)` -> tuple of `records.Escalation`;
- `runner.review(facts)` -> `records.Review`, all of the above at once.
"""
