"""Indlæsninger: the load history, so an admin can see what data the dashboard shows.

Every load writes one `load_history` row (when, bundle, rows, checksum and
latest date per file); listing them lets an admin answer "which export is
this?" and check that a correction really arrived. Above it, whether the
answers of the newest load are precomputed for the code that runs: an
operator who forgets `python -m dashboard precompute` after a load or a
deploy gets no error, only slower first views, so the admin is told here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import formatting, tables
from dashboard.data import cached, data_version, precomputed_enabled, store_state
from dashboard.i18n import t
from dashboard.shell import PageContext
from dashboard.tables import Column, Kind
from data_access.queries import reference
from data_access.queries.answer_store import StoreState

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


def files_table(load: reference.LoadInfo, lang: str) -> tables.Table:
    """One row per file of `load`: rows and latest date (sortable by value), checksum."""
    files = sorted(load.files.items())
    latest = [info.get("latest_date") for _, info in files]
    return tables.build(
        [
            Column(t("loads.file", lang), [name for name, _ in files]),
            Column(t("loads.rows", lang), [info.get("rows") for _, info in files], Kind.COUNT),
            Column(
                t("loads.latest", lang),
                [pd.Timestamp(str(day)).date() if day else None for day in latest],
                Kind.DATE,
            ),
            Column(t("loads.sha", lang), [info.get("sha256") for _, info in files]),
        ],
        lang,
    )


def precompute_note(
    state: StoreState | None, newest: int, enabled: bool, lang: str
) -> tuple[bool, str]:
    """(in order, text): are the newest load's answers precomputed, and if not, what to do."""
    if not enabled:
        return True, t("loads.precompute_off", lang)
    if state is None:
        return False, t("loads.precompute_none", lang, newest=newest)
    if state.data_version != newest:
        return False, t(
            "loads.precompute_old_load", lang, load_id=state.data_version, newest=newest
        )
    if not state.this_code:
        return False, t("loads.precompute_old_code", lang, load_id=newest)
    return True, t(
        "loads.precompute_ready",
        lang,
        load_id=newest,
        answers=formatting.number(state.answers, lang),
        at=formatting.timestamp(state.created_at, lang),
    )


def loads_page(context: PageContext) -> None:
    """The admin page: every load, and the files of the one picked."""
    lang = context.lang
    st.write(t("loads.intro", lang))
    loads = load_history_rows(limit=200)
    if not loads:
        st.info(t("loads.none", lang))
        return
    in_order, note = precompute_note(store_state(), data_version(), precomputed_enabled(), lang)
    (st.caption if in_order else st.warning)(note)
    st.dataframe(loads_frame(loads, lang), hide_index=True, width="stretch")
    by_id = {load.load_id: load for load in loads}
    chosen = st.selectbox(
        t("loads.load", lang),
        options=list(by_id),
        format_func=lambda load_id: f"{load_id} · {by_id[load_id].bundle_name}",
        key="loads_pick",
    )
    st.subheader(t("loads.files_of", lang, load_id=chosen))
    # A bundle has a file per table of the contract (16 in the demo's): all in view.
    tables.show(files_table(by_id[chosen], lang), every_row=True)
