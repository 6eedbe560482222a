"""ledger records belong to accounts and lease their running batch (ledgers14): on `ledger_recs` the account of
each side (NULL for records made before: only administrators act on those until one assigns their accounts)
and, for a batch that runs, the server process running it and when it took the lease. A new table
`review_line_ticks`: the reviewer's tick and comment on one line of a review check (e.g. one unusual pair).

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-07 12:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledger_recs') as batch:
        batch.add_column(sa.Column('left_account_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('right_account_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('batch_worker', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('batch_lease_at', sa.DateTime(), nullable=True))
        batch.create_foreign_key('fk_ledger_recs_left_account', 'accounts', ['left_account_id'], ['id'])
        batch.create_foreign_key('fk_ledger_recs_right_account', 'accounts', ['right_account_id'], ['id'])
    op.create_table(
        'review_line_ticks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('reconciliation_id', sa.Integer(), sa.ForeignKey('reconciliations.id'), nullable=False,
                  index=True),
        sa.Column('check_id', sa.String(40), nullable=False),
        sa.Column('side', sa.String(20), nullable=False),
        sa.Column('ref', sa.String(300), nullable=False),
        sa.Column('ticked', sa.Boolean(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('by_user', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('reconciliation_id', 'check_id', 'side', 'ref'),
    )


def downgrade() -> None:
    op.drop_table('review_line_ticks')
    with op.batch_alter_table('ledger_recs') as batch:
        batch.drop_constraint('fk_ledger_recs_right_account', type_='foreignkey')
        batch.drop_constraint('fk_ledger_recs_left_account', type_='foreignkey')
        batch.drop_column('batch_lease_at')
        batch.drop_column('batch_worker')
        batch.drop_column('right_account_id')
        batch.drop_column('left_account_id')
