"""Beslutninger: the steering group's decisions across quarters, overdue ones first."""

from dashboard.shell import open_page
from dashboard.views.decisions import decisions_page

decisions_page(open_page("beslutninger"))
