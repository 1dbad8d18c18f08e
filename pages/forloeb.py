"""Forløb: how families move through their courses, and who moves to aftercare soon."""

from __future__ import annotations

from dashboard.access_log import log_view
from dashboard.data import cached
from dashboard.shell import open_page
from dashboard.views import courses
from data_access.courses import (
    course_flow,
    course_timeline,
    due_to_aftercare,
    end_reasons,
    stage_months,
)
from data_access.figures import compute_figures, programme_info

figures_at = cached(compute_figures)
info_of = cached(programme_info)
stages_at = cached(stage_months)
timeline_at = cached(course_timeline)
due_at = cached(due_to_aftercare)
flow_at = cached(course_flow)
reasons_at = cached(end_reasons)

context = open_page("forloeb")
f, user, lang = context.filters, context.user, context.lang
info = info_of(f.programme_id)
due_count, due_families = due_at(
    f.programme_id, f.as_of, district_id=f.district_id, scope=context.user
)
figures = figures_at(
    f.programme_id,
    f.as_of,
    district_id=f.district_id,
    scope=context.user,
    figure_ids=courses.HEADLINE,
)
courses.headline(figures, due_count, lang)
courses.stages(
    stages_at(f.programme_id, f.starts_on, f.as_of, district_id=f.district_id, scope=context.user),
    lang,
)
courses_total, timeline = timeline_at(
    f.programme_id, f.as_of, district_id=f.district_id, scope=context.user
)
shown = [str(fid) for fid in timeline["family_id"].dropna()]
log_view(context, "forloeb", sorted({*shown, *map(str, due_families["family_id"])}))
courses.timeline(
    timeline, courses_total, info.intensive_months, info.course_months, user.suppressed, lang
)
courses.due_list(due_families, lang)
courses.flow(flow_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user), lang)
courses.reasons(
    reasons_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user), lang
)
