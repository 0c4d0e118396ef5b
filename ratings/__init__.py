"""Domain layer: catalog, assessments, publishing and lookups on SQLModel tables.

Every database read and write goes through the services in this package. It never imports Flask.
"""
