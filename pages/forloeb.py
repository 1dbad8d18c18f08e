"""Forløb: how families move through their courses, and who moves to aftercare soon."""

from __future__ import annotations

from dashboard.access_log import log_view
from dashboard.data import cached, start
from dashboard.shell import open_page
from dashboard.views import courses
from data_access.queries.courses import (
    DUE_LIST_LIMIT,
    course_flow,
    course_timeline,
    due_to_aftercare,
    end_reasons,
    stage_months,
)
from data_access.queries.figures import compute_figures
from data_access.queries.programmes import programme_info

figures_at = cached(compute_figures)
info_of = cached(programme_info)
stages_at = cached(stage_months)
timeline_at = cached(course_timeline)
due_at = cached(due_to_aftercare)
flow_at = cached(course_flow)
reasons_at = cached(end_reasons)

context = open_page("forloeb")
f, user, lang, query = context.filters, context.user, context.lang, context.query
info = start(info_of, f.programme_id)
due = start(due_at, query, DUE_LIST_LIMIT)
figures = start(figures_at, query, figure_ids=courses.HEADLINE)
stages = start(stages_at, query, f.starts_on)
timeline = start(timeline_at, query)
flow = start(flow_at, query)
reasons = start(reasons_at, query)

due_count, due_families = due.result()
courses.headline(figures.result(), due_count, lang)
courses.stages(stages.result(), lang)
courses_total, rows = timeline.result()
shown = [str(fid) for fid in rows["family_id"].dropna()]
log_view(context, "forloeb", sorted({*shown, *map(str, due_families["family_id"])}))
programme = info.result()
courses.timeline(
    rows,
    courses_total,
    programme.intensive_months,
    programme.course_months,
    not user.sees_pseudonyms,
    lang,
)
courses.due_list(due_families, lang, DUE_LIST_LIMIT)
courses.flow(flow.result(), lang)
courses.reasons(reasons.result(), lang)
