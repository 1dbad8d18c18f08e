"""Hand-made bundles for figure tests: CSV rows per file, loaded with the real loader.

Registered as a plugin in conftest.py, so any test can ask for the `load`
fixture. Programme P1 runs 2010-2011 with 6 intensive and 12 course months;
P2 (2012) has no families. Districts: kk (city) > nb (Nørrebro),
bh (Brønshøj-Husum) > tb (Tingbjerg, a housing area inside bh).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.db.engine import make_engine
from tests.conftest import write_bundle

HEADERS = {
    "districts.csv": "district_id,name,kind,parent_id",
    "departments.csv": "department_id,name,kind",
    "programmes.csv": (
        "programme_id,name,starts_on,ends_on,target_active_families,"
        "target_improved_share,intensive_months,course_months"
    ),
    "coordinators.csv": "coordinator_id,name,email,district_id,capacity",
    "families.csv": (
        "family_id,programme_id,district_id,referred_on,investigation_on,"
        "approved_on,started_on,aftercare_on,ended_on,end_reason"
    ),
    "members.csv": "member_id,family_id,role",
    "assessments.csv": "family_id,member_id,assessed_on,measure,value",
    "interventions.csv": "intervention_id,family_id,member_id,department_id,kind,started_on",
    "meetings.csv": "meeting_id,family_id,held_on,kind,departments",
    "budget.csv": "programme_id,year,department_id,funder_id,activity,amount_dkk",
    "spend.csv": "spend_id,programme_id,booked_on,department_id,funder_id,activity,amount_dkk",
    "indicators.csv": "district_id,indicator,measured_on,value",
}

DEFAULT_ROWS = {
    "districts.csv": """
        kk,Københavns Kommune,city,
        nb,Nørrebro,bydel,kk
        bh,Brønshøj-Husum,bydel,kk
        tb,Tingbjerg,boligomraade,bh
    """,
    "departments.csv": """
        SOF,Socialforvaltningen,forvaltning
        BIF,Beskæftigelses- og Integrationsforvaltningen,forvaltning
        IM,Integrationsministeriet,stat
    """,
    "programmes.csv": """
        P1,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,12
        P2,Tom programme,2012-01-01,2012-12-31,,,,
    """,
    "coordinators.csv": """
        C1,Koordinator Et,k1@example.org,nb,15
    """,
}

Loader = Callable[..., Engine]


@pytest.fixture
def load(db_url: str, tmp_path: Path) -> Iterator[Loader]:
    """Load a bundle from keyword rows (file stem -> CSV rows, header added) and give an engine."""
    engines: list[Engine] = []

    def _load(**rows: str) -> Engine:
        from data_access.bundle.loader import load_bundle

        files: dict[str, str] = {}
        for name, header in HEADERS.items():
            body = rows.pop(name.removesuffix(".csv"), DEFAULT_ROWS.get(name, ""))
            files[name] = header + "\n" + textwrap.dedent(body).strip()
        assert not rows, f"unknown bundle files: {sorted(rows)}"
        folder = write_bundle(tmp_path / f"bundle{len(engines)}", files)
        load_bundle(folder, db_url)
        engine = make_engine(db_url)
        engines.append(engine)
        return engine

    yield _load
    for engine in engines:
        engine.dispose()
