"""Oversigt: is the programme on track? The steering group's page on the shared screen."""

from __future__ import annotations

from dashboard.data import cached, start
from dashboard.shell import open_page
from dashboard.views.overview import overview
from dashboard.views.quarter import quarter_panel
from dashboard.views.report_download import report_download_buttons
from data_access.queries.figures import compute_figures
from data_access.rules.calendar import quarter_end_before

figures_at = cached(compute_figures)

context = open_page("oversigt")
f = context.filters
previous_day = quarter_end_before(f.as_of)
now = start(figures_at, f.programme_id, f.as_of, district_id=f.district_id, scope=context.user)
before = start(
    figures_at, f.programme_id, previous_day, district_id=f.district_id, scope=context.user
)
overview(now.result(), before.result(), previous_day, f.lang)
report_download_buttons(context)
quarter_panel(context)
