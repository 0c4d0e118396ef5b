"""The public, read-only, cached v1 API used by the mobile apps."""
