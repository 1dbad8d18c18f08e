"""The change theory's vocabulary: its levels in chain order, the measures a box may carry."""

from __future__ import annotations

from typing import Final

LEVELS: Final[tuple[str, ...]] = ("activity", "result", "short", "medium", "long")
MEASURES: Final[tuple[str, ...]] = (
    "ssp_falling",
    "self_supporting_parents",
    "school_attendance",
    "indicator:tryghedsindex",
    "indicator:inklusion",
)
