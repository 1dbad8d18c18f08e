"""Presentation mode for the steering group's meeting on a shared 1920x1080 screen.

`?present=1` (or the sidebar toggle) replaces the page navigation with a
sequence of steps the group goes through: the overview figures, intake,
courses, spend, outcomes, families per district and the district indicators
(`dashboard.views.presentation_steps` draws each). Each step is a handful of
figures in large type and at most one chart of fixed height or one table,
so nothing scrolls off a 1080-pixel screen; "Forrige"/"Næste" step through
them. The sidebar is collapsed and hidden. Every number comes from the same
data_access functions and `show_figure` as the pages, for the user's own
scope, and a role gets only the steps whose page it may open (`access.may`,
the pages' policy), so `?present=1` is no way round the page roles.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard import formatting
from dashboard.accessibility import set_title
from dashboard.i18n import N_, t
from dashboard.navigation import page
from dashboard.shell import PageContext
from dashboard.views.presentation_steps import RENDER, figures_at
from data_access.rules.access import may, page_resource

PARAM: Final = "present"
TOGGLE_KEY: Final = "presentation_toggle"
STEP_KEY: Final = "presentation_step"

STEPS: Final[tuple[str, ...]] = (
    "overview",
    "intake",
    "courses",
    "spend",
    "outcomes",
    "districts",
    "indicators",
)

#: Step -> the page whose figures it shows: the step is shown only to roles that may open it.
STEP_PAGES: Final[dict[str, str]] = {
    "overview": "oversigt",
    "intake": "visitation",
    "courses": "forloeb",
    "spend": "oekonomi",
    "outcomes": "effekt",
    "districts": "bydele",
    "indicators": "bydele",
}

#: Step -> message id of its title: the page whose figures it shows, or the overview's own.
STEP_TITLES: Final[dict[str, str]] = {
    "overview": N_("presentation.overview"),
    "intake": page("visitation").title_id,
    "courses": page("forloeb").title_id,
    "spend": page("oekonomi").title_id,
    "outcomes": page("effekt").title_id,
    "districts": page("bydele").title_id,
    "indicators": N_("presentation.indicators"),
}

#: Presentation CSS: no sidebar, no header chrome, large metrics, tight top margin.
CSS: Final = (
    "<style>"
    "[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
    "[data-testid='stSidebarNav'],[data-testid='stExpandSidebarButton']{display:none}"
    "[data-testid='stHeader']{display:none}"
    ".block-container{padding-top:1.2rem;padding-bottom:0.5rem;max-width:1880px}"
    # A metric's value and label are markdown too (a <p> inside): each is sized here.
    # The value shrinks with the screen: at 3.6rem a 1366 px projector cut
    # "19.769.033 kr." to "19.769.0…" in a quarter-width card; 2.7vw fits it.
    "[data-testid='stMetricValue'],[data-testid='stMetricValue'] p"
    "{font-size:clamp(2rem,2.7vw,3.6rem);line-height:1.1}"
    # A long label wraps onto a second line instead of ending in "…".
    "[data-testid='stMetricLabel'] p{font-size:1.35rem;white-space:normal}"
    "[data-testid='stMetricDelta']{font-size:1.15rem}"
    "h1{font-size:2.6rem !important}"
    # The indicators step's table (st.table is HTML, unlike the canvas grid).
    "[data-testid='stTable'] th,[data-testid='stTable'] td{font-size:1.45rem}"
    # Status lines and chart headings under the figures, readable across the room:
    # st.markdown's own elements only, not the metrics' or the buttons' text, which
    # this rule once shrank to 1.5rem (values) or cut short ("Næs…" at 1366 px).
    "[data-testid='stMain'] [data-testid='stMarkdown'] p{font-size:1.5rem}"
    "</style>"
)


def requested() -> bool:
    """Presentation mode is on: `?present=1` or the sidebar toggle."""
    return st.query_params.get(PARAM) == "1" or bool(st.session_state.get(TOGGLE_KEY))


def sidebar_toggle(lang: str) -> None:
    """The toggle in the normal sidebar that starts presentation mode."""
    st.sidebar.toggle(t("presentation.toggle", lang), key=TOGGLE_KEY, on_change=_sync_param)


def _sync_param() -> None:
    if st.session_state.get(TOGGLE_KEY):
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)


def _leave() -> None:
    st.session_state[TOGGLE_KEY] = False
    st.session_state[STEP_KEY] = 0
    st.query_params.pop(PARAM, None)


def steps_for(role: str) -> list[str]:
    """The steps `role` may see: those whose page the policy lets it open."""
    return [step for step in STEPS if may(role, page_resource(STEP_PAGES[step]))]


def _move(by: int, total: int) -> None:
    step = int(st.session_state.get(STEP_KEY, 0)) + by
    st.session_state[STEP_KEY] = max(0, min(total - 1, step))


def run(context: PageContext) -> None:
    """Draw the current step with its navigation instead of the page navigation."""
    lang = context.lang
    f = context.filters
    st.markdown(CSS, unsafe_allow_html=True)
    steps = steps_for(context.user.role)
    step = max(0, min(len(steps) - 1, int(st.session_state.get(STEP_KEY, 0))))
    key = steps[step]
    title, back, indicator, forward, leave = st.columns(
        [6, 1.2, 1.3, 1.2, 2], vertical_alignment="center"
    )
    set_title(t(STEP_TITLES[key], lang), lang)
    with title:
        st.title(t(STEP_TITLES[key], lang) + " · " + formatting.markdown_literal(f.programme_name))
    with back:
        st.button(
            t("presentation.previous", lang),
            on_click=_move,
            args=(-1, len(steps)),
            disabled=step == 0,
            icon=":material/arrow_back:",
            key="presentation_previous",
            width="stretch",
        )
    with indicator:
        position = t("presentation.step", lang, n=step + 1, total=len(steps))
        st.markdown(f"**{position}**")
    with forward:
        st.button(
            t("presentation.next", lang),
            on_click=_move,
            args=(1, len(steps)),
            disabled=step == len(steps) - 1,
            icon=":material/arrow_forward:",
            key="presentation_next",
            width="stretch",
        )
    with leave:
        st.button(
            t("presentation.exit", lang), on_click=_leave, key="presentation_exit", width="stretch"
        )
    previous = context.query.previous_quarter_end()
    st.caption(
        t(
            "presentation.as_of",
            lang,
            date=formatting.long_date(f.as_of, lang),
            previous=formatting.long_date(previous.as_of, lang),
        )
    )
    now = figures_at(context.query)
    before = figures_at(previous)
    RENDER[key](context, now, before)
