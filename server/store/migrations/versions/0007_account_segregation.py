"""segregation of duties per account: "standard" (the preparer may review; neither preparer nor reviewer
approves) or "strict" (three different people). Existing accounts become "standard".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:50:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('accounts', sa.Column('segregation', sa.String(length=10), nullable=False,
                                        server_default='standard'))


def downgrade() -> None:
    op.drop_column('accounts', 'segregation')
