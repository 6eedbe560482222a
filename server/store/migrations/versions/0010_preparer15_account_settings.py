"""account settings: what an account remembers for its next workbooks (the import options its preparer chose,
the Rules sheet saved as its default), one JSON value per account and name

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'account_settings',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('accounts.id'), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('set_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('account_id', 'name'),
    )
    op.create_index('ix_account_settings_account_id', 'account_settings', ['account_id'])


def downgrade() -> None:
    op.drop_index('ix_account_settings_account_id', table_name='account_settings')
    op.drop_table('account_settings')
