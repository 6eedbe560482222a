"""statement history: whether a statement's period was printed, its line counts, its continuity findings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_stated', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('lines_in_file', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lines_skipped', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('continuity', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_column('continuity')
        batch_op.drop_column('lines_skipped')
        batch_op.drop_column('lines_in_file')
        batch_op.drop_column('period_stated')
