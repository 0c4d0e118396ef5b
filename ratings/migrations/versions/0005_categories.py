"""product categories, evidence cut-off dates, rating requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import ratings.types


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('brand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_cutoff', sa.Date(), nullable=True))

    op.create_table('ratingrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('target_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_requested_at', ratings.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_requested_at', ratings.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], ),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('target_type', 'target_key')
    )
    with op.batch_alter_table('ratingrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratingrequest_brand_id'), ['brand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratingrequest_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratingrequest_count'), ['count'], unique=False)

    op.create_table('ratingrequestgtin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('gtin', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['ratingrequest.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'gtin')
    )
    with op.batch_alter_table('ratingrequestgtin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratingrequestgtin_request_id'), ['request_id'], unique=False)

    op.create_table('ratingrequesthit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('client_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['ratingrequest.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'day', 'client_hash')
    )
    with op.batch_alter_table('ratingrequesthit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratingrequesthit_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratingrequesthit_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratingrequesthit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratingrequesthit_request_id'))
        batch_op.drop_index(batch_op.f('ix_ratingrequesthit_day'))
    op.drop_table('ratingrequesthit')
    with op.batch_alter_table('ratingrequestgtin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratingrequestgtin_request_id'))
    op.drop_table('ratingrequestgtin')
    with op.batch_alter_table('ratingrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratingrequest_count'))
        batch_op.drop_index(batch_op.f('ix_ratingrequest_company_id'))
        batch_op.drop_index(batch_op.f('ix_ratingrequest_brand_id'))
    op.drop_table('ratingrequest')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('evidence_cutoff')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('category')
    with op.batch_alter_table('brand', schema=None) as batch_op:
        batch_op.drop_column('category')
