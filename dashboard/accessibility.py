"""What the browser tells assistive technology about a page: its language and its title.

WCAG 2.1 AA (the Danish web accessibility act, docs/accessibility.md):
Streamlit's HTML shell says `<html lang="en">` whatever the app speaks, so a
screen reader read the Danish pages with an English voice (3.1.1, Language
of Page), and `set_page_config` gave every page the same browser-tab title
(2.4.2, Page Titled). The shell corrects both on every run.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from dashboard.i18n import LANGUAGES, t

#: Between a page's own title and the app's name in the browser tab.
TITLE_SEPARATOR: Final = " – "


def document_title(page_title: str, lang: str) -> str:
    """The browser tab's title: the page first (what differs between tabs), then the app."""
    return f"{page_title}{TITLE_SEPARATOR}{t('app.title', lang)}"


def language_script(lang: str) -> str:
    """A script that sets `<html lang>` to `lang`, one of the app's languages (else ValueError).

    Only a code from `LANGUAGES` is ever written into the script, so nothing
    from the URL reaches it.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return f"<script>document.documentElement.lang = {lang!r};</script>"


def announce_language(lang: str) -> None:
    """Set the document's language to `lang` (3.1.1); Streamlit's own shell says "en".

    In the sidebar: an element in the main area, even one that draws nothing,
    pushes the page down by a gap (16 px less for presentation mode's screen).
    The sidebar's content is in the page also when it is collapsed or hidden.
    """
    st.sidebar.html(language_script(lang), unsafe_allow_javascript=True)


def set_title(page_title: str, lang: str) -> None:
    """Name the page in the browser tab (2.4.2): `Økonomi – Interventionsteam – styringsdata`."""
    st.set_page_config(page_title=document_title(page_title, lang))
