"""A link's value the filters cannot use falls back to the default, and the page says so.

Before, `?programme=intervenionsteam` showed the newest programme,
`?as_of=2011-02-30` today's figures and `?district=norebro` the whole
programme, with not a word: on the shared screen (presentation mode has
no sidebar) a mistyped link passed for the view it was meant to show.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.fixtures.apptest import APP

VALID = {"programme": "interventionsteam", "as_of": "2011-06-30"}


def first_run(monkeypatch: pytest.MonkeyPatch, url: str, query: dict[str, str]) -> AppTest:
    """The app's first run on a link with `query`: what a fresh browser shows first."""
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.delenv("DASHBOARD_DEMO_USER", raising=False)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def link_notes(app: AppTest) -> list[str]:
    return [str(w.value) for w in app.warning if w.icon == ":material/link_off:"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {**VALID, "programme": "intervenionsteam"},
            "Linket nævner et program, der ikke findes (»intervenionsteam«). "
            "Siden viser Intensiveret indsats i udsatte byområder i stedet.",
        ),
        (
            {**VALID, "as_of": "2011-02-30"},
            "Linkets opgørelsesdato »2011\\-02\\-30« er ikke en dato (skriv ÅÅÅÅ-MM-DD). "
            "Siden viser 31. december 2011 i stedet.",
        ),
        (
            {**VALID, "district": "norebro"},
            "Linket nævner en bydel, som Interventionsteam på Nørrebro og i Tingbjerg ikke har "
            "(»norebro«). Siden viser alle bydele.",
        ),
        (
            {**VALID, "lang": "xx"},
            "Linket beder om et sprog, siden ikke har (»xx«). Siden vises på dansk.",
        ),
    ],
    ids=["programme", "as_of", "district", "lang"],
)
def test_an_unusable_link_value_is_named_and_the_fallback_said(
    query: dict[str, str], expected: str, demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = first_run(monkeypatch, demo_db_url, query)
    assert link_notes(app) == [expected]


def test_the_note_is_in_the_links_language_and_shows_markup_as_text(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {**VALID, "lang": "en", "as_of": "[x](http://evil.invalid)" + "9" * 60}
    [note] = link_notes(first_run(monkeypatch, demo_db_url, query))
    assert note.startswith("The link's report date '\\[x\\]\\(http")
    assert note.endswith(
        "' is not a date (write YYYY-MM-DD). The page shows 31 December 2011 instead."
    )
    # Shortened: the whole link is in the address bar.
    assert "9" * 30 not in note and "…" in note


def test_a_usable_link_and_no_link_say_nothing(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = {**VALID, "district": "norrebro", "lang": "en"}
    english = first_run(monkeypatch, demo_db_url, good)
    assert link_notes(english) == []
    # The English sidebar writes the date as the English pages do (30/06/2011).
    assert english.date_input(key="filter_as_of").proto.format == "DD/MM/YYYY"
    assert link_notes(first_run(monkeypatch, demo_db_url, {})) == []
    # An empty value is no value: the default, silently (the URL test in test_app_smoke).
    assert link_notes(first_run(monkeypatch, demo_db_url, {"district": "", "as_of": ""})) == []


def test_every_note_message_is_in_both_languages() -> None:
    for key in ("url_bad_date", "url_unknown_district", "url_unknown_programme"):
        assert t(f"filter.{key}", "da") != t(f"filter.{key}", "en")


def test_the_note_stays_on_the_next_run_and_goes_when_a_filter_is_changed(
    demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "/" forwards to the first page with the URL put right: the note must survive that run."""
    app = first_run(monkeypatch, demo_db_url, {**VALID, "district": "norebro"})
    assert app.query_params.get("district") is None
    app.run()
    assert len(link_notes(app)) == 1
    app.radio(key="filter_lang").set_value("en").run()
    assert not app.exception
    assert link_notes(app) == []


def period_notes(app: AppTest) -> list[str]:
    return [str(w.value) for w in app.warning if "programmets" in str(w.value)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # interventionsteam runs from 1 January 2010 to 31 December 2011 (programmes.csv).
        (
            "2009-06-30",
            "Opgørelsesdatoen 30. juni 2009 ligger før programmets start (1. januar 2010). "
            "Tallene nedenfor viser tiden før programmet og siger intet om, hvordan det går.",
        ),
        (
            "2012-03-31",
            "Opgørelsesdatoen 31. marts 2012 ligger efter programmets afslutning "
            "(31. december 2011). Tallene nedenfor gælder tiden efter programmets periode.",
        ),
        ("2010-01-01", None),
        ("2011-12-31", None),
    ],
    ids=["before", "after", "first-day", "last-day"],
)
def test_a_report_date_outside_the_programme_is_said_above_the_figures(
    as_of: str, expected: str | None, demo_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A valid date outside the period is used as given, but never passes for an ordinary one.

    Before, 30 June 2009 showed zeros, "Ingen forløb over tid" and "Under
    målet" with not a word that the programme had not begun.
    """
    app = first_run(monkeypatch, demo_db_url, {**VALID, "as_of": as_of})
    assert period_notes(app) == ([expected] if expected else [])
    assert link_notes(app) == []
