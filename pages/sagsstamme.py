"""Sagsstamme: is each coordinator's caseload within capacity, and which reviews are due?"""

from __future__ import annotations

import streamlit as st

from dashboard.access_log import log_view
from dashboard.data import cached
from dashboard.i18n import t
from dashboard.shell import open_page
from dashboard.views import caseload
from data_access.queries.caseload import coordinator_families, coordinator_load
from data_access.rules.access import ADMIN, COORDINATOR

load_at = cached(coordinator_load)
families_at = cached(coordinator_families)

context = open_page("sagsstamme")
f, user, lang = context.filters, context.user, context.lang
load = load_at(f.programme_id, f.as_of, district_id=f.district_id, scope=context.user)
caseload.load_chart(load, lang)

# Lists first: stepping through a city's Arrow-backed columns cell by cell
# cost 20 ms on every rerun.
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
    rows = families_at(
        f.programme_id, f.as_of, chosen, district_id=f.district_id, scope=context.user
    )
    log_view(context, "sagsstamme", list(rows["family_id"]))
    caseload.family_table(rows, names.get(chosen, chosen), lang)
