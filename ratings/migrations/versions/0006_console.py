"""console: a password hash and a session generation per user; per-answer versions, copied marks and
reviewers' comments per answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import ratings.types


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('copied', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'answercomment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', ratings.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('answercomment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answercomment_assessment_id'), ['assessment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answercomment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answercomment_assessment_id'))
    op.drop_table('answercomment')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('copied')
        batch_op.drop_column('version')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
        batch_op.drop_column('password_hash')
