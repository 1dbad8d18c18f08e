"""A figure's value and change as text: the one format for cards, presentation and report.

No Streamlit here, so the quarterly report (`dashboard/report/`) writes the
same text as the metric cards (`metrics.show_figure`) without importing the app.
"""

from __future__ import annotations

from dashboard import formatting
from dashboard.catalogue import figure, spend_status_text
from dashboard.i18n import t
from data_access.queries.figures import FigureValue
from data_access.rules.disclosure import SUPPRESSED, WITHHELD


def format_value(item: FigureValue, lang: str) -> str:
    """The figure's value as text in its kind's format, or why it is not shown."""
    if item.display == SUPPRESSED:
        return SUPPRESSED
    if item.display == WITHHELD:
        return t("figure.withheld", lang)
    kind = figure(item.figure_id).kind
    if kind == "status":
        return spend_status_text(item.status, lang)
    if kind == "money":
        return formatting.money(item.value, lang)
    if kind == "share":
        return formatting.share(item.value, lang)
    if kind == "days":
        if item.value is None:
            return formatting.MISSING
        return formatting.days(item.value, lang) + " " + t("unit.days", lang)
    return formatting.count(item.value, item.display, lang)


def format_delta(item: FigureValue, previous: FigureValue | None, lang: str) -> str | None:
    """Change since `previous` in the figure's own unit ("+3", "-4,5 pct.point").

    None for the spend status: a verdict has no change, only its new words.
    """
    kind = figure(item.figure_id).kind
    if previous is None or item.value is None or previous.value is None or kind == "status":
        return None
    change = item.value - previous.value
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    if kind == "share":
        amount = formatting.number(abs(change) * 100, lang, decimals=1)
        return f"{sign}{amount} " + t("unit.points", lang)
    if kind == "money":
        return f"{sign}{formatting.money(abs(change), lang)}"
    if kind == "days":
        return f"{sign}{formatting.days(abs(change), lang)}"
    return f"{sign}{formatting.number(abs(change), lang)}"
