"""Each role sees what it may: pages, pseudonyms, exact or suppressed counts, audit rows.

Runs the real app on the hand-made bundle in tests/fixtures/access.py (cA:
A-1..A-3 in Nørrebro, cB: B-1..B-6 in Brønshøj-Husum) on both backends.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import login_config
from dashboard.i18n import t
from dashboard.navigation import PAGES, page, pages_for
from data_access.appstate import access_log as audit
from data_access.rules.access import SUPPRESSED_ROLES
from data_access.rules.calendar import local_today
from tests.fixtures import access as bundle
from tests.fixtures.access import AS_OF, everything, load_access_bundle
from tests.fixtures.apptest import APP, render, texts

ONE_USER_PER_ROLE = {
    "admin": bundle.ADMIN,
    "steering": bundle.STEERING,
    "department_head": bundle.DEPARTMENT_HEAD,
    "coordinator": bundle.COORDINATOR_A,
    "viewer": bundle.VIEWER,
}
SEES_NO_PSEUDONYM = ("steering", "department_head", "viewer")


@pytest.fixture
def access_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The access bundle loaded; the access log goes to the same database (the default)."""
    load_access_bundle(tmp_path / "bundle", db_url)
    monkeypatch.delenv("DASHBOARD_AUDIT_URL", raising=False)
    yield db_url


def metric(app: AppTest, label: str) -> str:
    values = [str(m.value) for m in app.metric if m.label == label]
    assert len(values) == 1, f"{label!r}: {values}"
    return values[0]


def registered(app: AppTest) -> set[str]:
    """The page files the navigation offers in this session."""
    return {
        Path(str(info["script_path"])).stem
        for info in app._registered_pages.values()
        if info.get("script_path")
    }


@pytest.mark.parametrize("role", list(ONE_USER_PER_ROLE))
def test_every_allowed_page_renders_and_nothing_else_is_offered(
    role: str, access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    allowed = pages_for(role)
    for spec in allowed:
        app = render(
            monkeypatch, access_db, spec.key, user=ONE_USER_PER_ROLE[role], query={"as_of": AS_OF}
        )
        assert not app.exception, (spec.key, [e.value for e in app.exception])
        assert [title.value for title in app.title] == [spec.title("da")], spec.key
        assert registered(app) == {s.key for s in allowed}
        shown = everything(app)
        assert not bundle.B_PSEUDONYM.search(shown) or role == "admin", spec.key
        if role in SEES_NO_PSEUDONYM:
            assert not bundle.ANY_PSEUDONYM.search(shown), spec.key


def test_role_matrix_of_the_registry() -> None:
    keys = {role: {spec.key for spec in pages_for(role)} for role in ONE_USER_PER_ROLE}
    assert keys["admin"] == {spec.key for spec in PAGES}
    assert "adgangslog" not in set().union(*(keys[r] for r in keys if r != "admin"))
    assert "sagsstamme" not in keys["viewer"] | keys["department_head"]
    assert "oekonomi" not in keys["coordinator"]


README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_pages(cell: str, every: list[str]) -> list[str]:
    """A README cell's pages: "all", "all but A, B and C", or "A, B and C"."""
    text = cell.strip()
    if text == "all":
        return every
    named = [p.strip() for p in text.removeprefix("all but ").replace(" and ", ", ").split(",")]
    unknown = set(named) - set(every)
    assert not unknown, f"README names pages that do not exist: {unknown}"
    return [p for p in every if p not in named] if text.startswith("all but ") else named


def test_the_readme_says_which_pages_each_role_has_as_the_policy_does() -> None:
    """The data protection officer signs the README's table off: it must be the policy's."""
    every = [spec.title("da") for spec in PAGES]
    rows = {
        cells[1].strip().strip("`"): cells[2:]
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `") and len(cells := line.split("|")) > 5
    }
    for role in ONE_USER_PER_ROLE:
        pages, _, small_counts = rows[role][:3]
        said = sorted(_readme_pages(pages, every))
        assert said == sorted(spec.title("da") for spec in pages_for(role)), role
        # And whether the role's counts of 0-4 read "<5" (access.SUPPRESSED_ROLES).
        assert small_counts.strip().startswith("`<5`") == (role in SUPPRESSED_ROLES), role


def _forbidden_page_by_hand() -> None:
    """A coordinator's session runs the Økonomi page file directly (as a URL would)."""
    import runpy
    from datetime import date

    from dashboard.filters import Filters
    from dashboard.navigation import page
    from dashboard.shell import PageContext, set_context
    from data_access.rules.access import Scope

    filters = Filters(
        "it", "IT", date(2010, 12, 31), None, "da", date(2010, 1, 1), date(2011, 12, 31)
    )
    set_context(PageContext(filters, Scope(role="coordinator", email="k@x", coordinator_id="cA")))
    runpy.run_path(str(page("oekonomi").path))


def test_forbidden_page_opened_anyway_stops(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", access_db)
    app = AppTest.from_function(_forbidden_page_by_hand, default_timeout=60).run()
    assert not app.exception
    assert [e.value for e in app.error] == ["Du har ikke adgang til denne side."]
    assert not app.title and not app.metric and not app.dataframe


def test_coordinator_sees_own_pseudonyms_only(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = render(
        monkeypatch, access_db, "forloeb", user=bundle.COORDINATOR_A, query={"as_of": AS_OF}
    )
    found = set(bundle.ANY_PSEUDONYM.findall(everything(app)))
    assert found == {"A-1", "A-2", "A-3"}


def test_district_parameter_does_not_widen_scope(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = render(
        monkeypatch,
        access_db,
        "forloeb",
        user=bundle.COORDINATOR_A,
        query={"as_of": AS_OF, "district": "bronshoj"},
    )
    assert not app.exception
    assert not bundle.ANY_PSEUDONYM.search(everything(app))


def test_tampered_session_state_does_not_widen_scope(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.shell import _CONTEXT_KEY, PageContext
    from data_access.rules.access import SYSTEM

    app = render(
        monkeypatch, access_db, "forloeb", user=bundle.COORDINATOR_A, query={"as_of": AS_OF}
    )
    context = app.session_state[_CONTEXT_KEY]
    app.session_state[_CONTEXT_KEY] = PageContext(context.filters, SYSTEM)
    app.run()
    assert not app.exception
    assert app.session_state[_CONTEXT_KEY].user.email == bundle.COORDINATOR_A
    found = set(bundle.ANY_PSEUDONYM.findall(everything(app)))
    assert found == {"A-1", "A-2", "A-3"}


def test_steering_sees_exact_small_counts(access_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    query = {"as_of": AS_OF, "district": "norrebro"}
    app = render(monkeypatch, access_db, "oversigt", user=bundle.STEERING, query=query)
    assert metric(app, "Aktive familier") == "3"
    assert not bundle.ANY_PSEUDONYM.search(everything(app))


@pytest.mark.parametrize("user", [bundle.VIEWER, bundle.DEPARTMENT_HEAD])
def test_suppressed_roles_see_less_than_five(
    user: str, access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"as_of": AS_OF, "district": "norrebro"}
    app = render(monkeypatch, access_db, "oversigt", user=user, query=query)
    assert metric(app, "Aktive familier") == "<5"
    assert "3" not in [str(m.value) for m in app.metric]
    everywhere = render(monkeypatch, access_db, "oversigt", user=user, query={"as_of": AS_OF})
    # 9 active families in the programme read 10 (rounded to 5; 8-12 read 10).
    assert metric(everywhere, "Aktive familier") == "10"


def test_coordinator_view_writes_the_audit_row(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    render(monkeypatch, access_db, "forloeb", user=bundle.COORDINATOR_A, query={"as_of": AS_OF})
    rows = audit.list_access(access_db)
    assert list(rows[["email", "role", "page", "family_ids"]].itertuples(index=False)) == [
        (bundle.COORDINATOR_A, "coordinator", "forloeb", "A-1,A-2,A-3")
    ]
    assert rows["at"].iloc[0].date() == local_today()


def test_aggregate_view_writes_no_audit_row(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    render(monkeypatch, access_db, "forloeb", user=bundle.STEERING, query={"as_of": AS_OF})
    assert audit.list_access(access_db).empty


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret-0123456789-abcdefghijklmnop",
    "client_id": "dashboard",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration",
}


def _auth_app(db_url: str, monkeypatch: pytest.MonkeyPatch, user: dict[str, object]) -> AppTest:
    """The app with a working `[auth]` (no demo mode) and `user` logged in with a subject."""
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", db_url)
    monkeypatch.setenv("DASHBOARD_DEMO_USER", bundle.ADMIN)
    monkeypatch.delenv("DASHBOARD_DEMO")
    folder = Path(tempfile.mkdtemp(prefix="auth-"))
    lines = "\n".join(f'{key} = "{value}"' for key, value in AUTH.items())
    (folder / "secrets.toml").write_text(f"[auth]\n{lines}\n", encoding="utf-8")
    monkeypatch.setattr(login_config, "secrets_files", lambda: [folder / "secrets.toml"])
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.secrets["auth"] = AUTH
    issuer = {"iss": "https://login.example.invalid", "sub": f"sub-{user.get('email')}"}
    app.user = {**issuer, **user}
    app.query_params["as_of"] = AS_OF
    return app.run()


def test_login_page_shows_only_the_login_button(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _auth_app(access_db, monkeypatch, {"is_logged_in": False})
    assert not app.exception
    assert [button.label for button in app.button] == ["Log ind"]
    assert not app.metric and not app.dataframe and not app.selectbox
    assert "DEMOTILSTAND" not in texts(app)
    assert not registered(app) - {"app"}


def test_unknown_email_gets_no_access_and_no_data(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _auth_app(access_db, monkeypatch, {"is_logged_in": True, "email": "stranger@x.invalid"})
    assert not app.exception
    assert [info.value for info in app.info] == [t("auth.unknown_user", "da")]
    assert not app.metric and not app.dataframe and not app.selectbox
    assert [button.label for button in app.button] == ["Log ud"]


def test_unverified_email_gets_no_access(access_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    user = {"is_logged_in": True, "email": bundle.ADMIN, "email_verified": False}
    app = _auth_app(access_db, monkeypatch, user)
    assert [info.value for info in app.info] == [t("auth.unknown_user", "da")]
    assert not app.metric and not registered(app) - {"app"}


def test_logged_in_user_gets_their_role_not_the_demo_picker(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.auth import DEMO_PICKER_KEY

    app = _auth_app(access_db, monkeypatch, {"is_logged_in": True, "email": "KOORD.A@t.invalid"})
    assert not app.exception
    assert registered(app) == {spec.key for spec in pages_for("coordinator")}
    assert "DEMOTILSTAND" not in texts(app)
    app.session_state[DEMO_PICKER_KEY] = bundle.ADMIN
    app.switch_page(str(page("forloeb").path)).run()
    assert set(bundle.ANY_PSEUDONYM.findall(everything(app))) == {"A-1", "A-2", "A-3"}
    assert "adgangslog" not in registered(app)


def test_demo_mode_banner_and_picker(access_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = render(monkeypatch, access_db, "oversigt", user=bundle.VIEWER)
    assert "DEMOTILSTAND" in texts(app)
    picker = app.selectbox(key="demo_user")
    assert picker.value == bundle.VIEWER
    assert set(picker.options) >= {f"Læser: {bundle.VIEWER}", f"Administrator: {bundle.ADMIN}"}


def test_demo_picker_offers_five_of_each_role_and_the_chosen_one(
    access_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from data_access.bundle.loader import load_bundle
    from tests.fixtures.bundles import write_bundle

    # Seven more viewers: v1..v7 sort before viewer@, so the picker shows v1..v5.
    extra = "\n".join(f"v{n}@t.invalid,viewer,," for n in range(1, 8))
    load_bundle(write_bundle(tmp_path / "users", {"users.csv": extra}), access_db)
    app = render(monkeypatch, access_db, "oversigt", user="V7@t.invalid")
    picker = app.selectbox(key="demo_user")
    assert picker.value == "v7@t.invalid"
    viewers = [o.removeprefix("Læser: ") for o in picker.options if o.startswith("Læser: ")]
    assert viewers == [f"v{n}@t.invalid" for n in range(1, 6)] + ["v7@t.invalid"]
    assert f"Administrator: {bundle.ADMIN}" in picker.options
    assert [o for o in picker.options if o.startswith("Koordinator")] == [
        f"Koordinator: {bundle.COORDINATOR_A}",
        f"Koordinator: {bundle.COORDINATOR_B}",
    ]


def test_a_demo_user_nobody_has_is_said_and_shows_nothing(
    access_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: before, an unknown DASHBOARD_DEMO_USER silently acted as the first user."""
    app = render(monkeypatch, access_db, "oversigt", user="nobody@t.invalid")
    assert not app.exception
    picker = app.selectbox(key="demo_user")
    assert picker.value is None
    assert picker.placeholder == "Vælg en demobruger"  # not Streamlit's English default
    # The email as markdown source: its dot escaped, so it reads as written.
    assert [e.value for e in app.error] == [
        "DASHBOARD_DEMO_USER nævner nobody@t\\.invalid, som ikke er en bruger i users.csv. "
        "Vælg en demobruger i sidepanelet."
    ]
    assert not app.title and not app.metric
    # Choosing someone in the picker opens the dashboard with that user's rights.
    picker.set_value(f"{bundle.VIEWER}").run()
    assert not app.error
    assert [title.value for title in app.title] == ["Oversigt"]
