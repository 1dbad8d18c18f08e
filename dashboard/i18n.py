"""Every word the user reads, Danish (default) and English, from gettext catalogues.

One lookup, `t(msgid, lang, **values)`, for the pages, the presentation mode
and the quarterly report (PDF and XLSX, also built by the command line). The
words live only in `dashboard/locale/{da,en}/LC_MESSAGES/dashboard.po`, the
gettext format that translators' tools (Poedit, Weblate) read and write.

Message ids, not Danish source strings: `t("overview.target_met", lang,
target=...)`. An id names one meaning, so a word used in several places is
one message ("Familier" is `common.families`), the two languages are
translations of the same id, and a message missing in either language is a
plain check (`tests/test_messages.py`, run by `make test`). With Danish
source strings a Danish wording change would orphan the English, and one
Danish word with two meanings ("Mål": target, measure) could not get two
English words. Ids read area, then name: `intake.funnel`, `common.families`.
Translators in Weblate use the "gettext PO file (monolingual)" format with
`da` as the source language.

Ids built from a registry rather than written in the code: `figure.<id>.label`
and `.definition` (`dashboard.catalogue`), `stage.<id>.label` and
`.definition`, `role.<id>` (here), `page.<key>.title` and `section.<key>`
(`dashboard.navigation`). Each such module has `message_ids()`, which the
extraction method `extract_with_registry` adds to Babel's Python extractor
(`babel.cfg`), so `pybabel extract` sees them. A view that picks a message by
a data value keeps a small map of value -> `N_("id")`. Never call `t` inside
an f-string: on Python 3.11 Babel cannot see into one, and the message test
then reports the message as used nowhere.

The app reads the .po files with Babel once per process: there is no .mo
file to compile or forget, so a fresh clone runs `streamlit run
dashboard/app.py` and `python -m dashboard report` as it is. `make messages`
extracts the ids into `dashboard/locale/messages.pot` and updates both
catalogues (new ids arrive empty; fill in both languages).

A message missing in English reads Danish; an unknown id raises KeyError
(a bug, which the message test finds first). `{placeholders}` are filled with
`str.format`. No Streamlit here: the report command line uses this too.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any, Final

from babel.messages.pofile import read_po

from data_access.rules.access import ROLES

LANGUAGES: Final[tuple[str, ...]] = ("da", "en")
DEFAULT_LANGUAGE: Final = "da"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "dashboard"


def catalogue_path(lang: str) -> Path:
    """The .po file of `lang`."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def messages(lang: str) -> dict[str, str]:
    """`lang`'s catalogue as id -> text, read once per process (fuzzy and empty left out)."""
    with catalogue_path(lang).open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.string, str) and message.string
        if not message.fuzzy
    }


def t(msgid: str, lang: str, /, **values: object) -> str:
    """The text of `msgid` in `lang`, `{placeholders}` filled from `values`.

    `lang` other than "en" reads Danish, and so does an English message that
    is missing; an id in neither catalogue raises KeyError.
    """
    text = messages("en").get(msgid) if lang == "en" else None
    if text is None:
        text = messages(DEFAULT_LANGUAGE)[msgid]
    return text.format(**values) if values else text


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction where it is chosen now and looked up later (gettext_noop)."""
    return msgid


def role_id(role: str) -> str:
    """The message id of a role's name."""
    return f"role.{role}"


def role_label(role: str, lang: str) -> str:
    """A role as users name it; an unknown role id is shown as it is."""
    return t(role_id(role), lang) if role in ROLES else role


def message_ids() -> list[str]:
    """The ids this module builds from a registry: one name per role."""
    return [role_id(role) for role in ROLES]


def extract_with_registry(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,
) -> Iterator[tuple[Any, ...]]:
    """Babel extraction method (`babel.cfg`): Python's, plus the module's `message_ids()`.

    A module that builds ids from a registry (`figure.<id>.label`) cannot
    show them to Babel's Python extractor; it lists them in `message_ids()`,
    and this method imports the module and adds them.
    """
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    module = importlib.import_module(_module_name(Path(fileobj.name)))
    for msgid in module.message_ids():
        yield 1, "", msgid, []


def _module_name(path: Path) -> str:
    """`…/dashboard/catalogue.py` -> `dashboard.catalogue`."""
    relative = path.resolve().relative_to(LOCALE_DIR.parent.parent).with_suffix("")
    return ".".join(relative.parts)
