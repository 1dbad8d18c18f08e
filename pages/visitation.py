"""Visitation: how many families are on their way in, where they wait, and is there room."""

from __future__ import annotations

from dashboard.data import cached, start
from dashboard.shell import open_page
from dashboard.views import intake
from data_access.queries.figures import compute_figures
from data_access.queries.intake import intake_funnel, intake_waits, referrals_per_month

figures_at = cached(compute_figures)
funnel_at = cached(intake_funnel)
waits_at = cached(intake_waits)
referrals_at = cached(referrals_per_month)

context = open_page("visitation")
query, lang = context.query, context.lang
figures = start(figures_at, query, figure_ids=intake.CAPACITY_FIGURES)
funnel = start(funnel_at, query)
waits = start(waits_at, query)
referrals = start(referrals_at, query)
intake.capacity(figures.result(), lang, district_chosen=query.district_id is not None)
intake.funnel(funnel.result(), lang)
intake.waits(waits.result(), lang)
intake.referrals(referrals.result(), lang)
