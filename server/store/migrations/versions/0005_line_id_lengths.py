"""line ids that fit: a bank's 255-character id with its suffixes, and carried-forward ids with their prefix

Widened (they held 120 characters; models.py derives the new lengths):
- bank_lines.line_id -> 341: an import stores up to 300 characters (an OFX FITID has up to 255, plus
  line_ids.py's "~<k>" mark on a repeated id and services/imports' "-<n>" on an id the reconciliation already
  has), and carrying an open line forward puts "<period name>:" (up to 41 characters) in front of it. The id
  must be kept whole: statement_history recognises a line already held by it and by its "~<k>" mark.
- transactions.bank_line_id -> 341 and audit_log.entity_id -> 341: they hold a bank line's id.
- gl_lines.line_id -> 161: a client still sends at most 120 characters, but a carried-forward GL line gets
  the same prefix (before, carrying a 120-character id failed on PostgreSQL when the next period started).
Every other length-limited column keeps its length: a longer value from outside is refused before anything
is stored (services/limits.py), as the user can shorten it (GL source, counterparty, check number...).

SQLite does not enforce VARCHAR lengths (the declared length is ignored), so there is nothing to change
there: batch mode would copy bank_lines and gl_lines, which match_items references, and that is refused while
foreign keys are enforced (see 0004). On PostgreSQL, downgrade fails and changes nothing if a longer id is held.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 05:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (table, column, length before, length after)
COLUMNS = (('bank_lines', 'line_id', 120, 341), ('gl_lines', 'line_id', 120, 161),
           ('transactions', 'bank_line_id', 120, 341), ('audit_log', 'entity_id', 120, 341))


def _resize(upgrade: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, before, after in COLUMNS:
        old, new = (before, after) if upgrade else (after, before)
        op.alter_column(table, column, existing_type=sa.String(length=old), type_=sa.String(length=new),
                        existing_nullable=False)


def upgrade() -> None:
    _resize(True)


def downgrade() -> None:
    _resize(False)
