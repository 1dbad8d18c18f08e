"""Visitation: how many families are on their way in, where they wait, and is there room."""

from __future__ import annotations

from dashboard.data import cached
from dashboard.shell import open_page
from dashboard.views import intake
from data_access.figures import compute_figures
from data_access.intake import intake_funnel, intake_waits, referrals_per_month

figures_at = cached(compute_figures)
funnel_at = cached(intake_funnel)
waits_at = cached(intake_waits)
referrals_at = cached(referrals_per_month)

context = open_page("visitation")
f = context.filters
figures = figures_at(
    f.programme_id,
    f.as_of,
    district_id=f.district_id,
    scope=context.user,
    figure_ids=intake.CAPACITY_FIGURES,
)
intake.capacity(figures, f.lang)
intake.funnel(
    funnel_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user), f.lang
)
intake.waits(
    waits_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user), f.lang
)
intake.referrals(
    referrals_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user), f.lang
)
