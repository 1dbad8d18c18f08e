"""Issue 20.6: a hidden count looks hidden, never like 0, on every page a viewer opens.

The bundle is tests/fixtures/programme.py: five families, so the viewer's
counts are nearly all 1 to 4 and read `<5`. At D = 2010-09-30:

- Visitation: the funnel per district (Nørrebro 3, 3, 3, 3; Brønshøj-Husum
  2, 2, 1, 1) and the referrals per month (2 in January) are all `<5`;
- Forløb: every stage cell of the monthly chart is 0 or 1-4, and every
  started/ended month reads `<5` (flows read `<5` for 0-4 too);
- Sagsstamme: C1 holds F1 and F2 in aftercare (F5 ended), C2 holds F3
  (F4 is still in investigation): active 2 and 1, both `<5`.

The sweep does not list the charts: it walks every chart of every page the
viewer may open and of every presentation step, so a new chart that plots a
`<5` as 0 fails here without anyone adding it. A count bar must carry its
disclosed cells (bar text or customdata): a bar without them could hide a
`<5` as a 0 unseen, so it fails too.

SQLite only: this is about what is drawn, the queries are the same on both
backends (tests/test_rounding_disclosure.py runs them on each).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from streamlit.testing.v1 import AppTest

from dashboard.charts import HIDDEN_HEIGHT
from dashboard.metrics import card_help
from dashboard.navigation import pages_for
from dashboard.report.charts import stage_figure
from data_access.bundle.loader import load_bundle
from data_access.db.migrate import migrate
from tests.fixtures.apptest import APP, checked_charts, render, table_text
from tests.fixtures.bundles import write_files
from tests.fixtures.programme import BUNDLE, QUERY

VIEWER = "laeser@example.org"
HEAD = "chef@example.org"
LEGEND = "skjult, under 5"
#: `<5` as the chart JSON holds it (charts.literal) and as a table shows it.
HIDDEN_TEXTS = ("&lt;5", "<5")
#: Bar traces that draw no count (kroner), so carry no disclosed cells: a new one is added
#: here on purpose, or it fails the sweep.
NOT_COUNTS = {"Budget (år)", "Forbrug i måneden", "Forbrug år til dato"}
#: Charts that must show a hidden mark on this bundle, at least: role -> page key -> count.
MARKED_AT_LEAST = {"viewer": {"visitation": 2, "forloeb": 2}}


@pytest.fixture
def small_url(tmp_path: Path) -> Iterator[str]:
    """The programme bundle with a department head added (SOF)."""
    url = f"sqlite:///{tmp_path / 'reporting.sqlite'}"
    migrate(url)
    users = BUNDLE["users.csv"] + f"\n{HEAD},department_head,SOF,"
    load_bundle(write_files(tmp_path / "bundle", {**BUNDLE, "users.csv": users}), url)
    yield url


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every file a download button would hand out, built at once (not on click)."""
    files: dict[str, bytes] = {}

    def built(
        data: Callable[[], bytes],
        _user: object,
        _filters: object,
        _page: str,
        file: str,
        **_: object,
    ) -> Callable[[], bytes]:
        content = data()
        files[file] = content
        return lambda: content

    monkeypatch.setattr("dashboard.shell.logged_data", built)
    monkeypatch.setattr("dashboard.views.report_download.logged_data", built)
    return files


def _is_hidden(label: object) -> bool:
    """A cell text that is, or begins with, `<5` (Sagsstamme's `<5 / 15`)."""
    return isinstance(label, str) and label.strip().split(" ")[0] in HIDDEN_TEXTS


def _labels(trace: dict[str, Any], n: int) -> list[object]:
    """The disclosed cells a trace carries: its bar texts, else its customdata."""
    for key in ("text", "customdata"):
        value = trace.get(key)
        if isinstance(value, list) and len(value) == n:
            return [v[0] if isinstance(v, list) and v else v for v in value]
    return []


def _values(trace: dict[str, Any]) -> list[object]:
    axis = "x" if trace.get("orientation") == "h" else "y"
    value = trace.get(axis)
    return list(value) if isinstance(value, list) else []


def check_chart(spec: dict[str, Any], where: str) -> bool:
    """Assert the chart draws no hidden cell as 0; True when it marks one as hidden."""
    marked = False
    names = [trace.get("name") for trace in spec["data"]]
    for trace in spec["data"]:
        if trace.get("name") == LEGEND:
            continue
        values = _values(trace)
        labels = _labels(trace, len(values))
        kind = trace.get("type", "scatter")
        assert kind != "funnel", f"{where}: a funnel cannot hatch a hidden step"
        if kind == "bar" and values and trace.get("name") not in NOT_COUNTS:
            assert labels, f"{where}: bar trace {trace.get('name')!r} carries no cell texts"
        hidden = [i for i, label in enumerate(labels) if _is_hidden(label)]
        for i in hidden:
            assert values[i] != 0, f"{where}: {trace.get('name')!r} draws a hidden cell as 0"
            if kind != "bar":
                continue
            marker = trace["marker"]
            assert values[i] == HIDDEN_HEIGHT, (where, trace.get("name"), values)
            assert marker["pattern"]["shape"][i] == "/", (where, trace.get("name"))
            assert marker["pattern"]["bgcolor"][i] == "#ffffff", (where, trace.get("name"))
            assert not isinstance(marker["color"], list), "a colour per bar hides the hatching"
            # Its hover says "<5" too, not the height it is drawn at.
            assert trace["hovertemplate"][i].endswith(": &lt;5"), (where, trace["hovertemplate"])
            marked = True
    if marked:
        assert LEGEND in names, f"{where}: hatched bars without the legend entry {LEGEND!r}"
        legend = next(trace for trace in spec["data"] if trace.get("name") == LEGEND)
        assert legend["marker"]["pattern"]["shape"] == "/"
    return marked


def check_tables(app: AppTest, where: str) -> int:
    """Assert no count table shows a blank or 'nan' cell; the number of `<5` cells shown."""
    hidden = 0
    for frame in app.dataframe:
        text = table_text(frame)
        for column in text.columns:
            cells = [str(v) for v in text[column]]
            assert "nan" not in cells and "None" not in cells, (where, column, cells)
            hidden += sum(cell == "<5" for cell in cells)
    return hidden


def check_csv(content: bytes, where: str) -> int:
    """Assert a CSV download has no empty count cell where a `<5` belongs; its `<5` cells."""
    frame = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig", dtype=str)
    cells = frame.fillna("").to_numpy().ravel().tolist()
    assert "nan" not in cells and "None" not in cells, (where, cells)
    return sum(cell == "<5" for cell in cells)


@pytest.mark.parametrize("user, role", [(VIEWER, "viewer"), (HEAD, "department_head")])
def test_every_page_marks_hidden_counts(
    small_url: str,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
    user: str,
    role: str,
) -> None:
    marked: dict[str, int] = {}
    shown_hidden: dict[str, int] = {}
    in_csv: dict[str, int] = {}
    keys = [spec.key for spec in pages_for(role)]
    for key in keys:
        downloads.clear()
        app = render(monkeypatch, small_url, key, user=user, query=QUERY)
        assert not app.exception, (key, [e.value for e in app.exception])
        marked[key] = sum(check_chart(spec, key) for spec in checked_charts(app))
        shown_hidden[key] = check_tables(app, key)
        for file, content in downloads.items():
            assert not file.endswith((".pdf", ".xlsx")), f"{key}: {role} got the exact report"
            if file.endswith(".csv"):
                in_csv[key] = in_csv.get(key, 0) + check_csv(content, f"{key}/{file}")
        for metric in app.metric:
            if str(metric.value) == "<5":
                assert "mellem 0 og 4" in str(metric.proto.help), (key, metric.label)
                shown_hidden[key] += 1
    for key, least in MARKED_AT_LEAST.get(role, {}).items():
        assert marked[key] >= least, (key, marked)
        assert shown_hidden[key] > 0, (key, shown_hidden)
        assert in_csv.get(key, 0) > 0, (key, in_csv)
    # Oversigt's cards read "<5" for both roles (three active families).
    assert shown_hidden["oversigt"] > 0, shown_hidden


def _caseload() -> None:
    """Sagsstamme's load chart and table on two coordinators with a hidden load each.

    Only exact roles open Sagsstamme today; the chart marks a `<5` all the same.
    """
    import pandas as pd

    from dashboard.views import caseload

    frame = pd.DataFrame(
        {"name": ["Et", "To"], "active": ["<5", "<5"], "capacity": [2, 15], "load": [None, None]}
    )
    caseload.load_chart(frame, "da")


def test_the_sagsstamme_chart_labels_hidden_bars() -> None:
    app = AppTest.from_function(_caseload, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    (chart,) = checked_charts(app)
    assert check_chart(chart, "sagsstamme")
    within = next(t for t in chart["data"] if t.get("name") == "Inden for kapacitet")
    # After the point that draws nothing and keeps the legend swatch blue (charts._plain_first).
    assert within["x"] == [None, HIDDEN_HEIGHT, HIDDEN_HEIGHT]
    # The bar keeps its capacity: "<5 / 2", "<5 / 15".
    assert within["text"] == ["", "&lt;5 / 2", "&lt;5 / 15"]
    assert list(table_text(app.dataframe[0])["Aktive familier"]) == ["<5", "<5"]


def test_the_funnel_draws_hidden_steps_as_hatched_segments(
    small_url: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes]
) -> None:
    app = render(monkeypatch, small_url, "visitation", user=VIEWER, query=QUERY)
    funnel = next(
        spec for spec in checked_charts(app) if spec["layout"].get("yaxis", {}).get("autorange")
    )
    steps = {t["name"]: t for t in funnel["data"]}
    # Nørrebro's 3, 3, 3, 3 and Brønshøj-Husum's 2, 2, 1, 1: eight hatched "<5" segments.
    for district in ("Nørrebro", "Brønshøj-Husum"):
        # Led by a point that draws nothing, so the district's legend swatch keeps its colour.
        assert steps[district]["x"] == [None] + [HIDDEN_HEIGHT] * 4
        assert steps[district]["text"] == [""] + ["&lt;5"] * 4
        assert steps[district]["marker"]["pattern"]["shape"][0] == ""
    assert LEGEND in steps
    csv = downloads["visitation_tragt.csv"].decode("utf-8-sig")
    assert csv.count("<5") == 8 and ";0" not in csv


def test_every_presentation_step_marks_hidden_counts(
    small_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", small_url)
    monkeypatch.setenv("DASHBOARD_DEMO_USER", VIEWER)
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in {**QUERY, "present": "1"}.items():
        app.query_params[name] = value
    app.run()
    marked: list[str] = []
    for step in range(10):
        assert not app.exception, (step, [e.value for e in app.exception])
        title = app.title[0].value
        marked += [title for spec in checked_charts(app) if check_chart(spec, title)]
        for metric in app.metric:
            if str(metric.value) == "<5":
                assert "mellem 0 og 4" in str(metric.proto.help), (title, metric.label)
        next_button = app.button(key="presentation_next")
        if next_button.disabled:
            break
        next_button.click().run()
    # Visitation (stages), Forløb (months) and Bydele (active per district) all hold a "<5".
    assert [title.split(" · ")[0] for title in marked] == ["Visitation", "Forløb", "Bydele"]


def test_report_stage_chart_hatches_a_hidden_cell() -> None:
    """A frame with one hidden cell: intensive in August reads "<5" (families None)."""
    july, august = date(2010, 7, 31), date(2010, 8, 31)
    frame = pd.DataFrame(
        [
            {"month_end": july, "stage": "intensive", "families": 10, "display": "10"},
            {"month_end": august, "stage": "intensive", "families": None, "display": "<5"},
            {"month_end": august, "stage": "aftercare", "families": 5, "display": "5"},
        ]
    )
    fig = stage_figure(frame, "da")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    hatched = [p for p in bars if p.get_hatch()]
    # One hatched segment, 4 high, white, at the bottom of August's stack (x = 1).
    assert [(p.get_height(), p.get_y()) for p in hatched] == [(HIDDEN_HEIGHT, 0.0)]
    assert hatched[0].get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert round(hatched[0].get_x() + hatched[0].get_width() / 2) == 1
    # August's aftercare stands on the hidden segment: 4 + 5, not 0 + 5.
    aftercare = [p for p in bars if not p.get_hatch() and round(p.get_x() + 0.375) == 1]
    assert [(p.get_y(), p.get_height()) for p in aftercare] == [(4.0, 5.0)]
    assert "<5" in [text.get_text() for text in ax.texts]
    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()][-1] == LEGEND


def test_a_hidden_card_says_what_hidden_means() -> None:
    assert card_help("Familier i forløb.", "<5", "da").startswith("Familier i forløb.\n\nSkjult")
    assert card_help("Familier i forløb.", "10", "da") == "Familier i forløb."


@pytest.mark.parametrize(
    "user, shown, hint",
    [
        # Target 3, active 3 read "<5" (0-4): the capacity lies between 3 - 4 and 3 - 0.
        (VIEWER, "-1 til 3", "mellem -1 og 3"),
        # Steering sees the exact 3 active: 3 - 3 = 0, and no hidden hint.
        ("styre@example.org", "0", None),
    ],
)
def test_capacity_left_says_it_rests_on_a_hidden_count(
    small_url: str,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
    user: str,
    shown: str,
    hint: str | None,
) -> None:
    app = render(monkeypatch, small_url, "visitation", user=user, query=QUERY)
    assert not app.exception, [e.value for e in app.exception]
    card = next(m for m in app.metric if m.label == "Ledig kapacitet")
    assert card.value == shown
    help_text = str(card.proto.help)
    assert help_text.startswith("Mål for aktive familier minus aktive familier")
    if hint is None:
        assert "<5" not in help_text
    else:
        assert "<5" in help_text and hint in help_text and "mellem 0 og 4" in help_text


def test_capacity_left_on_a_district_says_the_target_is_the_programmes(
    small_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The target (3) is the programme's: against Nørrebro's families alone it would
    # be no room anybody has, so with a district chosen the card says so instead.
    query = {**QUERY, "district": "nb"}
    app = render(monkeypatch, small_url, "visitation", user="styre@example.org", query=query)
    assert not app.exception, [e.value for e in app.exception]
    card = next(m for m in app.metric if m.label == "Ledig kapacitet")
    assert card.value == "Kun for hele programmet"
    assert "Målet gælder hele programmet" in str(card.proto.help)


def _csv_files(
    url: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes], user: str, role: str
) -> dict[str, pd.DataFrame]:
    """Every CSV download of every page `role` may open: "page/file" -> its cells as text."""
    files: dict[str, pd.DataFrame] = {}
    for spec in pages_for(role):
        downloads.clear()
        app = render(monkeypatch, url, spec.key, user=user, query=QUERY)
        assert not app.exception, (spec.key, [e.value for e in app.exception])
        for file, content in downloads.items():
            if file.endswith(".csv"):
                files[f"{spec.key}/{file}"] = pd.read_csv(
                    io.BytesIO(content),
                    sep=";",
                    encoding="utf-8-sig",
                    dtype=str,
                    keep_default_na=False,
                )
    return files


#: What a withheld share, numerator or median says after its "–" (figure.withheld).
WITHHELD_TEXT = "Vises ikke (< 5)"


@pytest.mark.parametrize("user, role", [(VIEWER, "viewer"), (HEAD, "department_head")])
def test_every_csv_writes_a_hidden_count_as_hidden_never_blank_or_0(
    small_url: str,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
    user: str,
    role: str,
) -> None:
    """Each CSV the role gets, cell by cell against steering's exact one of the same page.

    Where steering's cell is a count of 1 to 4, the role's must read `<5`
    (or `x`, or the withheld text): never blank, 0 or a bare `–`. No cell of
    the role's files is blank.
    """
    exact = _csv_files(small_url, monkeypatch, downloads, "styre@example.org", "steering")
    mine = _csv_files(small_url, monkeypatch, downloads, user, role)
    assert mine and set(mine) <= set(exact), sorted(set(mine) - set(exact))
    compared = 0
    for name, frame in mine.items():
        truth = exact[name]
        assert frame.shape == truth.shape and list(frame.columns) == list(truth.columns), name
        assert not (frame == "").any().any(), f"{name}: a blank cell"
        for column in frame.columns:
            for shown, true in zip(frame[column], truth[column], strict=True):
                if true.strip() in {"1", "2", "3", "4"}:
                    assert shown in ("<5", "x") or WITHHELD_TEXT in shown, (name, column, shown)
                    compared += 1
    if role == "viewer":
        # Forløb, Visitation and Effekt hold many counts of 1 to 4 on this bundle.
        assert compared >= 20, compared
        effekt = mine["effekt/effekt_P1_2010-09-30.csv"]
        # Nørrebro: 1 of 2 families improved (steering); the viewer's base reads "<5",
        # and the share and its numerator are withheld, not missing.
        norrebro = effekt[effekt["Bydel/område"] == "Nørrebro"].iloc[0].tolist()
        assert norrebro[1:4] == [
            "– ⚠ færre end 5",
            f"– {WITHHELD_TEXT}",
            "<5",
        ]
        waits = mine["visitation/visitation_ventetid.csv"].set_index("Trin")
        # The median of 4 finished waits (20 days for steering) is withheld, not missing.
        assert waits.iloc[1, 0] == f"– {WITHHELD_TEXT}"


def test_csv_headers_are_the_users_words_not_column_names(
    small_url: str, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes]
) -> None:
    """A header like `month_end` or `families` is the query's name, not a Danish label."""
    files = _csv_files(small_url, monkeypatch, downloads, "styre@example.org", "steering")
    raw = {
        name: [c for c in frame.columns if re.fullmatch(r"[a-z]+(_[a-z]+)*", str(c))]
        for name, frame in files.items()
    }
    assert {name: cols for name, cols in raw.items() if cols} == {}
    stages = next(frame for name, frame in files.items() if "familier_pr_fase" in name)
    assert list(stages.columns) == ["Måned", "Fase", "Familier"]
