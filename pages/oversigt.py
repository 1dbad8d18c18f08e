"""Oversigt: is the programme on track? The steering group's page on the shared screen."""

from __future__ import annotations

from dashboard.data import cached, start
from dashboard.shell import open_page
from dashboard.views.decisions import overdue_warning
from dashboard.views.overview import overview
from dashboard.views.quarter import quarter_panel
from dashboard.views.report_download import report_download_buttons
from data_access.queries.figures import compute_figures

figures_at = cached(compute_figures)

context = open_page("oversigt")
overdue_warning(context)
previous = context.query.previous_quarter_end()
now = start(figures_at, context.query)
before = start(figures_at, previous)
overview(now.result(), before.result(), previous.as_of, context.lang)
report_download_buttons(context)
quarter_panel(context)
