"""What every page starts with: its context (filters, user) and the access check.

`app.py` works out the filters and the user on every run and stores them with
`set_context`; a page calls `open_page(key)`, which checks the role again
(a page can be reached by URL or `switch_page`), draws the title and returns
the context.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import export, formatting
from dashboard.data import cached
from dashboard.filters import Filters, data_as_of, report_date_caption
from dashboard.i18n import t
from dashboard.navigation import page
from data_access import reference
from data_access.access import Scope

_CONTEXT_KEY = "_dashboard_context"

latest_load = cached(reference.latest_load)


@dataclass(frozen=True)
class PageContext:
    filters: Filters
    user: Scope

    @property
    def lang(self) -> str:
        return self.filters.lang


def set_context(context: PageContext) -> None:
    st.session_state[_CONTEXT_KEY] = context


def open_page(key: str) -> PageContext:
    """Check access to page `key`, draw its title and report date, return the context."""
    context = st.session_state.get(_CONTEXT_KEY)
    if not isinstance(context, PageContext):
        st.stop()
    spec = page(key)
    if context.user.role not in spec.roles:
        st.error(t("no_access", context.lang), icon=":material/block:")
        st.stop()
    st.title(spec.title(context.lang))
    st.caption(report_date_caption(context.filters, data_as_of()))
    return context


def download_csv(frame: pd.DataFrame, name: str, lang: str) -> None:
    """A CSV download of `frame` (UTF-8 with BOM and ; so Danish Excel opens it).

    Text cells that a spreadsheet would run as a formula are neutralised
    (`export.csv_bytes`), because names and ids come from outside systems.
    """
    data = export.csv_bytes(frame)
    st.download_button(
        t("download_csv", lang),
        data=data,
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"download_{name}",
    )


def placeholder(context: PageContext) -> None:
    """A titled placeholder for a page the next issue fills."""
    st.info(t("placeholder", context.lang), icon=":material/construction:")
    st.caption(formatting.long_date(context.filters.as_of, context.lang))


def demo_note(lang: str) -> None:
    """Label synthetic data as such, on every page, when the newest load is the demo."""
    load = latest_load()
    if load is not None and load.is_demo:
        st.info(t("demo_data", lang), icon=":material/science:")
