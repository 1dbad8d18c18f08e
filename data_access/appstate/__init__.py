"""The dashboard's own writable state, apart from the reporting data.

The access log (`access_log`), frozen quarters, the steering group's
remarks and decisions (`quarters`), their tables (`schema`) and their own
Alembic history (`migrate`, `migrations/`). Rows are appended, never changed.
"""
