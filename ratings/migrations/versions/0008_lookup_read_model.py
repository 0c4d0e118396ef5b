"""lookup read model: one row per brand with what a barcode answer needs (ratings/lookup_model.py), backfilled

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
from sqlmodel import Session


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'lookupbrand',
        sa.Column('brand_id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('industry_id', sa.Integer(), nullable=True),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=True),
        sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('made', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('company', sa.JSON(), nullable=False),
        sa.Column('rating', sa.JSON(), nullable=True),
        sa.Column('shaped_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(['brand_id'], ['brand.id']),
        sa.ForeignKeyConstraint(['company_id'], ['company.id']),
        sa.PrimaryKeyConstraint('brand_id'),
    )
    op.create_index(op.f('ix_lookupbrand_industry_id'), 'lookupbrand', ['industry_id'], unique=False)
    _backfill()


def _backfill() -> None:
    """Rows for the catalog as it is, built by the code that keeps them current. It reads the tables through
    today's models, so it must run on a schema those models match: a later migration that changes a table the
    read model reads should rebuild it again at its end (`ratings.lookup_model.rebuild_all`) rather than rely
    on this one."""
    from ratings import lookup_model

    session = Session(bind=op.get_bind())
    try:
        lookup_model.rebuild_all(session)
        session.flush()
    finally:
        session.close()


def downgrade() -> None:
    op.drop_index(op.f('ix_lookupbrand_industry_id'), table_name='lookupbrand')
    op.drop_table('lookupbrand')
