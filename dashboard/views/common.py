"""Small pieces the programme pages share: status lines, empty states, charts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.charts import Trace, chart_config, figure
from dashboard.i18n import t


def status(on_track: bool | None, lang: str, *, good: str = "", bad: str = "") -> None:
    """A status line read without colour: icon + words + colour (None: no target)."""
    if on_track is None:
        words = t("common.no_target", lang)
        st.markdown(f":gray[:material/remove: {words}]")
    elif on_track:
        words = good or t("common.on_track", lang)
        st.markdown(f":green[:material/check_circle: **{words}**]")
    else:
        words = bad or t("common.off_track", lang)
        st.markdown(f":orange[:material/warning: **{words}**]")


def no_families(lang: str) -> None:
    """The empty state every chart falls back to."""
    st.info(t("common.no_families", lang), icon=":material/info:")


def plot(
    traces: Iterable[Trace], lang: str, *, height: int = 380, key: str | None = None, **layout: Any
) -> None:
    """Draw traces full width with the shared layout (see `charts.figure`) and config."""
    chart = figure(traces, lang, height=height, **layout)
    st.plotly_chart(chart, config=chart_config(), width="stretch", key=key)


def numeric(column: pd.Series) -> pd.Series:
    """A disclosed count column as numbers for a chart: "<5" plots as 0 (its hover says "<5")."""
    return pd.to_numeric(column, errors="coerce").fillna(0)
