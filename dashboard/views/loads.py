"""Indlæsninger: the load history, so an admin can see what data the dashboard shows.

Every load writes one `load_history` row (when, bundle, rows, checksum and
latest date per file); listing them lets an admin answer "which export is
this?" and check that a correction really arrived.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import formatting
from dashboard.data import cached
from dashboard.i18n import t
from dashboard.shell import PageContext
from data_access.queries import reference

load_history_rows = cached(reference.load_history_rows)


def loads_frame(loads: list[reference.LoadInfo], lang: str) -> pd.DataFrame:
    """One row per load, newest first, with Danish (or English) dates."""
    return pd.DataFrame(
        {
            t("loads.load", lang): [load.load_id for load in loads],
            t("loads.loaded_at", lang): [
                formatting.timestamp(load.loaded_at, lang) for load in loads
            ],
            t("loads.bundle", lang): [load.bundle_name for load in loads],
            t("loads.covers", lang): [
                formatting.long_date(load.covers_until, lang) for load in loads
            ],
            t("loads.demo", lang): [load.is_demo for load in loads],
        }
    )


def files_frame(load: reference.LoadInfo, lang: str) -> pd.DataFrame:
    """One row per file of `load`: rows, latest date and checksum."""
    rows = []
    for name, info in sorted(load.files.items()):
        latest = info.get("latest_date")
        day = formatting.short_date(pd.Timestamp(str(latest)).date(), lang) if latest else "–"
        rows.append(
            {
                t("loads.file", lang): name,
                t("loads.rows", lang): formatting.count_text(info.get("rows"), lang),
                t("loads.latest", lang): day,
                t("loads.sha", lang): info.get("sha256"),
            }
        )
    return pd.DataFrame(rows)


def loads_page(context: PageContext) -> None:
    """The admin page: every load, and the files of the one picked."""
    lang = context.lang
    st.write(t("loads.intro", lang))
    loads = load_history_rows(limit=200)
    if not loads:
        st.info(t("loads.none", lang))
        return
    st.dataframe(loads_frame(loads, lang), hide_index=True, width="stretch")
    by_id = {load.load_id: load for load in loads}
    chosen = st.selectbox(
        t("loads.load", lang),
        options=list(by_id),
        format_func=lambda load_id: f"{load_id} · {by_id[load_id].bundle_name}",
        key="loads_pick",
    )
    st.subheader(t("loads.files_of", lang, load_id=chosen))
    st.dataframe(files_frame(by_id[chosen], lang), hide_index=True, width="stretch")
