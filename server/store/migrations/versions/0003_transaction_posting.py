"""transaction posting: when a new transaction was posted, and the GL line it became

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('posted_line_id', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_column('posted_line_id')
        batch_op.drop_column('posted_at')
