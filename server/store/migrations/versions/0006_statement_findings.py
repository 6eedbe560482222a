"""statement findings and balance sources: what a statement's own figures say that does not add up, kept with the
statement until the preparer acknowledges it; where each balance came from (the file, or entered by whom and when)

Statements imported before this revision keep NULL sources ("unknown": the Summary does not call their
balances the bank's) and have no findings: the importers refused such files then, so none was stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 06:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

USER_COLUMNS = ('opening_entered_by', 'closing_entered_by')
PLAIN_COLUMNS = (('opening_source', sa.String(length=10)), ('closing_source', sa.String(length=10)),
                 ('opening_entered_at', sa.DateTime()), ('closing_entered_at', sa.DateTime()),
                 ('lines_total', sa.BigInteger()))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name in USER_COLUMNS:
        if sqlite:
            # in place with its REFERENCES clause (batch mode would copy the table, which bank_lines references:
            # refused while foreign keys are enforced; see 0004)
            op.execute(f"ALTER TABLE statements ADD COLUMN {name} INTEGER REFERENCES users (id)")
        else:
            op.add_column('statements', sa.Column(name, sa.Integer(), sa.ForeignKey('users.id'), nullable=True))
    for name, type_ in PLAIN_COLUMNS:
        op.add_column('statements', sa.Column(name, type_, nullable=True))
    op.create_table(
        'statement_findings',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('reconciliation_id', sa.Integer(), sa.ForeignKey('reconciliations.id'), nullable=False),
        sa.Column('statement_id', sa.Integer(), sa.ForeignKey('statements.id'), nullable=False),
        sa.Column('statement_ref', sa.String(length=200), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('origin', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('acknowledged_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
    )
    op.create_index('ix_statement_findings_reconciliation_id', 'statement_findings', ['reconciliation_id'])
    op.create_index('ix_statement_findings_statement_id', 'statement_findings', ['statement_id'])


def downgrade() -> None:
    op.drop_index('ix_statement_findings_statement_id', table_name='statement_findings')
    op.drop_index('ix_statement_findings_reconciliation_id', table_name='statement_findings')
    op.drop_table('statement_findings')
    # SQLite (3.35+) drops a plain column in place; the two REFERENCES columns too once nothing else needs them
    for name in reversed([n for n, _ in PLAIN_COLUMNS] + list(USER_COLUMNS)):
        op.drop_column('statements', name)
