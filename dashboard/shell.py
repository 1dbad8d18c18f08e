"""What every page starts with: its context (filters, user) and the access check.

`app.py` works out the filters and the user on every run and stores them with
`set_context`; a page calls `open_page(key)`, which checks the role again
(a page can be reached by URL or `switch_page`), draws the title and returns
the context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Final

import pandas as pd
import streamlit as st

from dashboard import export, formatting
from dashboard.accessibility import set_title
from dashboard.audit_trail import logged_data
from dashboard.data import shared
from dashboard.filters import Filters, data_as_of, report_date_caption
from dashboard.i18n import t
from dashboard.navigation import page
from data_access.queries import reference
from data_access.queries.context import QueryContext
from data_access.queries.freshness import freshness, stale_days
from data_access.rules.access import Scope, may, page_resource
from data_access.rules.disclosure import rounding_band

_CONTEXT_KEY = "_dashboard_context"

#: A key figure's label, value and change wrap instead of ending in "…": Streamlit
#: draws each on one line, and on a 1280 px screen (1920 at 150 % scaling) it cut
#: Forebyggelse's "22.695.772 kr." and Oversigt's "Mål: aktive familier" short,
#: and at 1366 px the change's reading ("+2 siden 31.03.2011 · bedre").
METRIC_TEXT_CSS: Final = (
    "<style>[data-testid='stMetricLabel'] p,[data-testid='stMetricValue'] p,"
    "[data-testid='stMetricDelta'] p{white-space:normal}</style>"
)

#: The page this run opened (`open_page`): its downloads ask the policy about it
#: and are logged with it.
_PAGE_KEY = "_dashboard_page"

latest_load = shared(reference.latest_load)


@dataclass(frozen=True)
class PageContext:
    """The run's filters and user, and the one query context every query of the page gets."""

    filters: Filters
    user: Scope
    query: QueryContext = field(init=False)

    def __post_init__(self) -> None:
        f = self.filters
        query = QueryContext(f.programme_id, f.as_of, f.district_id, self.user)
        object.__setattr__(self, "query", query)

    @property
    def lang(self) -> str:
        return self.filters.lang


def set_context(context: PageContext) -> None:
    """Store the run's context; the page is set again by `open_page`."""
    st.session_state[_CONTEXT_KEY] = context
    st.session_state.pop(_PAGE_KEY, None)


def open_page(key: str) -> PageContext:
    """Check access to page `key`, draw its title and report date, return the context."""
    context = st.session_state.get(_CONTEXT_KEY)
    if not isinstance(context, PageContext):
        st.stop()
    spec = page(key)
    st.session_state[_PAGE_KEY] = key
    if not may(context.user.role, spec.resource):
        st.error(t("auth.no_access", context.lang), icon=":material/block:")
        st.stop()
    st.html(METRIC_TEXT_CSS)
    set_title(spec.title(context.lang), context.lang)
    st.title(spec.title(context.lang))
    st.caption(report_date_caption(context.filters, data_as_of()))
    if context.user.suppressed:
        st.caption(rounding_note(context.lang))
    coverage_warning(context.filters.as_of, context.lang)
    period_warning(context.filters)
    return context


def rounding_note(lang: str) -> str:
    """What a suppressed role is told under every page title: `<5`, the rounding bands, medians.

    The bands come from `rules.disclosure.rounding_band`, so the note cannot
    drift from the rule.
    """
    bands = {
        name: "{}-{}".format(*rounding_band(shown))
        for name, shown in (("five", 5), ("ten", 10), ("fifteen", 15))
    }
    return t("disclosure.rounded_note", lang, **bands)


def coverage_warning(as_of: date, lang: str) -> None:
    """Say so above the figures when the report date lies after what the data covers.

    Figures for a date the data does not reach look complete but are not;
    the group must see that before it reads them.
    """
    state = freshness(latest_load(), as_of)
    if state.beyond_coverage:
        st.warning(
            t(
                "app.beyond_coverage",
                lang,
                as_of=formatting.long_date(as_of, lang),
                covers=formatting.long_date(state.covers_until, lang),
            ),
            icon=":material/event_busy:",
        )


def period_warning(filters: Filters) -> None:
    """Say so above the figures when the report date lies outside the programme's period.

    Before the start every count is 0 and reads like a programme that failed
    ("Ingen forløb over tid", "Under målet"); after the end the figures go on
    counting courses nobody runs any more. A date typed into a link or the
    picker must not pass for an ordinary one.
    """
    lang = filters.lang
    as_of = formatting.long_date(filters.as_of, lang)
    if filters.as_of < filters.starts_on:
        day = formatting.long_date(filters.starts_on, lang)
        text = t("app.before_programme", lang, as_of=as_of, day=day)
    elif filters.as_of > filters.ends_on:
        day = formatting.long_date(filters.ends_on, lang)
        text = t("app.after_programme", lang, as_of=as_of, day=day)
    else:
        return
    st.warning(text, icon=":material/event_busy:")


def stale_warning(lang: str) -> None:
    """On every page: warn when the newest load is older than `DASHBOARD_STALE_DAYS`."""
    load = latest_load()
    state = freshness(load, None)
    if load is None:
        st.warning(t("app.no_load_warning", lang), icon=":material/history:")
    elif state.stale:
        st.warning(
            t(
                "app.stale_data",
                lang,
                loaded=formatting.timestamp(state.loaded_at, lang),
                days=state.age_days,
                limit=stale_days(),
            ),
            icon=":material/history:",
        )


def footer_text(lang: str) -> str:
    """`Data indlæst 3. oktober 2031 kl. 14.05 · bogført til 30. september 2031`."""
    load = latest_load()
    if load is None:
        return t("app.footer_no_load", lang)
    return t(
        "app.footer_loaded",
        lang,
        loaded=formatting.timestamp(load.loaded_at, lang),
        covers=formatting.long_date(load.covers_until, lang),
    )


def footer(lang: str) -> None:
    """The data's load time and coverage under every page (app.py draws it last)."""
    st.divider()
    st.caption(footer_text(lang))


def current_page() -> tuple[PageContext, str] | None:
    """This run's page context and page key (set by `open_page`), or None outside a page."""
    context = st.session_state.get(_CONTEXT_KEY)
    key = st.session_state.get(_PAGE_KEY)
    if not isinstance(context, PageContext) or not isinstance(key, str):
        return None
    return context, key


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    lang: str,
    *,
    family_ids: Sequence[str] = (),
) -> None:
    """A CSV download of `frame` (UTF-8 with BOM and ; so Danish Excel opens it), logged.

    Text cells that a spreadsheet would run as a formula are neutralised
    (`export.csv_bytes`), because names and ids come from outside systems.
    The file is written when the button is clicked, not on every rerun: a
    city's coordinator table took longer to encode than to query.
    No button unless the policy lets the user open the page it sits on.
    Each download is logged with the page's user and filters before the
    file is handed out (`family_ids`: the pseudonyms in it, if any).
    `frame` may be a function that makes the table (`Table.text`): then even
    the table's text is made only on a click, not on every rerun.
    """
    current = current_page()
    if current is None or not may_download():
        return
    context, page_key = current
    file_name = f"{name}.csv"
    st.download_button(
        t("app.download_csv", lang),
        data=logged_data(
            partial(_csv_of, frame),
            context.user,
            context.filters,
            page_key,
            file_name,
            family_ids=family_ids,
        ),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"download_{name}",
    )


def may_download() -> bool:
    """True when this run's user may open the page this run opened (`access.may`)."""
    current = current_page()
    return current is not None and may(current[0].user.role, page_resource(current[1]))


def demo_note(lang: str) -> None:
    """Label synthetic data as such, on every page, when the newest load is the demo."""
    load = latest_load()
    if load is not None and load.is_demo:
        st.info(t("app.demo_data", lang), icon=":material/science:")


def _csv_of(frame: pd.DataFrame | Callable[[], pd.DataFrame]) -> bytes:
    """The CSV file of `frame`, made now (on the click) if `frame` is a function."""
    return export.csv_bytes(frame if isinstance(frame, pd.DataFrame) else frame())
