"""Is login configured, and configured safely? Fail closed when it is not.

The data are about families whose children commit crime, so a careless
configuration must never open the app: demo mode (no login, act as any user)
runs only when `DASHBOARD_DEMO=1` asks for it, and then only without an
`[auth]` section. Everything else that is not a working `[auth]` stops the
app with a message saying what to fix:

- a `secrets.toml` that is not valid TOML, or that Streamlit's own parser
  rejects (both used to count as "no auth", i.e. demo mode as admin);
- an `[auth]` section missing a key `st.login` needs;
- a `cookie_secret` under 32 characters, the example file's value, or a
  placeholder (fewer than 10 distinct characters, e.g. `xxxx...`);
- `[auth]` together with `DASHBOARD_DEMO=1` (which one is meant?).

Without `DASHBOARD_DEMO=1` and without `[auth]` every page shows one
configuration message and nothing else. `check` is pure (files and
environment in, verdict out) so the tests drive every case; `login_mode`
adds Streamlit's parser and is what the app calls on each run.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from dashboard.i18n import N_

#: The environment variable that asks for demo mode (interface.md).
DEMO_ENV: Final = "DASHBOARD_DEMO"
#: Keys `st.login` needs in `[auth]` for the default provider.
REQUIRED_KEYS: Final[tuple[str, ...]] = (
    "redirect_uri",
    "cookie_secret",
    "client_id",
    "client_secret",
    "server_metadata_url",
)
MIN_SECRET_LENGTH: Final = 32
MIN_DISTINCT_CHARS: Final = 10
#: The example file's cookie_secret: copied as it is, it is public.
EXAMPLE_SECRET: Final = "a-long-random-string-from-your-secret-store"  # noqa: S105 (public)

Mode = Literal["auth", "demo", "unconfigured", "error"]


@dataclass(frozen=True)
class LoginConfig:
    """The verdict: how users get in, or the message id (and values) saying what to fix."""

    mode: Mode
    message_id: str = ""
    values: Mapping[str, str] | None = None


def demo_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when `DASHBOARD_DEMO=1` (nothing else counts as yes)."""
    env = os.environ if environ is None else environ
    return env.get(DEMO_ENV, "").strip() == "1"


def _secret_problem(secret: Any) -> str:
    """The message id of what is wrong with `cookie_secret`, or "" when it will do."""
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        return N_("config.cookie_secret_short")
    if secret == EXAMPLE_SECRET:
        return N_("config.cookie_secret_example")
    if len(set(secret)) < MIN_DISTINCT_CHARS:
        return N_("config.cookie_secret_placeholder")
    return ""


def check(
    files: Sequence[Path],
    environ: Mapping[str, str] | None = None,
    *,
    streamlit_parsed: bool | None = None,
) -> LoginConfig:
    """The verdict for the secrets `files` (as Streamlit searches them) and the environment.

    `streamlit_parsed` is whether Streamlit's own secrets parser loaded the
    files (None: not asked); a file it rejects stops the app even when
    Python's TOML parser accepts it.
    """
    merged: dict[str, Any] = {}
    found = False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            return LoginConfig(
                "error", N_("config.secrets_unreadable"), {"path": str(path), "error": str(error)}
            )
        found = True
        try:
            merged.update(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            return LoginConfig(
                "error", N_("config.secrets_unreadable"), {"path": str(path), "error": str(error)}
            )
    if found and streamlit_parsed is False:
        paths = ", ".join(str(path) for path in files if path.exists())
        return LoginConfig(
            "error", N_("config.secrets_unreadable"), {"path": paths, "error": "Streamlit"}
        )
    demo = demo_requested(environ)
    auth = merged.get("auth")
    if auth is None:
        return LoginConfig("demo") if demo else LoginConfig("unconfigured", N_("config.no_login"))
    if demo:
        return LoginConfig("error", N_("config.auth_and_demo"))
    if not isinstance(auth, Mapping):
        return LoginConfig(
            "error", N_("config.auth_missing_keys"), {"keys": ", ".join(REQUIRED_KEYS)}
        )
    missing = [key for key in REQUIRED_KEYS if not auth.get(key)]
    if missing:
        return LoginConfig("error", N_("config.auth_missing_keys"), {"keys": ", ".join(missing)})
    problem = _secret_problem(auth.get("cookie_secret"))
    if problem:
        return LoginConfig("error", problem, {"length": str(MIN_SECRET_LENGTH)})
    return LoginConfig("auth")


def secrets_files() -> list[Path]:
    """The secrets files Streamlit reads (its `secrets.files` option), in its order."""
    from streamlit import config

    return [Path(path) for path in config.get_option("secrets.files")]


def streamlit_parses(files: Sequence[Path]) -> bool:
    """True when Streamlit's own secrets parser loads every existing file of `files`.

    Parses a fresh `Secrets` per file (not the process's cached one), so the
    verdict is about exactly the files `check` read.
    """
    from streamlit.runtime.secrets import Secrets

    for path in files:
        if not path.exists():
            continue
        try:
            Secrets()._parse_file_path(str(path))
        except Exception:
            return False
    return True


def login_mode() -> LoginConfig:
    """The verdict for this process: the files Streamlit reads, parsed by both parsers."""
    files = secrets_files()
    return check(files, streamlit_parsed=streamlit_parses(files))
