"""The controls a reviewer and an auditor rely on: the workflow and its segregation of duties, the keyed audit
trail and its anchor, and the tamper evidence of a submitted reconciliation."""
