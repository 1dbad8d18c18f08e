"""The reporting database: schema, migrations, loader, demo generator and queries.

This package never imports streamlit: it is used by the dashboard, the command
line and the tests alike.
"""
