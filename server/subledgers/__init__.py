"""GL against subledger: a subledger's open items (AP, AR, tax ledger, bank book) or balance reconciled with
the GL account's lines, the exceptions each with the action to take, run on a schedule per account x legal
entity (`items`, `reading`, `compare`, `exceptions`, `schedule`); who sees which checks (`access`)."""
