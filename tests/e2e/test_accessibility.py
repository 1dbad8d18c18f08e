"""WCAG 2.1 AA in Chromium: axe-core on every page of every role, the page's language and title.

The Danish web accessibility act asks WCAG 2.1 AA of the dashboard
(docs/accessibility.md). Each role sees other pages and other content
(suppressed counts, one coordinator's families), so every page is opened as
each role, the roles split between Danish and English, and presentation mode
step by step. One server: the demo-user picker changes the role within the
browser session and the sidebar's links change the page, so no role needs a
server of its own.

Every serious or critical axe violation fails the test unless it is in
`STREAMLIT_OWN`: rules broken by Streamlit's own markup, which the app
cannot change (each says why). The axe-core version is pinned in
tests/e2e/axe/package-lock.json (`npm ci --prefix tests/e2e/axe`).
"""

from __future__ import annotations

from typing import Any, Final

import pytest

from dashboard.accessibility import document_title
from dashboard.i18n import role_label, t
from dashboard.navigation import pages_for
from dashboard.presentation import steps_for
from data_access.demo.bundle import DEMO_USERS
from tests.fixtures.browser import TITLE, Servers, open_path, title, wait_idle

#: WCAG 2.0 and 2.1, levels A and AA: what EN 301 549 and the act ask for.
WCAG_TAGS: Final = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Findings that fail the test; "moderate" and "minor" are reported by axe as advice.
FAILING_IMPACTS: Final = ("serious", "critical")

#: Rule -> CSS selectors of Streamlit's own components whose markup breaks it.
#: A violation inside one of them is Streamlit's, not ours: the app passes it
#: data, never markup. Each is listed in docs/accessibility.md as a known
#: non-conformity.
STREAMLIT_OWN: Final[dict[str, tuple[str, ...]]] = {
    # st.navigation's sidebar list puts each section's heading (a <div>)
    # between the <li> items of one <ul>, and wraps items in <div>s: a screen
    # reader announces one list of wrong length. Streamlit builds this list.
    "list": ('[data-testid="stSidebarNav"]',),
    "listitem": ('[data-testid="stSidebarNav"]',),
}

#: Runs axe on the whole document and returns the failing findings not owned by Streamlit.
_AXE_RUN: Final = """async ([tags, impacts, own]) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    const found = [];
    for (const rule of result.violations) {
        if (!impacts.includes(rule.impact)) continue;
        for (const node of rule.nodes) {
            const element = document.querySelector(node.target[0]);
            const owners = own[rule.id] || [];
            if (element && owners.some(selector => element.closest(selector))) continue;
            found.push(`${rule.id} (${rule.impact}) at ${node.target.join(' ')}: `
                + node.failureSummary.replace(/\\s+/g, ' '));
        }
    }
    return found;
}"""

#: (role, language): every role once, the languages shared between them. The
#: pages are the same code in both languages; what differs by role is content.
ROLE_VIEWS: Final[tuple[tuple[str, str], ...]] = (
    ("steering", "da"),
    ("admin", "en"),
    ("coordinator", "da"),
    ("department_head", "en"),
    ("viewer", "da"),
)
NAV: Final = '[data-testid="stSidebarNav"]'


def _findings(page: Any, axe_source: str) -> list[str]:
    """Serious and critical axe findings of WCAG 2.1 A/AA on the page, less Streamlit's own."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    own = {rule: list(selectors) for rule, selectors in STREAMLIT_OWN.items()}
    return [str(f) for f in page.evaluate(_AXE_RUN, [list(WCAG_TAGS), list(FAILING_IMPACTS), own])]


def _check(page: Any, axe_source: str, lang: str, heading: str) -> list[str]:
    """Everything wrong with the page as shown: axe, the document's language, its tab title."""
    problems = _findings(page, axe_source)
    announced = page.evaluate("document.documentElement.lang")
    if announced != lang:
        problems.append(f"<html lang={announced!r}>, expected {lang!r} (3.1.1)")
    expected = document_title(heading, lang)
    if page.title() != expected:
        problems.append(f"tab title {page.title()!r}, expected {expected!r} (2.4.2)")
    return problems


def _act_as(page: Any, role: str, lang: str) -> None:
    """Pick the role's demo user in the sidebar's picker (the server starts as admin)."""
    if role == "admin":
        return
    label = t("auth.demo_user", lang)
    picker = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label)
    picker.click()
    page.locator('[role="option"]').filter(has_text=DEMO_USERS[role]).first.click()
    wait_idle(page)
    assert picker.input_value() == f"{role_label(role, lang)}: {DEMO_USERS[role]}"


@pytest.mark.parametrize(
    ("role", "lang"), ROLE_VIEWS, ids=[f"{r}-{lang}" for r, lang in ROLE_VIEWS]
)
def test_every_page_of_the_role_meets_wcag_aa(
    role: str, lang: str, servers: Servers, page: Any, axe_source: str
) -> None:
    base = servers.for_role("admin").url
    open_path(page, base, "oversigt", lang=lang)
    _act_as(page, role, lang)
    problems: dict[str, list[str]] = {}
    for spec in pages_for(role):
        heading = spec.title(lang)
        if title(page) != heading:
            page.locator(f'{NAV} a[href$="/{spec.key}"]').first.click()
            page.wait_for_selector(f'{TITLE}:has-text("{heading}")', timeout=90_000)
            wait_idle(page)
        assert title(page) == heading
        found = _check(page, axe_source, lang, heading)
        if found:
            problems[spec.key] = found
    assert problems == {}


def test_every_presentation_step_meets_wcag_aa(
    servers: Servers, page: Any, axe_source: str
) -> None:
    """Every step the steering group sees (the admin sees the same steps), in Danish."""
    lang = "da"
    base = servers.for_role("admin").url
    open_path(page, base, "oversigt", present="1")
    forward = page.get_by_role("button", name=t("presentation.next", lang))
    problems: dict[int, list[str]] = {}
    steps = steps_for("steering")
    for number in range(1, len(steps) + 1):
        heading = title(page).split(" · ")[0]
        found = _check(page, axe_source, lang, heading)
        if found:
            problems[number] = found
        if number < len(steps):
            forward.click()
            page.wait_for_selector(f'{TITLE}:not(:has-text("{heading} · "))', timeout=90_000)
            wait_idle(page)
    assert problems == {}
    assert forward.is_disabled()


def test_presentation_mode_speaks_english_when_asked(
    servers: Servers, page: Any, axe_source: str
) -> None:
    base = servers.for_role("admin").url
    open_path(page, base, "oversigt", present="1", lang="en")
    heading = title(page).split(" · ")[0]
    assert heading == t("presentation.overview", "en")
    assert _check(page, axe_source, "en", heading) == []


#: 1280x720 at 200 % zoom: what WCAG 1.4.10 (Reflow) asks to work without sideways scrolling.
ZOOMED: Final = {"width": 640, "height": 360}
#: Elements of the main area reaching past the window's right edge, data tables left out
#: (1.4.10 lets a data table scroll inside itself).
_PAST_EDGE: Final = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest('[data-testid="stDataFrame"], [data-testid="stTable"]'))
    .map(e => (e.closest('[data-testid]') || e).getAttribute('data-testid'))"""


def test_every_page_reflows_at_200_percent_zoom(servers: Servers, page: Any) -> None:
    """At 640 CSS px no page scrolls sideways: the sidebar folds away, the content wraps."""
    page.set_viewport_size(ZOOMED)
    base = servers.for_role("admin").url
    problems: dict[str, object] = {}
    for spec in pages_for("admin"):
        open_path(page, base, spec.key)
        width = page.evaluate("document.documentElement.scrollWidth")
        past = page.evaluate(_PAST_EDGE)
        if width > ZOOMED["width"] or past:
            problems[spec.key] = (width, sorted(set(past)))
    assert problems == {}
