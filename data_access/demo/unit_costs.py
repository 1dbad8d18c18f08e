"""Example unit costs for the demo's prevention business case: not the municipality's prices.

The business case needs the yearly cost of the measures prevention aims to
avoid (bundle.md, `unit_costs.csv`). The source documents give none, so the
demo ships round example values, and says so in every row's `source`, which
the page shows beside each price. A real bundle brings the municipality's
own prices.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

#: What the page shows as each example price's source.
EXAMPLE_SOURCE: Final = (
    "Eksempelværdi (demo), ikke Københavns Kommunes takst: "
    "afrundet skøn lavet til demodata i dette projekt"
)

#: (measure, name, yearly cost in kr.): round example values only.
EXAMPLES: Final[tuple[tuple[str, str, int], ...]] = (
    ("anbringelse", "Anbringelse uden for hjemmet (døgninstitution)", 1_100_000),
    ("sikret_institution", "Sikret institution", 3_600_000),
    ("specialskole", "Specialskole", 450_000),
    ("dagbehandling", "Dagbehandling", 600_000),
)


def example_unit_costs() -> pd.DataFrame:
    """unit_costs.csv for the demo: the examples, valid from the pilot's start."""
    return pd.DataFrame(
        [
            {
                "measure": measure,
                "name": name,
                "yearly_cost_dkk": float(cost),
                "valid_from": pd.Timestamp(2010, 1, 1),
                "source": EXAMPLE_SOURCE,
            }
            for measure, name, cost in EXAMPLES
        ]
    )
