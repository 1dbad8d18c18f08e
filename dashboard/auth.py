"""Who is using the dashboard: OpenID Connect login, or a demo user.

`gate` runs first on every run and fails closed (`login_config`): a broken
or unsafe login configuration, or none without `DASHBOARD_DEMO=1`, shows
one message and stops the run. With a working `[auth]` section users log in
through Streamlit's `st.login` and are matched on the provider's stable
subject, bound at their first login to the users row of their email
(`data_access.appstate.login_subjects`). With `DASHBOARD_DEMO=1` (and no
`[auth]`) a banner says demo mode, and the sidebar lets you act as a demo
user: the first few of each role, and the one `DASHBOARD_DEMO_USER` names,
who is picked first. When that email is no user of users.csv the picker
starts empty and the page says so: acting as the first admin instead would
show everything to whoever meant someone else.
"""

from __future__ import annotations

import html
import os

import streamlit as st

from dashboard.data import shared
from dashboard.filters import PICKER_CHARS
from dashboard.formatting import markdown_literal
from dashboard.i18n import role_label, t
from dashboard.login_config import LoginConfig, login_mode
from data_access.appstate.login_subjects import scope_for_login
from data_access.appstate.migrate import audit_url
from data_access.queries import reference
from data_access.rules.access import ADMIN, Scope

user_scope = shared(reference.user_scope)
list_users = shared(reference.list_users)

DEMO_PICKER_KEY = "demo_user"
#: Whom the pages are shown as, under the picker, in a caption's size and shade. HTML,
#: not st.caption: Streamlit's Markdown makes an email address a mailto link, escaped or not.
ACTING_AS_HTML = (
    '<p data-testid="demoActingAs" style="font-size:0.875rem;opacity:0.6;margin:0;'
    'overflow-wrap:anywhere">{text}</p>'
)
#: Users of each role the demo picker offers (a city has thousands of coordinators).
DEMO_USERS_PER_ROLE = 5


def gate(lang: str) -> LoginConfig | None:
    """The login configuration when the app may run; else draw what to fix and return None."""
    config = login_mode()
    if config.mode in ("auth", "demo"):
        return config
    # One message and nothing else: no title, navigation or data until it is fixed.
    st.error(t(config.message_id, lang, **(config.values or {})), icon=":material/lock:")
    return None


def _default_demo_email(users: list[Scope]) -> str | None:
    """The picker's first choice: DASHBOARD_DEMO_USER's user, else the first admin.

    None when DASHBOARD_DEMO_USER names nobody the picker offers.
    """
    wanted = os.environ.get("DASHBOARD_DEMO_USER", "").strip().lower()
    if wanted:
        return next((user.email for user in users if user.email.lower() == wanted), None)
    admins = [user.email for user in users if user.role == ADMIN]
    return admins[0] if admins else users[0].email


def _demo_choices() -> list[Scope]:
    """The first few users of each role, plus DASHBOARD_DEMO_USER if it is another one."""
    users = list_users(DEMO_USERS_PER_ROLE)
    wanted = os.environ.get("DASHBOARD_DEMO_USER", "").strip()
    if wanted and all(user.email.lower() != wanted.lower() for user in users):
        extra = user_scope(wanted)
        if extra is not None:
            users.append(extra)
    return users


def current_user(config: LoginConfig, lang: str) -> Scope | None:
    """The caller's Scope; draws login/logout or the demo picker; None stops the page."""
    if config.mode == "auth":
        return _logged_in_user(lang)
    if config.mode == "demo":
        return _demo_user(lang)
    return None


def _logged_in_user(lang: str) -> Scope | None:
    if not st.user.get("is_logged_in", False):
        st.title(t("app.title", lang))
        st.button(t("auth.log_in", lang), on_click=st.login, type="primary")
        return None
    email = str(st.user.get("email", "") or "")
    scope = scope_for_login(audit_url(), st.user.to_dict(), user_scope)
    with st.sidebar:
        st.caption(email)
        st.button(t("auth.log_out", lang), on_click=st.logout)
    if scope is None:
        st.title(t("app.title", lang))
        st.info(t("auth.unknown_user", lang))
        return None
    return scope


def _demo_user(lang: str) -> Scope | None:
    st.warning(t("auth.demo_banner", lang), icon=":material/warning:")
    users = _demo_choices()
    if not users:
        return Scope(role=ADMIN, email="demo-admin")
    emails = [user.email for user in users]
    by_email = {user.email: user for user in users}
    if st.session_state.get(DEMO_PICKER_KEY) not in by_email:
        st.session_state[DEMO_PICKER_KEY] = _default_demo_email(users)

    def acting_as(email: str) -> str:
        return f"{role_label(by_email[email].role, lang)}: {email}"

    with st.sidebar:
        chosen = st.selectbox(
            t("auth.demo_user", lang),
            options=emails,
            format_func=acting_as,
            key=DEMO_PICKER_KEY,
            placeholder=t("auth.demo_pick", lang),
        )
        # The picker's one line cuts a long email short ("Styregruppen: styregruppe@dem…"):
        # whom the pages are shown as is written out under it, as a long programme name is.
        if chosen is not None and len(acting_as(chosen)) > PICKER_CHARS:
            st.html(ACTING_AS_HTML.format(text=html.escape(acting_as(chosen))))
    if chosen is None:
        wanted = os.environ.get("DASHBOARD_DEMO_USER", "").strip()
        st.error(
            t("auth.demo_user_unknown", lang, email=markdown_literal(wanted)),
            icon=":material/person_off:",
        )
        return None
    return by_email[chosen]
