"""The page registry: one row per page with its section and the roles that may open it.

The navigation lists only the pages a role may open, and every page checks
again with `require_page` (a page can be opened by URL or `switch_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from dashboard.i18n import t
from data_access.rules.access import ADMIN, COORDINATOR, DEPARTMENT_HEAD, ROLES, STEERING, VIEWER

PAGES_DIR: Final = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard: file, url path, title (`page.<key>.title`), icon, section, roles."""

    key: str
    icon: str
    section: str
    roles: frozenset[str]

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.key}.py"

    @property
    def title_id(self) -> str:
        return f"page.{self.key}.title"

    def title(self, lang: str) -> str:
        return t(self.title_id, lang)


ALL: Final = frozenset(ROLES)
PROGRAMME_READERS: Final = frozenset({ADMIN, STEERING, COORDINATOR, VIEWER})

PAGES: Final[tuple[PageSpec, ...]] = (
    PageSpec("oversigt", ":material/dashboard:", "programme", ALL),
    PageSpec("visitation", ":material/input:", "programme", PROGRAMME_READERS),
    PageSpec("forloeb", ":material/timeline:", "programme", PROGRAMME_READERS),
    PageSpec(
        "sagsstamme", ":material/groups:", "programme", frozenset({ADMIN, STEERING, COORDINATOR})
    ),
    PageSpec(
        "beslutninger",
        ":material/gavel:",
        "programme",
        frozenset({ADMIN, STEERING, COORDINATOR, DEPARTMENT_HEAD}),
    ),
    PageSpec(
        "oekonomi",
        ":material/payments:",
        "results",
        frozenset({ADMIN, STEERING, DEPARTMENT_HEAD, VIEWER}),
    ),
    PageSpec("effekt", ":material/trending_down:", "results", PROGRAMME_READERS),
    PageSpec("bydele", ":material/map:", "results", ALL),
    PageSpec("forandringsteori", ":material/account_tree:", "results", ALL),
    PageSpec("begreber", ":material/menu_book:", "help", ALL),
    PageSpec("adgangslog", ":material/policy:", "admin", frozenset({ADMIN})),
    PageSpec("indlaesninger", ":material/database:", "admin", frozenset({ADMIN})),
)

#: Navigation sections in the order the sidebar shows them; the title is `section.<key>`.
SECTIONS: Final[tuple[str, ...]] = ("programme", "results", "help", "admin")


def section_id(section: str) -> str:
    """The message id of a navigation section's title."""
    return f"section.{section}"


def section_title(section: str, lang: str) -> str:
    """A navigation section's title in `lang`."""
    return t(section_id(section), lang)


def page(key: str) -> PageSpec:
    """The registry row for `key` (KeyError for an unknown page)."""
    return next(spec for spec in PAGES if spec.key == key)


def pages_for(role: str) -> list[PageSpec]:
    """The pages `role` may open, in registry order."""
    return [spec for spec in PAGES if role in spec.roles]


def message_ids() -> list[str]:
    """The ids this module builds from its registry (see `dashboard.i18n`)."""
    return [spec.title_id for spec in PAGES] + [section_id(s) for s in SECTIONS]
