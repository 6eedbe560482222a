"""match acceptance: who accepted a match and when (NULL while an auto-match is only proposed)

Matches made before this revision were counted as matched and shown as such once the preparer accepted them in
the workbook, which the server never knew: they become accepted by their creator at their creation time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 03:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause in place; batch mode would copy the table, which the
        # lines and match items referencing it forbid while foreign keys are enforced.
        op.execute("ALTER TABLE matches ADD COLUMN accepted_by INTEGER REFERENCES users (id)")
    else:
        op.add_column('matches', sa.Column('accepted_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True))
    op.add_column('matches', sa.Column('accepted_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE matches SET accepted_by = created_by, accepted_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('accepted_by')
