"""Entry point: `streamlit run dashboard/app.py`.

Works out the user and the filters, builds the navigation for the user's
role and runs the chosen page. With no database configured it creates the
demo database first, so a first run shows a working dashboard.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import auth, presentation, shell  # noqa: E402
from dashboard.data import ensure_database  # noqa: E402
from dashboard.errors import database_guard  # noqa: E402
from dashboard.filters import current_lang, sidebar_filters  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.navigation import SECTIONS, pages_for  # noqa: E402


def main() -> None:
    lang = current_lang()
    presenting = presentation.requested()
    st.set_page_config(
        page_title=t("app_title", lang),
        page_icon=":material/family_restroom:",
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
    )
    with database_guard(lang):
        ensure_database()
        user = auth.current_user(lang)
        if user is None:
            st.stop()
        filters = sidebar_filters()
        if filters is None:
            st.stop()
        shell.set_context(shell.PageContext(filters=filters, user=user))
        shell.demo_note(filters.lang)
        sections: dict[str, list[st.Page]] = {}
        for spec in pages_for(user.role):
            section = SECTIONS[spec.section][1 if lang == "en" else 0]
            sections.setdefault(section, []).append(
                st.Page(spec.path, title=spec.title(lang), icon=spec.icon, url_path=spec.key)
            )
        navigation = st.navigation(sections, position="hidden" if presenting else "sidebar")
        if presenting:
            presentation.run(shell.PageContext(filters=filters, user=user))
            return
        presentation.sidebar_toggle(filters.lang)
        navigation.run()


main()
