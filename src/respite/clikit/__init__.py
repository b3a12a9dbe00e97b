"""The command-line kit: times typed by people, database sessions, JSON in and out, progress.

Each domain's ``commands.py`` builds its sub-commands with these; :mod:`respite.cli` only
registers them.
"""
