"""The pilot's change theory for the demo, after drawing 1 of the application to the ministry.

Labels are short Danish paraphrases of the drawing's boxes; the measures are
those the application names for following the effects (SSP level, self-
support, school, the Tryghedsindex and the inclusion indicator).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

PILOT: Final = "interventionsteam"

#: (box_id, level, label, measure, parent_box_id)
BOXES: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    ("a1", "activity", "Tværgående team: BIF, BUF og SOF", "", ""),
    ("a2", "activity", "Samarbejde med lokale aktører", "", ""),
    ("a3", "activity", "Metodeudvikling og vidensopsamling", "", ""),
    ("a4", "activity", "Kompetenceudvikling", "", ""),
    ("r1", "result", "Intensiv, koordineret hjælp til hele familien", "", "a1"),
    ("s1", "short", "Forældre i arbejde", "self_supporting_parents", "r1"),
    ("s2", "short", "Unge med prosocial adfærd", "", "r1"),
    ("s3", "short", "Bedre samspil i familien", "", "r1"),
    ("s4", "short", "Viden om tidlige tegn på mistrivsel", "", "a3"),
    ("s5", "short", "Meningsfuld fritid", "", "r1"),
    ("m1", "medium", "Mindre kriminalitet", "ssp_falling", "s2"),
    ("m2", "medium", "Børnene går i skole", "school_attendance", "s3"),
    ("m3", "medium", "Job", "", "s1"),
    ("m4", "medium", "Bedre indsats fremover", "", "s4"),
    ("l1", "long", "Familier, der er en del af samfundet", "", "m1"),
    ("l2", "long", "Inklusion", "indicator:inklusion", "m3"),
    ("l3", "long", "Tryghed i bydelen", "indicator:tryghedsindex", "m1"),
    ("l4", "long", "Metoderne bliver til almindelig praksis", "", "m4"),
    ("l5", "long", "Mere viden om og handlekraft i mødet med flere kulturer", "", "m4"),
)


def pilot_change_theory() -> pd.DataFrame:
    """The pilot's boxes as `change_theory.csv` rows (targets come from programmes.csv)."""
    rows = [
        {
            "programme_id": PILOT,
            "box_id": box_id,
            "level": level,
            "label": label,
            "measure": measure,
            "parent_box_id": parent,
            "target": "",
            "sort": str(number),
        }
        for number, (box_id, level, label, measure, parent) in enumerate(BOXES, start=1)
    ]
    return pd.DataFrame(rows, dtype="str")
