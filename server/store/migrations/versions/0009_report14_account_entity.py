"""accounts carry the legal entity they belong to and what they are (bank, AP, AR, tax, other), so that the
workspace can list every account of every entity. Existing accounts: no entity yet; Bank accounts are "bank",
Manual ones "other" (edit them with PUT /api/accounts/<id> or `tieout accounts set`).

Revision ID: 0009
Revises: 0008 (the lead rechains it after 0008)
Create Date: 2026-12-07 09:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('legal_entity', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('accounts', sa.Column('account_type', sa.String(length=10), nullable=False,
                                        server_default='other'))
    op.execute("UPDATE accounts SET account_type = 'bank' WHERE kind = 'Bank'")


def downgrade() -> None:
    op.drop_column('accounts', 'account_type')
    op.drop_column('accounts', 'legal_entity')
