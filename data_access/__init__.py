"""The data layer: everything that knows the database, nothing that knows Streamlit.

Sub-packages, from the bottom up (a package imports only those before it):

- `db`: engines, tables, migrations, backend-neutral SQL;
- `rules`: stages, roles and access, disclosure, measures, calendar;
- `derived`: tables the loader derives so queries stay small;
- `bundle`: the import format: read, check, load;
- `queries`: the small aggregated answers pages and the report ask for;
- `appstate`: the app's own append-only tables (access log, quarters);
- `demo`: the synthetic demo database (command line and tests only).

It is used by the dashboard, the command line and the tests alike.
"""
