"""The page registry: one row per page with its icon and section.

Who may open a page is not kept here but in the one policy table,
`data_access.rules.access.RESOURCES` (`may`). The navigation lists only the
pages a role may open, and every page checks again in `shell.open_page`
(a page can be opened by URL or `switch_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from dashboard.i18n import t
from data_access.rules.access import RESOURCES, may, page_resource

PAGES_DIR: Final = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """A page of the dashboard: file, url path, title (`page.<key>.title`), icon, section."""

    key: str
    icon: str
    section: str

    @property
    def resource(self) -> str:
        """The page's row in the policy table (`access.RESOURCES`)."""
        return page_resource(self.key)

    @property
    def roles(self) -> frozenset[str]:
        """The roles that may open the page (from the policy table)."""
        return RESOURCES.get(self.resource, frozenset())

    def allows(self, role: str) -> bool:
        """True when `role` may open this page (asks `access.may`)."""
        return may(role, self.resource)

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.key}.py"

    @property
    def title_id(self) -> str:
        return f"page.{self.key}.title"

    def title(self, lang: str) -> str:
        return t(self.title_id, lang)


PAGES: Final[tuple[PageSpec, ...]] = (
    PageSpec("oversigt", ":material/dashboard:", "programme"),
    PageSpec("visitation", ":material/input:", "programme"),
    PageSpec("forloeb", ":material/timeline:", "programme"),
    PageSpec("sagsstamme", ":material/groups:", "programme"),
    PageSpec("beslutninger", ":material/gavel:", "programme"),
    PageSpec("oekonomi", ":material/payments:", "results"),
    PageSpec("forebyggelse", ":material/savings:", "results"),
    PageSpec("effekt", ":material/trending_down:", "results"),
    PageSpec("bydele", ":material/map:", "results"),
    PageSpec("forandringsteori", ":material/account_tree:", "results"),
    PageSpec("begreber", ":material/menu_book:", "help"),
    PageSpec("adgangslog", ":material/policy:", "admin"),
    PageSpec("indlaesninger", ":material/database:", "admin"),
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
    return [spec for spec in PAGES if spec.allows(role)]


def message_ids() -> list[str]:
    """The ids this module builds from its registry (see `dashboard.i18n`)."""
    return [spec.title_id for spec in PAGES] + [section_id(s) for s in SECTIONS]
