"""The workbook of a Manual account (accruals, prepaids, suspense): no bank statement, but a GL balance, the
balance of what supports it (a subledger, a schedule, a confirmation) and the reconciling items that explain
the gap, each with an owner, a due date and its age. Difference = GL balance - support balance - items.

- `layout`: its sheets and columns, as data;
- `items`: the items as immutable records, read from the server and from the sheet the preparer edits;
- `render`: the sheets written from the server's state, with the stage's locks;
- `sync`: what the preparer typed (balances, item rows added, changed or deleted) sent to the server."""
