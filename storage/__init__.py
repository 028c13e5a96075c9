"""Persistence: SQLModel tables, the engine factory and migrations."""
