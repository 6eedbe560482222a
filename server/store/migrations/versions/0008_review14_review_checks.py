"""the reviewer's workpaper: a tick and comment per review check and reconciliation (who, when), and the
chart of accounts of an account as the server holds it (the review checks new transactions against it).

Revision ID: 0008
Revises: 0011
Create Date: 2026-12-07 09:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'review_ticks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('reconciliation_id', sa.Integer(), sa.ForeignKey('reconciliations.id'), nullable=False,
                  index=True),
        sa.Column('check_id', sa.String(length=40), nullable=False),
        sa.Column('ticked', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('comment', sa.Text(), nullable=False, server_default=''),
        sa.Column('by_user', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('reconciliation_id', 'check_id'),
    )
    op.create_table(
        'chart_accounts',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('account_id', sa.Integer(), sa.ForeignKey('accounts.id'), nullable=False, index=True),
        sa.Column('gl_account', sa.String(length=100), nullable=False),
        sa.UniqueConstraint('account_id', 'gl_account'),
    )


def downgrade() -> None:
    op.drop_table('chart_accounts')
    op.drop_table('review_ticks')
