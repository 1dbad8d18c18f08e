"""Login fails closed (issue 20, point 1): every broken or missing configuration stops the app.

The verdicts are worked out per case from the file written in the test; the
app tests check that the page then shows the one message and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import login_config
from dashboard.i18n import t
from dashboard.login_config import EXAMPLE_SECRET, check
from tests.fixtures.apptest import APP

GOOD_SECRET = "9f8e7d6c5b4a3210ZYXWVUTSRQPONMLKjihgfedcba"
ROOT = Path(__file__).resolve().parent.parent


def auth_toml(secret: str = GOOD_SECRET, drop: str = "") -> str:
    lines = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": secret,
        "client_id": "dashboard",
        "client_secret": "client-secret-from-provider",
        "server_metadata_url": "http://localhost:9000/.well-known/openid-configuration",
    }
    body = "\n".join(f'{key} = "{value}"' for key, value in lines.items() if key != drop)
    return f"[auth]\n{body}\n"


def secrets(tmp_path: Path, text: str) -> list[Path]:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return [tmp_path / "absent.toml", path]


def test_working_auth_without_demo_is_login(tmp_path: Path) -> None:
    assert check(secrets(tmp_path, auth_toml()), {}).mode == "auth"


def test_demo_only_when_asked_for(tmp_path: Path) -> None:
    files = [tmp_path / "absent.toml"]
    assert check(files, {"DASHBOARD_DEMO": "1"}).mode == "demo"
    for value in ("", "0", "yes", "true"):
        verdict = check(files, {"DASHBOARD_DEMO": value})
        assert (verdict.mode, verdict.message_id) == ("unconfigured", "config.no_login")
    assert check(files, {}).mode == "unconfigured"


@pytest.mark.parametrize(
    ("text", "environ", "message_id"),
    [
        ('[auth]\nredirect_uri = "http://x\n', {}, "config.secrets_unreadable"),
        ("[auth\n", {"DASHBOARD_DEMO": "1"}, "config.secrets_unreadable"),
        (auth_toml(), {"DASHBOARD_DEMO": "1"}, "config.auth_and_demo"),
        (auth_toml(drop="client_secret"), {}, "config.auth_missing_keys"),
        (auth_toml(drop="cookie_secret"), {}, "config.auth_missing_keys"),
        (auth_toml(secret="s3cret-but-only-31-characters-x"), {}, "config.cookie_secret_short"),
        (auth_toml(secret=EXAMPLE_SECRET), {}, "config.cookie_secret_example"),
        (auth_toml(secret="changeme" * 5), {}, "config.cookie_secret_placeholder"),
        (auth_toml(secret="x" * 64), {}, "config.cookie_secret_placeholder"),
    ],
)
def test_broken_configuration_stops_with_what_to_fix(
    tmp_path: Path, text: str, environ: dict[str, str], message_id: str
) -> None:
    verdict = check(secrets(tmp_path, text), environ)
    assert (verdict.mode, verdict.message_id) == ("error", message_id)


def test_missing_keys_are_named(tmp_path: Path) -> None:
    verdict = check(secrets(tmp_path, auth_toml(drop="client_secret")), {})
    assert verdict.values == {"keys": "client_secret"}


def test_file_streamlit_rejects_stops_even_if_toml_parses(tmp_path: Path) -> None:
    verdict = check(secrets(tmp_path, auth_toml()), {}, streamlit_parsed=False)
    assert (verdict.mode, verdict.message_id) == ("error", "config.secrets_unreadable")


def test_secret_of_32_distinct_enough_characters_passes(tmp_path: Path) -> None:
    secret = "abcdefghij" + "k" * 22  # 32 characters, 11 distinct
    assert check(secrets(tmp_path, auth_toml(secret=secret)), {}).mode == "auth"


def _run_app(monkeypatch: pytest.MonkeyPatch, files: list[Path]) -> AppTest:
    monkeypatch.setattr(login_config, "secrets_files", lambda: files)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    return app


def _shown(app: AppTest) -> list[str]:
    kinds = ("title", "header", "caption", "markdown", "info", "warning", "error", "metric")
    shown = [str(element.value) for kind in kinds for element in getattr(app, kind)]
    return shown + [str(widget.label) for widget in [*app.button, *app.selectbox]]


def test_no_login_and_no_demo_shows_one_message_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DASHBOARD_DEMO")
    app = _run_app(monkeypatch, [tmp_path / "absent.toml"])
    assert not app.exception
    assert _shown(app) == [t("config.no_login", "da")]


def test_broken_secrets_with_auth_gives_no_admin_buttons(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The attack of issue 20: a syntax error in secrets.toml used to mean demo admin."""
    monkeypatch.delenv("DASHBOARD_DEMO")
    broken = secrets(tmp_path, auth_toml() + "oops = \n")
    app = _run_app(monkeypatch, broken)
    assert not app.exception
    shown = _shown(app)
    assert len(shown) == 1
    assert shown[0].startswith(
        t("config.secrets_unreadable", "da", path=str(broken[1]), error="")[:40]
    )


def test_auth_with_demo_stops(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = _run_app(monkeypatch, secrets(tmp_path, auth_toml()))
    assert _shown(app) == [t("config.auth_and_demo", "da")]


def test_settings_found_from_any_working_directory(tmp_path: Path) -> None:
    """`streamlit run /path/dashboard/app.py` from elsewhere still reads .streamlit/ of the app."""
    script = (
        "from streamlit import config\n"
        "from streamlit.web import bootstrap\n"
        f"config._main_script_path = {str(APP)!r}\n"
        "bootstrap.load_config_options({})\n"
        "print(config.get_option('client.showErrorDetails'))\n"
        "print(config.get_option('server.enableXsrfProtection'))\n"
        "print('\\n'.join(config.get_option('secrets.files')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[:2] == ["none", "True"]
    app_secrets = [
        Path(line) for line in lines[2:] if Path(line).parent.resolve() == ROOT / ".streamlit"
    ]
    assert app_secrets, lines


def test_streamlit_parser_is_asked(tmp_path: Path) -> None:
    good = secrets(tmp_path, auth_toml())
    assert login_config.streamlit_parses(good)
    bad = tmp_path / "bad.toml"
    bad.write_text("[auth\n", encoding="utf-8")
    assert not login_config.streamlit_parses([bad])


def test_working_auth_asks_to_log_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DASHBOARD_DEMO")
    app = _run_app(monkeypatch, secrets(tmp_path, auth_toml()))
    assert not app.exception
    assert [button.label for button in app.button] == [t("auth.log_in", "da")]
