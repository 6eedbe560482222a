"""a Manual reconciliation's reconciling item remembers the prior period's item it was carried from (gaps13), as
bank and GL lines do: the review's prior-items check follows the item even when its amount or text was edited,
the workspace counts it as carried (an escalation), and Submit asks it for an owner and due date. Items made
before keep NULL (not carried).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:25:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('manual_items') as batch:
        batch.add_column(sa.Column('carried_from', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('manual_items') as batch:
        batch.drop_column('carried_from')
