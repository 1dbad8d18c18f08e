"""The reporting database itself: engines, tables, migrations and backend-neutral SQL.

`engine` connects (read-only sessions for the app), `schema` declares the
tables (one per bundle file plus the derived ones), `migrate` brings a
database to the newest revision in `migrations/`, and `sql`, `medians` and
`planner` hold the SQL building blocks that read the same on SQLite and
PostgreSQL. Nothing here knows a programme rule.
"""
