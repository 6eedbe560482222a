"""ledger against ledger (issue 16): company ledger lines, transaction reconciliation records, their reconciled
groups and history, per-user auto-match settings; GL-against-subledger checks (configurations per account x
legal entity, runs, exceptions). New tables only: nothing existing changes.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-07 09:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ledger_recs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(200), nullable=False, unique=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('left_filter', sa.Text(), nullable=False),
        sa.Column('right_filter', sa.Text(), nullable=False),
        sa.Column('status', sa.String(30), nullable=False),
        sa.Column('resting_status', sa.String(30), nullable=False),
        sa.Column('ever_reconciled', sa.Boolean(), nullable=False),
        sa.Column('selected', sa.Text(), nullable=False),
        sa.Column('pending', sa.Text(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'ledger_groups',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('rec_id', sa.Integer(), sa.ForeignKey('ledger_recs.id'), nullable=False, index=True),
        sa.Column('key', sa.String(40), nullable=False),
        sa.Column('basis', sa.String(20), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('made_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.Column('undone_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('rec_id', 'key'),
    )
    op.create_table(
        'ledger_lines',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('company', sa.String(100), nullable=False),
        sa.Column('line_id', sa.String(161), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('period', sa.String(7), nullable=False),
        sa.Column('gl_account', sa.String(100), nullable=False),
        sa.Column('account', sa.String(100), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('document_amount', sa.BigInteger(), nullable=True),
        sa.Column('document_currency', sa.String(3), nullable=False),
        sa.Column('reference', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('source', sa.String(120), nullable=False),
        sa.Column('counterparty', sa.String(200), nullable=False),
        sa.Column('group_id', sa.Integer(), sa.ForeignKey('ledger_groups.id'), nullable=True, index=True),
        sa.Column('imported_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('company', 'line_id'),
    )
    op.create_index('ix_ledger_lines_company_period', 'ledger_lines', ['company', 'period'])
    op.create_table(
        'ledger_group_items',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('group_id', sa.Integer(), sa.ForeignKey('ledger_groups.id'), nullable=False, index=True),
        sa.Column('line_pk', sa.Integer(), sa.ForeignKey('ledger_lines.id'), nullable=False, index=True),
        sa.Column('side', sa.String(5), nullable=False),
    )
    op.create_table(
        'ledger_history',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('rec_id', sa.Integer(), sa.ForeignKey('ledger_recs.id'), nullable=False, index=True),
        sa.Column('group_key', sa.String(40), nullable=False),
        sa.Column('action', sa.String(20), nullable=False),
        sa.Column('by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('lines', sa.Text(), nullable=False),
        sa.Column('totals', sa.Text(), nullable=False),
    )
    op.create_table(
        'ledger_match_settings',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False, unique=True),
        sa.Column('keys', sa.String(400), nullable=False),
        sa.Column('tolerance', sa.BigInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )

    op.create_table(
        'subledger_configs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('account', sa.String(100), nullable=False),
        sa.Column('legal_entity', sa.String(100), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('subledger_path', sa.Text(), nullable=False),
        sa.Column('gl_path', sa.Text(), nullable=False),
        sa.Column('sign', sa.Integer(), nullable=False),
        sa.Column('interval_minutes', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('next_run_at', sa.DateTime(), nullable=True),
        sa.Column('last_run_at', sa.DateTime(), nullable=True),
        sa.Column('set_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.UniqueConstraint('account', 'legal_entity', 'kind'),
    )
    op.create_table(
        'subledger_runs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('config_id', sa.Integer(), sa.ForeignKey('subledger_configs.id'), nullable=True, index=True),
        sa.Column('account', sa.String(100), nullable=False),
        sa.Column('legal_entity', sa.String(100), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('period', sa.String(7), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('gl_balance', sa.BigInteger(), nullable=True),
        sa.Column('subledger_balance', sa.BigInteger(), nullable=True),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('ran_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('ran_at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'subledger_exceptions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('run_id', sa.Integer(), sa.ForeignKey('subledger_runs.id'), nullable=False, index=True),
        sa.Column('kind', sa.String(30), nullable=False),
        sa.Column('document', sa.String(200), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('gl_amount', sa.BigInteger(), nullable=True),
        sa.Column('subledger_amount', sa.BigInteger(), nullable=True),
        sa.Column('difference', sa.BigInteger(), nullable=False),
        sa.Column('gl_date', sa.Date(), nullable=True),
        sa.Column('subledger_date', sa.Date(), nullable=True),
        sa.Column('party', sa.String(200), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ('subledger_exceptions', 'subledger_runs', 'subledger_configs', 'ledger_match_settings', 'ledger_history', 'ledger_group_items', 'ledger_lines',
                  'ledger_groups', 'ledger_recs'):
        op.drop_table(table)
