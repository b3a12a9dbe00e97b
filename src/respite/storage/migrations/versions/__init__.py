"""Migration scripts, oldest first (alembic reads the revision ids, not the file names)."""
