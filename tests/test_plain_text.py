"""Bundle text is shown as text, never as Markdown or HTML (issue 20, point 7).

Names from a bundle come from outside systems. The access bundle is loaded
with a programme, a department and coordinators named like a link, an image
and bold HTML; every Markdown element the pages draw is rendered with a
CommonMark renderer (HTML allowed, the worst case) and must show the names
letter for letter, with no link, image or bold made of them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard.formatting import markdown_literal
from data_access.bundle.loader import load_bundle
from tests.fixtures.access import ADMIN, AS_OF, FILES
from tests.fixtures.apptest import render
from tests.fixtures.bundles import write_files

PROGRAMME = "Team [x](http://evil.invalid/p)"
DEPARTMENT = "Social ![](http://evil.invalid/i.png)"
COORDINATOR = "Koord <b>Fed</b>"
NAMES = (PROGRAMME, DEPARTMENT, COORDINATOR)

RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.fixture
def evil_db(db_url: str, tmp_path: Path) -> str:
    """The access bundle with hostile names for the programme, SOF and coordinator cA."""
    files = dict(FILES)
    files["programmes.csv"] = files["programmes.csv"].replace("Interventionsteam", PROGRAMME)
    files["departments.csv"] = files["departments.csv"].replace("Socialforvaltningen", DEPARTMENT)
    files["coordinators.csv"] = files["coordinators.csv"].replace("Koordinator A", COORDINATOR)
    load_bundle(write_files(tmp_path / "bundle", files), db_url)
    return db_url


def _rendered(app: AppTest) -> list[str]:
    kinds = ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error")
    return [RENDERER.render(str(e.value)) for kind in kinds for e in getattr(app, kind)]


def _visible_text(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def _assert_literal(app: AppTest, *names: str) -> None:
    assert not app.exception
    rendered = _rendered(app)
    joined = "\n".join(rendered)
    assert "evil.invalid" not in "".join(re.findall(r'(?:href|src)="[^"]*"', joined))
    assert "<b>Fed</b>" not in joined
    shown = "\n".join(_visible_text(part) for part in rendered)
    for name in names:
        assert name in shown


def test_markdown_literal_round_trips_through_commonmark() -> None:
    for name in (*NAMES, "a*b*_c_ `d` :red[e] $f$ # g\n- h", "1. i & j &amp; <k>"):
        out = RENDERER.render(markdown_literal(name))
        assert _visible_text(out).strip() == " ".join(name.split())
        assert "<a " not in out and "<img" not in out and "<em>" not in out


def test_programme_name_in_presentation_is_literal(
    evil_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = render(monkeypatch, evil_db, "oversigt", user=ADMIN, query={"as_of": AS_OF})
    app.query_params["present"] = "1"
    app.run()
    _assert_literal(app, PROGRAMME)


def test_coordinator_name_on_caseload_is_literal(
    evil_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = render(monkeypatch, evil_db, "sagsstamme", user=ADMIN, query={"as_of": AS_OF})
    picker = next(box for box in app.selectbox if COORDINATOR in box.options)
    picker.set_value("cA").run()
    _assert_literal(app, COORDINATOR)


def test_department_name_on_spend_is_literal(evil_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = render(monkeypatch, evil_db, "oekonomi", user=ADMIN, query={"as_of": AS_OF})
    app.selectbox(key="oekonomi_department").set_value("SOF").run()
    _assert_literal(app, DEPARTMENT)
