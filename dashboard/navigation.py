"""The page registry: one row per page with its titles and the roles that may open it.

The navigation lists only the pages a role may open, and every page checks
again with `require_page` (a page can be opened by URL or `switch_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from data_access.rules.access import ADMIN, COORDINATOR, DEPARTMENT_HEAD, ROLES, STEERING, VIEWER

PAGES_DIR: Final = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard: file, url path, titles, icon, section and roles."""

    key: str
    title_da: str
    title_en: str
    icon: str
    section: str
    roles: frozenset[str]

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.key}.py"

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_da


ALL: Final = frozenset(ROLES)
PROGRAMME_READERS: Final = frozenset({ADMIN, STEERING, COORDINATOR, VIEWER})

PAGES: Final[tuple[PageSpec, ...]] = (
    PageSpec("oversigt", "Oversigt", "Overview", ":material/dashboard:", "programme", ALL),
    PageSpec(
        "visitation", "Visitation", "Intake", ":material/input:", "programme", PROGRAMME_READERS
    ),
    PageSpec(
        "forloeb", "Forløb", "Family courses", ":material/timeline:", "programme", PROGRAMME_READERS
    ),
    PageSpec(
        "sagsstamme",
        "Sagsstamme",
        "Caseload",
        ":material/groups:",
        "programme",
        frozenset({ADMIN, STEERING, COORDINATOR}),
    ),
    PageSpec(
        "oekonomi",
        "Økonomi",
        "Spend",
        ":material/payments:",
        "results",
        frozenset({ADMIN, STEERING, DEPARTMENT_HEAD, VIEWER}),
    ),
    PageSpec(
        "effekt", "Effekt", "Outcomes", ":material/trending_down:", "results", PROGRAMME_READERS
    ),
    PageSpec("bydele", "Bydele", "Districts", ":material/map:", "results", ALL),
    PageSpec(
        "forandringsteori",
        "Forandringsteori",
        "Change theory",
        ":material/account_tree:",
        "results",
        ALL,
    ),
    PageSpec("begreber", "Begreber", "Glossary", ":material/menu_book:", "help", ALL),
    PageSpec(
        "adgangslog", "Adgangslog", "Access log", ":material/policy:", "admin", frozenset({ADMIN})
    ),
    PageSpec(
        "indlaesninger",
        "Indlæsninger",
        "Data loads",
        ":material/database:",
        "admin",
        frozenset({ADMIN}),
    ),
)

SECTIONS: Final[dict[str, tuple[str, str]]] = {
    "programme": ("Programmet", "Programme"),
    "results": ("Økonomi og resultater", "Spend and results"),
    "help": ("Hjælp", "Help"),
    "admin": ("Administration", "Administration"),
}


def page(key: str) -> PageSpec:
    """The registry row for `key` (KeyError for an unknown page)."""
    return next(spec for spec in PAGES if spec.key == key)


def pages_for(role: str) -> list[PageSpec]:
    """The pages `role` may open, in registry order."""
    return [spec for spec in PAGES if role in spec.roles]
