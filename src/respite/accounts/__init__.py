"""Accounts: organisations, users and API tokens (tables, service, views, commands)."""
