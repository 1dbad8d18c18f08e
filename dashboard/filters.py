"""The shell's filters (programme, report date, district, language), kept in the URL.

interface.md: `programme`, `as_of`, `lang` and `district` query parameters
reproduce a view; changing a filter in the sidebar rewrites them, so the URL
on the shared screen can be sent on. Widgets write the query parameters in
their `on_change` callbacks, and each run reads the parameters first, so the
URL and the sidebar never disagree. Streamlit clears query parameters when
the user moves to another page, so the last choices are also remembered in
the session and written back to the URL on the new page.

A link's value the filters cannot use (a programme or district that does not
exist, a report date that is not a date, a language the app lacks) falls
back to the default, and the page says so above everything else: a mistyped
link on the shared screen must not pass for the view it was meant to show.
The note stays, on every page, until a filter is changed: the start page
forwards "/" to the role's first page with the URL already put right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import formatting
from dashboard.data import shared
from dashboard.i18n import LANGUAGES, t
from data_access.queries import programmes, reference
from data_access.rules.access import Scope
from data_access.rules.calendar import local_today
from data_access.rules.disclosure import report_date_for


@dataclass(frozen=True)
class Filters:
    """What every page reads: the programme, report date, district and language."""

    programme_id: str
    programme_name: str
    as_of: date
    district_id: str | None
    lang: str
    starts_on: date
    ends_on: date


list_programmes = shared(programmes.list_programmes)
list_districts = shared(reference.list_districts)
data_as_of = shared(programmes.data_as_of)


_MEMORY_KEY = "_filter_memory"
#: The notes about the link's unusable values, kept until a filter is changed.
_NOTES_KEY = "_link_notes"
#: Characters of a programme name the sidebar's picker shows whole; a longer one is written out.
PICKER_CHARS = 24


def _memory() -> dict[str, str]:
    memory = st.session_state.get(_MEMORY_KEY)
    if not isinstance(memory, dict):
        memory = {}
        st.session_state[_MEMORY_KEY] = memory
    return memory


def _wanted(name: str) -> str | None:
    """The URL's value for `name`, else the one remembered from the last page."""
    value = st.query_params.get(name)
    if value is None:
        value = _memory().get(name)
    return value or None


def current_lang() -> str:
    """`lang` from the URL or the last page (da unless en is asked for)."""
    lang = _wanted("lang") or "da"
    return lang if lang in LANGUAGES else "da"


def default_as_of(starts_on: date, ends_on: date, latest: date | None) -> date:
    """Today in Copenhagen, clipped to the programme's period and the latest data (interface.md)."""
    day = min(local_today(), ends_on)
    if latest is not None:
        day = min(day, latest)
    return max(day, starts_on)


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


#: Characters of an unusable URL value repeated in the note about it.
ECHO_CHARS = 40


def _given(name: str) -> str | None:
    """The URL's own value for `name` (not the remembered one), None when absent or empty."""
    value = st.query_params.get(name)
    return value or None


def _echo(value: str) -> str:
    """A link's value as the note repeats it: shortened, and shown as the characters it is."""
    shown = value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"
    return formatting.markdown_literal(shown)


def url_notes(
    lang: str, programme_name: str, as_of: date, *, programme: bool, as_of_ok: bool, district: bool
) -> list[str]:
    """What the page says about each URL value it could not use (empty when all were usable).

    `programme`, `as_of_ok` and `district`: whether the URL's programme,
    report date and district (when given) were used.
    """
    notes = []
    lang_given = _given("lang")
    if lang_given is not None and lang_given not in LANGUAGES:
        notes.append(t("filter.url_unknown_language", lang, given=_echo(lang_given)))
    given = _given("programme")
    if given is not None and not programme:
        shown = formatting.markdown_literal(programme_name)
        notes.append(t("filter.url_unknown_programme", lang, given=_echo(given), shown=shown))
    given = _given("as_of")
    if given is not None and not as_of_ok:
        shown = formatting.long_date(as_of, lang)
        notes.append(t("filter.url_bad_date", lang, given=_echo(given), shown=shown))
    given = _given("district")
    if given is not None and not district:
        name = formatting.markdown_literal(programme_name)
        notes.append(t("filter.url_unknown_district", lang, given=_echo(given), programme=name))
    return notes


def _set_param(name: str, widget_key: str) -> None:
    st.session_state.pop(_NOTES_KEY, None)
    value = st.session_state[widget_key]
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    _memory()[name] = text
    if text:
        st.query_params[name] = text
    else:
        st.query_params.pop(name, None)


def sidebar_filters(user: Scope) -> Filters | None:
    """Draw the filters in the sidebar and return them; None when no programme exists.

    A role with suppressed counts gets its report date moved to the month end
    (or last data day) on or before the one asked for
    (`rules.disclosure.report_date_for`); the picker and the URL show the
    date the figures are for.
    """
    lang = current_lang()
    programmes = list_programmes()
    if not programmes:
        st.info(t("app.no_programmes", lang))
        return None
    by_id = {p.programme_id: p for p in programmes}
    programme_id = _wanted("programme")
    programme_known = programme_id in by_id
    if programme_id not in by_id:
        programme_id = programmes[0].programme_id
    programme = by_id[programme_id]

    latest = data_as_of()
    as_of = _parse_date(_wanted("as_of"))
    as_of_ok = as_of is not None
    if as_of is None:
        as_of = default_as_of(programme.starts_on, programme.ends_on, latest)
    as_of = report_date_for(as_of, user, programme.starts_on, programme.ends_on, latest)

    district_ids = {d.district_id: d.name for d in list_districts(programme_id)}
    district_id = _wanted("district")
    district_known = district_id in district_ids
    if district_id not in district_ids:
        district_id = None
    notes = url_notes(
        lang,
        programme.name,
        as_of,
        programme=programme_known,
        as_of_ok=as_of_ok,
        district=district_known,
    )
    if notes:
        st.session_state[_NOTES_KEY] = notes
    for note in st.session_state.get(_NOTES_KEY, []):
        st.warning(note, icon=":material/link_off:")

    st.session_state["filter_programme"] = programme_id
    st.session_state["filter_as_of"] = as_of
    st.session_state["filter_district"] = district_id or ""
    st.session_state["filter_lang"] = lang

    with st.sidebar:
        st.selectbox(
            t("common.programme", lang),
            options=list(by_id),
            format_func=lambda pid: by_id[pid].name,
            key="filter_programme",
            on_change=_on_programme_change,
        )
        if len(programme.name) > PICKER_CHARS:
            # The sidebar's picker cuts a long name; written out under it, it reads whole.
            st.caption(formatting.markdown_literal(programme.name))
        st.date_input(
            t("common.as_of", lang),
            key="filter_as_of",
            format=formatting.date_input_format(lang),
            on_change=_set_param,
            args=("as_of", "filter_as_of"),
        )
        if user.suppressed:
            st.caption(t("filter.month_ends_only", lang))
        st.selectbox(
            t("common.district", lang),
            options=["", *district_ids],
            format_func=lambda did: district_ids.get(did, t("filter.all_districts", lang)),
            key="filter_district",
            on_change=_set_param,
            args=("district", "filter_district"),
        )
        st.radio(
            t("filter.language", lang),
            options=list(LANGUAGES),
            # Each language is named in itself: its own catalogue's name for it.
            format_func=lambda code: t("app.language_name", code),
            key="filter_lang",
            horizontal=True,
            on_change=_set_param,
            args=("lang", "filter_lang"),
        )

    chosen = {"programme": programme_id, "as_of": as_of.isoformat(), "lang": lang}
    chosen["district"] = district_id or ""
    _memory().update(chosen)
    # Only what differs from the URL: each write sends the browser a message
    # (3-4 per rerun, about 1 % of a warm view's CPU, when nothing had changed).
    for name, text in chosen.items():
        if st.query_params.get_all(name) == ([text] if text else []):
            continue
        if text:
            st.query_params[name] = text
        else:
            st.query_params.pop(name, None)
    return Filters(
        programme_id=programme_id,
        programme_name=programme.name,
        as_of=as_of,
        district_id=district_id,
        lang=lang,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )


def _on_programme_change() -> None:
    """A new programme has its own period and districts: reset date and district."""
    programme_id = st.session_state["filter_programme"]
    st.session_state.pop(_NOTES_KEY, None)
    _memory().update({"programme": programme_id, "as_of": "", "district": ""})
    st.query_params["programme"] = programme_id
    st.query_params.pop("as_of", None)
    st.query_params.pop("district", None)


def report_date_caption(filters: Filters, latest: date | None) -> str:
    """`Opgjort pr. 30. juni 2011 · Nyeste data: 31. december 2011`."""
    lang = filters.lang
    parts = [t("app.report_date_line", lang, date=formatting.long_date(filters.as_of, lang))]
    parts.append(t("app.data_as_of_line", lang, date=formatting.long_date(latest, lang)))
    return " · ".join(parts)
