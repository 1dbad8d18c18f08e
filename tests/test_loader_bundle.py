"""The small valid bundle the loader and CLI tests break one place at a time (no tests here).

Line numbers in the tests are counted by hand from these texts: the header is
line 1, the first data row line 2.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data_access.db import schema
from data_access.db.engine import make_engine
from tests.conftest import write_bundle

VALID: dict[str, str] = {
    "districts.csv": """
        district_id,name,kind,parent_id
        kk,Københavns Kommune,city,
        norrebro,Nørrebro,bydel,kk
        bronshoj,Brønshøj-Husum,bydel,kk
    """,
    "departments.csv": """
        department_id,name,kind
        SOF,Socialforvaltningen,forvaltning
        BUF,Børne- og Ungdomsforvaltningen,forvaltning
        BIF,Beskæftigelses- og Integrationsforvaltningen,forvaltning
        IM,"Ministeriet for Flygtninge, Indvandrere og Integration",stat
    """,
    "programmes.csv": """
        programme_id,name,starts_on,ends_on,target_active_families,target_improved_share,intensive_months,course_months
        it,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,12
    """,
    "coordinators.csv": """
        coordinator_id,name,email,district_id,capacity
        c1,Koordinator Nørrebro,c1@demo.invalid,norrebro,15
    """,
    "families.csv": """
        family_id,programme_id,district_id,coordinator_id,referred_on,investigation_on,approved_on,started_on,aftercare_on,ended_on,end_reason,single_parent
        F1,it,norrebro,c1,2010-01-10,2010-01-20,2010-02-01,2010-02-15,,,,true
        F2,it,bronshoj,c1,2010-03-01,2010-03-10,2010-04-01,2010-08-31,,2011-06-30,completed,false
        F3,it,norrebro,,2010-05-01,,,,,,,
    """,
    "members.csv": """
        member_id,family_id,role,birth_year,employment_act
        M1,F1,parent,1975,true
        M2,F1,child,1996,
        M3,F2,parent,1980,false
        M4,F2,child,1998,
        M5,F3,parent,1985,ja
    """,
    "assessments.csv": """
        family_id,member_id,assessed_on,measure,value
        F1,M2,2010-02-20,ssp_level,3
        F1,,2010-02-20,parental_authority,2
        F1,M1,2010-02-20,employment,0
        F2,M4,2010-09-01,school_attendance,85.5
        F2,,2010-09-01,life_quality,6
        F1,M2,2010-12-01,ssp_level,1
    """,
    "interventions.csv": """
        intervention_id,family_id,member_id,department_id,kind,started_on,ended_on
        I1,F1,M1,BIF,kombinationspakke,2010-03-01,2010-09-01
        I2,F1,M2,BUF,mentor,2010-03-15,
        I3,F2,,SOF,familiebehandling,2010-09-01,2011-03-01
    """,
    "meetings.csv": """
        meeting_id,family_id,held_on,kind,departments
        MT1,F1,2010-02-16,coordination,SOF;BUF;BIF
        MT2,F1,2010-05-15,quarterly_review,SOF; BUF
        MT3,F2,2010-09-02,coordination,SOF
    """,
    "budget.csv": """
        programme_id,year,department_id,funder_id,activity,amount_dkk
        it,2010,SOF,SOF,Lokal koordinering,1000000
        it,2010,BIF,IM,Beskæftigelsestilbud,1500000.50
        it,2011,SOF,SOF,Lokal koordinering,1000000
    """,
    "spend.csv": """
        spend_id,programme_id,booked_on,department_id,funder_id,activity,amount_dkk,family_id
        S1,it,2010-03-31,SOF,SOF,Lokal koordinering,250000,
        S2,it,2010-04-07,BIF,IM,Beskæftigelsestilbud,1723.50,F1
        S3,it,2010-06-30,BIF,IM,Beskæftigelsestilbud,-200,F1
        S4,it,2011-01-31,SOF,SOF,Lokal koordinering,250000,
    """,
    "indicators.csv": """
        district_id,indicator,measured_on,value
        kk,tryghedsindex,2010-01-01,70.5
        norrebro,tryghedsindex,2010-01-01,62
        bronshoj,anden_etnisk_herkomst,2009-01-01,26.4
    """,
    "indicator_definitions.csv": """
        indicator,name,unit,higher_is_better
        anden_etnisk_herkomst,Andel af anden etnisk herkomst,%,
    """,
    "users.csv": """
        email,role,department_id,coordinator_id
        admin@demo.invalid,admin,,
        c1@demo.invalid,coordinator,,c1
        chef@demo.invalid,department_head,SOF,
    """,
}

#: Rows per file in VALID.
VALID_ROWS: dict[str, int] = {
    "districts.csv": 3,
    "departments.csv": 4,
    "programmes.csv": 1,
    "coordinators.csv": 1,
    "families.csv": 3,
    "members.csv": 5,
    "assessments.csv": 6,
    "interventions.csv": 3,
    "meetings.csv": 3,
    "budget.csv": 3,
    "spend.csv": 4,
    "indicators.csv": 3,
    "indicator_definitions.csv": 1,
    "users.csv": 3,
    "unit_costs.csv": 0,
}

#: Surrogate keys that differ between two loads of the same rows.
SURROGATE = {"assessment_id", "budget_id", "indicator_row_id", "load_id"}


def texts(**changes: str | None) -> dict[str, str]:
    """VALID with some files replaced (`families="..."`) or dropped (`families=None`)."""
    files = {name: textwrap.dedent(body).strip() for name, body in VALID.items()}
    for stem, body in changes.items():
        name = f"{stem}.csv"
        if body is None:
            files.pop(name)
        else:
            files[name] = textwrap.dedent(body).strip()
    return files


def replace_line(file: str, line: int, new: str) -> str:
    """VALID's `file` with line `line` (1 = header) replaced by `new`."""
    lines = textwrap.dedent(VALID[file]).strip().splitlines()
    lines[line - 1] = new
    return "\n".join(lines)


def append_lines(file: str, *new: str) -> str:
    """VALID's `file` with rows added at the end."""
    return "\n".join([textwrap.dedent(VALID[file]).strip(), *new])


def make_bundle(folder: Path, **changes: str | None) -> Path:
    return write_bundle(folder, texts(**changes))


def snapshot(url: str, *, keep_surrogates: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, to compare databases exactly."""
    engine = make_engine(url)
    result: dict[str, list[tuple[Any, ...]]] = {}
    try:
        with engine.connect() as connection:
            for table in schema.metadata.sorted_tables:
                columns = [c for c in table.columns if keep_surrogates or c.name not in SURROGATE]
                if not keep_surrogates and table is schema.load_history:
                    continue
                rows = connection.execute(select(*columns)).all()
                result[table.name] = sorted((tuple(r) for r in rows), key=repr)
    finally:
        engine.dispose()
    return result


def counts(url: str) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(url).items()}
