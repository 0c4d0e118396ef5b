"""replies: the indicators a company's reply is about, its evidence links, and a reviewer's reason for
rejecting it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import ratings.types


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('companyresponse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicators', ratings.types.JSONType, server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('evidence', ratings.types.JSONType, server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('companyresponse', schema=None) as batch_op:
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('evidence')
        batch_op.drop_column('indicators')
