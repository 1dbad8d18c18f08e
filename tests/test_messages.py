"""The text catalogue: every message the code uses is in both languages, and nothing else is.

The ids come from Babel's extractor run with `babel.cfg`, as `make messages`
runs it: every literal `t("id", ...)` and `N_("id")` in dashboard/ and
pages/, and the ids built from registries (each figure and measure, stage,
role, page title and navigation section) through `message_ids()`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dashboard import i18n
from dashboard.catalogue import FIGURES, MEASURES
from dashboard.i18n import LANGUAGES, LOCALE_DIR, catalogue_path, t
from dashboard.navigation import PAGES, SECTIONS
from data_access.rules.access import ROLES
from data_access.rules.stages import STAGE_ORDER

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"t": None, "N_": None}


def used_ids() -> set[str]:
    """Every message id the code uses, found as `make messages` finds them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {str(message) for _file, _line, message, _comments, _context in found}


def load(path: Path, lang: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=lang)


def placeholders(text: str) -> set[str]:
    """The `{names}` of a str.format text (ValueError for unbalanced braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalogue_problems(used: Iterable[str], catalogues: Mapping[str, Catalog]) -> list[str]:
    """What is wrong with the catalogues, one line each, naming file, line and id.

    A used id missing, empty or fuzzy in a language; placeholders that differ
    between the languages or braces that do not parse; an entry, live or
    obsolete (`#~`), that no code uses.
    """
    wanted = set(used)
    problems: list[str] = []
    texts: dict[str, dict[str, str]] = {}
    for lang, catalog in catalogues.items():
        where = catalogue_path(lang).relative_to(ROOT)
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            if message is None:
                problems.append(f"{where}: {msgid}: missing")
            elif message.fuzzy:
                problems.append(f"{where}:{message.lineno}: {msgid}: fuzzy")
            elif not isinstance(message.string, str) or not message.string.strip():
                problems.append(f"{where}:{message.lineno}: {msgid}: empty")
            else:
                texts.setdefault(msgid, {})[lang] = message.string
        for message in catalog:
            if message.id and message.id not in wanted:
                problems.append(f"{where}:{message.lineno}: {message.id}: used nowhere")
        for old_id, message in catalog.obsolete.items():
            problems.append(f"{where}:{message.lineno}: {old_id}: obsolete entry (#~)")
    for msgid, by_lang in sorted(texts.items()):
        names = {}
        for lang, text in by_lang.items():
            try:
                names[lang] = placeholders(text)
            except ValueError as error:
                where = catalogue_path(lang).relative_to(ROOT)
                problems.append(f"{where}: {msgid}: braces do not parse ({error})")
        if len({frozenset(v) for v in names.values()}) > 1:
            shown = ", ".join(f"{lang} {sorted(v)}" for lang, v in names.items())
            problems.append(f"{msgid}: placeholders differ: {shown}")
    return problems


@pytest.fixture(scope="module")
def used() -> set[str]:
    return used_ids()


def test_every_message_is_in_both_languages_and_nothing_else(used: set[str]) -> None:
    catalogues = {lang: load(catalogue_path(lang), lang) for lang in LANGUAGES}
    problems = catalogue_problems(used, catalogues)
    assert not problems, "run `make messages`, then fix:\n" + "\n".join(problems)


def test_the_template_is_current(used: set[str]) -> None:
    template = load(LOCALE_DIR / "messages.pot", "da")
    ids = {str(message.id) for message in template if message.id}
    assert ids == used, f"messages.pot is stale; run `make messages`: {sorted(ids ^ used)}"


def test_extraction_sees_literal_marked_and_registry_ids(used: set[str]) -> None:
    assert "group.flow" in used  # N_("group.flow") in the catalogue's groups
    assert "intake.funnel.referred" in used  # N_ in a map, looked up later
    registry = {i for f in FIGURES + MEASURES for i in (f.label_id, f.definition_id)}
    registry |= {f"stage.{s}.{part}" for s in STAGE_ORDER for part in ("label", "definition")}
    registry |= {f"role.{role}" for role in ROLES}
    registry |= {spec.title_id for spec in PAGES} | {f"section.{s}" for s in SECTIONS}
    assert registry <= used, sorted(registry - used)


def _catalog(lang: str, entries: dict[str, str], *, fuzzy: Iterable[str] = ()) -> Catalog:
    catalog = Catalog(locale=lang)
    for msgid, text in entries.items():
        catalog.add(msgid, text, flags=["fuzzy"] if msgid in fuzzy else ())
    return catalog


def test_the_check_finds_each_kind_of_problem() -> None:
    da = _catalog(
        "da",
        {"a.ok": "Familier", "a.gone": "Væk", "a.fuzzy": "Uklar", "a.count": "{n} forløb"},
        fuzzy={"a.fuzzy"},
    )
    da.obsolete["a.old"] = da["a.ok"]
    en = _catalog("en", {"a.ok": "Families", "a.fuzzy": "Unclear", "a.count": "Courses: {count}"})
    en.add("a.empty", "")
    problems = catalogue_problems(
        ["a.ok", "a.fuzzy", "a.count", "a.empty", "a.new"], {"da": da, "en": en}
    )
    da_po = "dashboard/locale/da/LC_MESSAGES/dashboard.po"
    en_po = "dashboard/locale/en/LC_MESSAGES/dashboard.po"
    assert sorted(p.split(": ", 1)[1] for p in problems if p.startswith(da_po)) == [
        "a.empty: missing",
        "a.fuzzy: fuzzy",
        "a.gone: used nowhere",
        "a.new: missing",
        "a.old: obsolete entry (#~)",
    ]
    assert sorted(p.split(": ", 1)[1] for p in problems if p.startswith(en_po)) == [
        "a.empty: empty",
        "a.new: missing",
    ]
    assert "a.count: placeholders differ: da ['n'], en ['count']" in problems
    assert not any("a.ok" in p for p in problems)


def test_unbalanced_braces_are_reported() -> None:
    da = _catalog("da", {"a.x": "{n forløb"})
    en = _catalog("en", {"a.x": "{n} courses"})
    problems = catalogue_problems(["a.x"], {"da": da, "en": en})
    assert len(problems) == 1 and "a.x: braces do not parse" in problems[0]


def test_lookup_fills_placeholders_and_falls_back_to_danish() -> None:
    assert t("overview.since", "da", date="30.06.2011") == "siden 30.06.2011"
    assert t("overview.since", "en", date="30/06/2011") == "since 30/06/2011"
    assert t("common.families", "de") == "Familier"
    assert t("app.language_name", "da") == "Dansk"
    assert t("app.language_name", "en") == "English"
    with pytest.raises(KeyError):
        t("no.such.message", "en")


def test_a_missing_english_message_reads_danish(monkeypatch: pytest.MonkeyPatch) -> None:
    english = dict(i18n.messages("en"))
    del english["common.families"]
    monkeypatch.setattr(i18n, "messages", {"da": i18n.messages("da"), "en": english}.__getitem__)
    assert t("common.families", "en") == "Familier"
    assert t("common.month", "en") == "Month"


def test_catalogues_are_read_once_per_process() -> None:
    i18n.messages.cache_clear()
    for _ in range(3):
        t("common.families", "da")
        t("common.families", "en")
    assert i18n.messages.cache_info().misses == 2


def test_unknown_role_is_shown_as_it_is() -> None:
    assert i18n.role_label("steering", "da") == "Styregruppen"
    assert i18n.role_label("steering", "en") == "Steering group"
    assert i18n.role_label("auditor", "en") == "auditor"


#: A sentence ends at `.`, `!` or `?` before the capital letter of the next one, with or
#: without the space (a text pasted twice without it ran on: "status.Du ser").
_SENTENCE_END = r"(?<=[.!?])\s*(?=[A-ZÆØÅ])"


def repeated_sentences(text: str) -> list[str]:
    """The sentences of `text` (longer than a few words' start) that occur in it twice or more."""
    sentences = [part.strip() for part in re.split(_SENTENCE_END, text) if len(part.strip()) > 15]
    return sorted({part for part in sentences if sentences.count(part) > 1})


def test_repeated_sentences_are_found() -> None:
    assert repeated_sentences("Du ser dine beslutninger her.Du ser dine beslutninger her.") == [
        "Du ser dine beslutninger her."
    ]
    assert repeated_sentences("Tilføj [auth] i .streamlit/secrets.toml. Se .streamlit/x.") == []


def test_no_message_says_the_same_sentence_twice() -> None:
    """The decisions page told a coordinator its one note twice, in both languages."""
    doubled = [
        f"{lang} {message.id}: {repeated_sentences(message.string)}"
        for lang in LANGUAGES
        for message in load(catalogue_path(lang), lang)
        if message.id and isinstance(message.string, str) and repeated_sentences(message.string)
    ]
    assert doubled == []
