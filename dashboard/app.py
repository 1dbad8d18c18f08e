"""Entry point: `streamlit run dashboard/app.py`.

Works out the user and the filters, builds the navigation for the user's
role and runs the chosen page. With no database configured it creates the
demo database first, so a first run shows a working dashboard.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import accessibility, auth, presentation, shell, socket_options  # noqa: E402
from dashboard.data import ensure_database  # noqa: E402
from dashboard.errors import database_guard  # noqa: E402
from dashboard.filters import current_lang, sidebar_filters  # noqa: E402
from dashboard.i18n import role_label, t  # noqa: E402
from dashboard.navigation import PAGES, PageSpec, pages_for, section_title  # noqa: E402


def _sections(role: str, lang: str) -> dict[str, list[st.Page]]:
    """The role's pages by section, plus hidden pages: a start page and the refusals.

    Streamlit serves the default page at "/" only, so every real page gets
    its own path (`/oversigt`, `/visitation`, ...) and "/" forwards to the
    role's first page with the query parameters kept. A page the role may
    not open keeps its path too, as a refusal (`_refusal`).
    """
    sections: dict[str, list[st.Page]] = {}
    pages: list[st.Page] = []
    for spec in pages_for(role):
        section = section_title(spec.section, lang)
        page = st.Page(spec.path, title=spec.title(lang), icon=spec.icon, url_path=spec.key)
        sections.setdefault(section, []).append(page)
        pages.append(page)

    def start() -> None:
        st.switch_page(pages[0], query_params=st.query_params.to_dict())

    first_section = next(iter(sections))
    sections[first_section].insert(
        0,
        st.Page(
            start, title=t("app.title", lang), url_path="start", default=True, visibility="hidden"
        ),
    )
    allowed = {spec.key for spec in pages_for(role)}
    sections[first_section].extend(
        st.Page(
            _refusal(spec, role, lang, pages[0]),
            title=spec.title(lang),
            url_path=spec.key,
            visibility="hidden",
        )
        for spec in PAGES
        if spec.key not in allowed
    )
    return sections


def _refusal(spec: PageSpec, role: str, lang: str, home: st.Page) -> Callable[[], None]:
    """What a link to `spec` shows a role that may not open it: which page, why, where to go.

    Without it Streamlit answered such a link (a colleague's URL from the
    shared screen) with its own English "Page not found" and the main page.
    The refusal never runs the page's script; `shell.open_page` would refuse
    it as well.
    """

    def refuse() -> None:
        accessibility.set_title(t("auth.refused_title", lang), lang)
        st.title(t("auth.refused_title", lang))
        st.error(
            t("auth.page_not_for_role", lang, page=spec.title(lang), role=role_label(role, lang)),
            icon=":material/block:",
        )
        # The filters and language of the link travel on to the role's first page.
        st.page_link(home, query_params=st.query_params.to_dict())

    return refuse


_NAVIGATION_KEY = "_navigation"


def _session_sections(role: str, lang: str) -> dict[str, list[st.Page]]:
    """`_sections`, built once per session and role and language, not on every rerun."""
    kept = st.session_state.get(_NAVIGATION_KEY)
    if not (isinstance(kept, tuple) and kept[0] == (role, lang)):
        kept = ((role, lang), _sections(role, lang))
        st.session_state[_NAVIGATION_KEY] = kept
    return kept[1]


def main() -> None:
    socket_options.disable_nagle_once()
    lang = current_lang()
    presenting = presentation.requested()
    st.set_page_config(
        page_title=t("app.title", lang),
        page_icon=":material/family_restroom:",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
    )
    accessibility.announce_language(lang)
    login = auth.gate(lang)
    if login is None:
        st.stop()
    with database_guard(lang):
        ensure_database(lang)
        user = auth.current_user(login, lang)
        if user is None:
            st.stop()
        filters = sidebar_filters(user)
        if filters is None:
            st.stop()
        shell.set_context(shell.PageContext(filters=filters, user=user))
        shell.demo_note(filters.lang)
        shell.stale_warning(filters.lang)
        # Expanded: an admin has 13 pages, and Streamlit folds all past 10 behind "View more".
        navigation = st.navigation(
            _session_sections(user.role, lang),
            position="hidden" if presenting else "sidebar",
            expanded=True,
        )
        if presenting:
            presentation.run(shell.PageContext(filters=filters, user=user))
            shell.footer(filters.lang)
            return
        presentation.sidebar_toggle(filters.lang)
        navigation.run()
        shell.footer(filters.lang)


main()
