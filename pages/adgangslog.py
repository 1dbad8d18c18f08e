"""Adgangslog: who has looked at which families person by person (admins only)."""

from dashboard.access_log import access_log_page
from dashboard.shell import open_page

access_log_page(open_page("adgangslog"))
