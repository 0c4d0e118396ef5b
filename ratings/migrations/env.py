"""Alembic environment: the engine comes from `ratings.migrations.alembic_config`."""

from alembic import context
from sqlmodel import SQLModel

import ratings.models  # noqa: F401  (registers the tables on the metadata)

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )
    context.run_migrations()
