"""jobs are claimed through the database: the claiming server process, its lease, how often it was claimed.

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-07 09:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('lease_renewed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('claims', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('claims')
        batch.drop_column('lease_renewed_at')
        batch.drop_column('claimed_by')
