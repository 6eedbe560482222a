"""data versions per reconciliation (state17): `reconciliation_versions` holds counters bumped in the transaction
of every change (store/versions.py), the whole data's and each listing's, for the API's ETags and the review
cache. A reconciliation without a row has every counter at 0 (its first change makes the row).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reconciliation_versions',
        sa.Column('reconciliation_id', sa.Integer(), sa.ForeignKey('reconciliations.id'), primary_key=True,
                  autoincrement=False),
        sa.Column('data', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('bank', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('ledger', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('matches', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('transactions', sa.Integer(), nullable=False, server_default='0'),
    )


def downgrade() -> None:
    op.drop_table('reconciliation_versions')
