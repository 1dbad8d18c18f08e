"""User-interface text in Danish (default) and English.

Figure labels and definitions live in `catalogue.py`; this table holds the
shell's own words. A missing English text falls back to Danish, never to a key.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final[tuple[str, ...]] = ("da", "en")

TEXT: Final[dict[str, dict[str, str]]] = {
    "app_title": {"da": "Interventionsteam – styringsdata", "en": "Intervention teams – dashboard"},
    "programme": {"da": "Program", "en": "Programme"},
    "as_of": {"da": "Opgørelsesdato", "en": "Report date"},
    "district": {"da": "Bydel/område", "en": "District"},
    "all_districts": {"da": "Alle bydele", "en": "All districts"},
    "language": {"da": "Sprog", "en": "Language"},
    "filters": {"da": "Filtre", "en": "Filters"},
    "demo_data": {
        "da": "Demodata: familier, forløb, forbrug og indikatorer er syntetiske. "
        "Budgetterne er de rigtige fra programmets dokumenter.",
        "en": "Demo data: families, courses, spend and indicators are synthetic. "
        "The budgets are the real ones from the programme's documents.",
    },
    "report_date_line": {"da": "Opgjort pr. {date}", "en": "As of {date}"},
    "data_as_of_line": {"da": "Nyeste data: {date}", "en": "Latest data: {date}"},
    "no_programmes": {
        "da": "Databasen indeholder endnu ingen programmer. Indlæs en datapakke med "
        "`python -m data_access load MAPPE`.",
        "en": "The database holds no programme yet. Load a bundle with "
        "`python -m data_access load FOLDER`.",
    },
    "no_families": {
        "da": "Ingen familier i perioden for det valgte program og filter.",
        "en": "No families in the period for the chosen programme and filter.",
    },
    "db_unavailable": {
        "da": "Databasen kan ikke nås lige nu. Siden prøver selv igen hvert femte sekund "
        "og viser tallene, så snart databasen svarer. Kontakt driften, hvis det varer ved.",
        "en": "The database cannot be reached right now. The page tries again every five "
        "seconds and shows the figures as soon as the database answers. Contact operations "
        "if it persists.",
    },
    "db_old_schema": {
        "da": "Databasen har en ældre version af datamodellen. Kør "
        "`python -m data_access migrate`, og genindlæs siden.",
        "en": "The database has an older version of the data model. Run "
        "`python -m data_access migrate`, then reload the page.",
    },
    "db_timeout": {
        "da": "Databasen svarede ikke i tide. Prøv igen om lidt, eller vælg et smallere filter.",
        "en": "The database did not answer in time. Try again shortly, or narrow the filter.",
    },
    "placeholder": {
        "da": "Denne side er under opbygning.",
        "en": "This page is being built.",
    },
    "download_csv": {"da": "Hent som CSV", "en": "Download CSV"},
    "log_in": {"da": "Log ind", "en": "Log in"},
    "log_out": {"da": "Log ud", "en": "Log out"},
    "unknown_user": {
        "da": "Du er logget ind, men har ikke adgang til styringsdata. Kontakt "
        "programmets administrator, hvis du skal have adgang.",
        "en": "You are logged in but have no access to this dashboard. Ask the "
        "programme's administrator if you need access.",
    },
    "demo_mode_banner": {
        "da": "DEMOTILSTAND – ingen login. Vælg en demobruger i sidepanelet for at se "
        "siderne med den rolles rettigheder.",
        "en": "DEMO MODE – no login. Pick a demo user in the sidebar to see the pages "
        "with that role's rights.",
    },
    "demo_user": {"da": "Demobruger", "en": "Demo user"},
    "no_access": {
        "da": "Du har ikke adgang til denne side.",
        "en": "You do not have access to this page.",
    },
    "audit_failed": {
        "da": "Opslaget kunne ikke skrives i adgangsloggen, så familierne vises ikke. "
        "Prøv igen om lidt, eller kontakt administratoren.",
        "en": "The view could not be written to the access log, so the families are "
        "not shown. Try again shortly, or contact the administrator.",
    },
    "audit_intro": {
        "da": "Hver visning af familier person for person bliver skrevet her: hvem, "
        "hvornår, hvilken side og hvilke pseudonymer. Loggen kan ikke ændres eller slettes.",
        "en": "Every view of families person by person is written here: who, when, "
        "which page and which pseudonyms. The log cannot be changed or deleted.",
    },
    "audit_email": {"da": "Bruger (e-mail)", "en": "User (email)"},
    "audit_page": {"da": "Side", "en": "Page"},
    "audit_any_page": {"da": "Alle sider", "en": "All pages"},
    "audit_family": {"da": "Pseudonym", "en": "Pseudonym"},
    "audit_since": {"da": "Fra dato", "en": "From date"},
    "audit_until": {"da": "Til dato", "en": "To date"},
    "audit_at": {"da": "Tidspunkt", "en": "Time"},
    "audit_role": {"da": "Rolle", "en": "Role"},
    "audit_families": {"da": "Familier (pseudonymer)", "en": "Families (pseudonyms)"},
    "footer_loaded": {
        "da": "Data indlæst {loaded} · bogført til {covers}",
        "en": "Data loaded {loaded} · booked up to {covers}",
    },
    "footer_no_load": {
        "da": "Ingen indlæsning registreret endnu.",
        "en": "No load has been recorded yet.",
    },
    "beyond_coverage": {
        "da": "Opgørelsesdatoen {as_of} ligger efter dataenes dækning (bogført til {covers}). "
        "Tallene nedenfor mangler det, der er sket efter {covers}.",
        "en": "The report date {as_of} lies after the data's coverage (booked up to {covers}). "
        "The figures below miss what happened after {covers}.",
    },
    "stale_data": {
        "da": "Forældede data: seneste indlæsning er fra {loaded} ({days} dage siden, "
        "grænsen er {limit} dage).",
        "en": "Stale data: the latest load is from {loaded} ({days} days ago, "
        "the limit is {limit} days).",
    },
    "no_load_warning": {
        "da": "Der er ikke registreret nogen indlæsning af data.",
        "en": "No data load has been recorded.",
    },
    "loads_intro": {
        "da": "Hver indlæsning af en datapakke: hvornår, hvilken pakke, rækker og kontrolsum "
        "pr. fil og den seneste dato, hver fil dækker.",
        "en": "Every bundle load: when, which bundle, rows and checksum per file and the "
        "latest date each file covers.",
    },
    "loads_none": {"da": "Ingen indlæsninger endnu.", "en": "No loads yet."},
    "loads_load": {"da": "Indlæsning", "en": "Load"},
    "loads_at": {"da": "Indlæst", "en": "Loaded"},
    "loads_bundle": {"da": "Datapakke", "en": "Bundle"},
    "loads_covers": {"da": "Bogført til", "en": "Booked up to"},
    "loads_demo": {"da": "Demodata", "en": "Demo data"},
    "loads_file": {"da": "Fil", "en": "File"},
    "loads_rows": {"da": "Rækker", "en": "Rows"},
    "loads_latest": {"da": "Seneste dato", "en": "Latest date"},
    "loads_sha": {"da": "SHA-256", "en": "SHA-256"},
    "loads_files_of": {"da": "Filer i indlæsning {load_id}", "en": "Files of load {load_id}"},
    "audit_rows": {
        "da": "{count} opslag (højst {limit} vises).",
        "en": "{count} views (at most {limit} shown).",
    },
}


def t(key: str, lang: str = "da", **values: object) -> str:
    """The text `key` in `lang`, with `{placeholders}` filled from `values`."""
    entry = TEXT[key]
    text = entry.get(lang) or entry["da"]
    return text.format(**values) if values else text


ROLE_LABELS: Final[dict[str, dict[str, str]]] = {
    "admin": {"da": "Administrator", "en": "Administrator"},
    "steering": {"da": "Styregruppen", "en": "Steering group"},
    "department_head": {"da": "Kontorchef (forvaltning)", "en": "Department head"},
    "coordinator": {"da": "Koordinator", "en": "Coordinator"},
    "viewer": {"da": "Læser", "en": "Viewer"},
}


def role_label(role: str, lang: str = "da") -> str:
    """A role as users name it; an unknown role id is shown as it is."""
    entry = ROLE_LABELS.get(role)
    return (entry.get(lang) or entry["da"]) if entry else role
