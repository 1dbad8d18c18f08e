"""Placeholder: the next issue fills this page."""

from dashboard.shell import open_page, placeholder

context = open_page("oversigt")
placeholder(context)
