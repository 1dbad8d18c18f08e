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
f, user = context.filters, context.user
figures = start(
    figures_at,
    f.programme_id,
    f.as_of,
    district_id=f.district_id,
    scope=user,
    figure_ids=intake.CAPACITY_FIGURES,
)
funnel = start(funnel_at, f.programme_id, f.as_of, district_id=f.district_id, scope=user)
waits = start(waits_at, f.programme_id, f.as_of, district_id=f.district_id, scope=user)
referrals = start(referrals_at, f.programme_id, f.as_of, district_id=f.district_id, scope=user)
intake.capacity(figures.result(), f.lang)
intake.funnel(funnel.result(), f.lang)
intake.waits(waits.result(), f.lang)
intake.referrals(referrals.result(), f.lang)
