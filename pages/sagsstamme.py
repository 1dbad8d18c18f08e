"""Sagsstamme: is each coordinator's caseload within capacity, and which reviews are due?"""

from __future__ import annotations

import streamlit as st

from dashboard.access_log import log_view
from dashboard.data import cached, start
from dashboard.i18n import t
from dashboard.shell import open_page
from dashboard.views import caseload
from data_access.queries.caseload import (
    COORDINATOR_LIMIT,
    coordinator_count,
    coordinator_families,
    coordinator_load,
    coordinator_name,
)
from data_access.rules.access import ADMIN, COORDINATOR

load_at = cached(coordinator_load)
count_at = cached(coordinator_count)
families_at = cached(coordinator_families)
name_of = cached(coordinator_name)

context = open_page("sagsstamme")
f, user, lang = context.filters, context.user, context.lang
search = caseload.search_box(lang)
# A coordinator's own row comes first; the rest are the most loaded, at most
# COORDINATOR_LIMIT (the search finds the others).
own = user.coordinator_id if user.role == COORDINATOR else None
total = start(count_at, context.query, search)
load = load_at(context.query, search, COORDINATOR_LIMIT, own)
caseload.load_chart(load, lang, total.result())

# Lists first: stepping through Arrow-backed columns cell by cell is slow.
names = dict(zip(load["coordinator_id"].tolist(), load["name"].tolist(), strict=True))
chosen: str | None = None
if user.role == ADMIN and names:
    chosen = st.selectbox(t("caseload.choose", lang), list(names), format_func=names.__getitem__)
elif user.role == COORDINATOR:
    chosen = user.coordinator_id
if chosen is None:
    if user.role not in (ADMIN, COORDINATOR):
        st.info(t("caseload.no_rows", lang), icon=":material/lock:")
else:
    rows = families_at(context.query, chosen)
    log_view(context, "sagsstamme", list(rows["family_id"]))
    caseload.family_table(rows, names.get(chosen) or name_of(chosen), lang)
