"""Indlæsninger: the load history (admins only)."""

from dashboard.shell import open_page
from dashboard.views.loads import loads_page

loads_page(open_page("indlaesninger"))
