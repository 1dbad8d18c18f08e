"""A small hand-made bundle for the access tests (no tests here).

Two coordinators in two districts: cA has families A-1..A-3 in Nørrebro,
cB has B-1..B-6 in Brønshøj-Husum. All nine families started on
2010-02-15 and are still open, so on the report date 2010-12-31 Nørrebro has
3 active families (a small count: "<5" for viewer and department_head) and
Brønshøj-Husum 6. One user per role; two coordinators.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from streamlit.testing.v1 import AppTest

from data_access.bundle.loader import load_bundle
from tests.conftest import write_bundle

AS_OF: Final = "2010-12-31"
A_FAMILIES: Final = ("A-1", "A-2", "A-3")
B_FAMILIES: Final = ("B-1", "B-2", "B-3", "B-4", "B-5", "B-6")

ADMIN: Final = "admin@t.invalid"
STEERING: Final = "styregruppe@t.invalid"
DEPARTMENT_HEAD: Final = "chef@t.invalid"
COORDINATOR_A: Final = "koord.a@t.invalid"
COORDINATOR_B: Final = "koord.b@t.invalid"
VIEWER: Final = "viewer@t.invalid"
USERS: Final[dict[str, str]] = {
    ADMIN: "admin",
    STEERING: "steering",
    DEPARTMENT_HEAD: "department_head",
    COORDINATOR_A: "coordinator",
    COORDINATOR_B: "coordinator",
    VIEWER: "viewer",
}

#: Any of the nine pseudonyms as a whole word.
ANY_PSEUDONYM: Final = re.compile(r"(?<![\w-])[AB]-[1-6](?![\w-])")
B_PSEUDONYM: Final = re.compile(r"(?<![\w-])B-[1-6](?![\w-])")


def _families() -> str:
    rows = [
        "family_id,programme_id,district_id,coordinator_id,referred_on,investigation_on,"
        "approved_on,started_on,aftercare_on,ended_on,end_reason,single_parent"
    ]
    for family_id in (*A_FAMILIES, *B_FAMILIES):
        district, coordinator = ("norrebro", "cA") if family_id[0] == "A" else ("bronshoj", "cB")
        rows.append(
            f"{family_id},it,{district},{coordinator},2010-01-10,2010-01-20,2010-02-01,"
            "2010-02-15,,,,false"
        )
    return "\n".join(rows)


def _members() -> str:
    rows = ["member_id,family_id,role,birth_year,employment_act"]
    for family_id in (*A_FAMILIES, *B_FAMILIES):
        rows.append(f"P{family_id},{family_id},parent,1980,true")
        rows.append(f"C{family_id},{family_id},child,2000,")
    return "\n".join(rows)


def _assessments() -> str:
    rows = ["family_id,member_id,assessed_on,measure,value"]
    for family_id in (*A_FAMILIES, *B_FAMILIES):
        rows.append(f"{family_id},C{family_id},2010-02-20,ssp_level,3")
        rows.append(f"{family_id},C{family_id},2010-11-20,ssp_level,1")
    return "\n".join(rows)


FILES: Final[dict[str, str]] = {
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
        IM,Integrationsministeriet,stat
    """,
    "programmes.csv": """
        programme_id,name,starts_on,ends_on,target_active_families,target_improved_share,intensive_months,course_months
        it,Interventionsteam,2010-01-01,2011-12-31,30,0.6,6,12
    """,
    "coordinators.csv": """
        coordinator_id,name,email,district_id,capacity
        cA,Koordinator A,koord.a@t.invalid,norrebro,15
        cB,Koordinator B,koord.b@t.invalid,bronshoj,15
    """,
    "families.csv": _families(),
    "members.csv": _members(),
    "assessments.csv": _assessments(),
    "interventions.csv": """
        intervention_id,family_id,member_id,department_id,kind,started_on,ended_on
        I1,A-1,PA-1,BIF,kombinationspakke,2010-03-01,2010-09-01
        I2,B-1,,SOF,familiebehandling,2010-03-01,
    """,
    "meetings.csv": """
        meeting_id,family_id,held_on,kind,departments
        MT1,A-1,2010-02-16,coordination,SOF;BUF
        MT2,B-1,2010-02-16,coordination,SOF
    """,
    "budget.csv": """
        programme_id,year,department_id,funder_id,activity,amount_dkk
        it,2010,SOF,SOF,Lokal koordinering,1000000
        it,2010,BIF,IM,Beskæftigelsestilbud,500000
    """,
    "spend.csv": """
        spend_id,programme_id,booked_on,department_id,funder_id,activity,amount_dkk,family_id
        S1,it,2010-03-31,SOF,SOF,Lokal koordinering,250000,
        S2,it,2010-04-07,BIF,IM,Beskæftigelsestilbud,1723.50,A-1
        S3,it,2010-06-30,BIF,IM,Beskæftigelsestilbud,900,B-2
    """,
    "indicators.csv": """
        district_id,indicator,measured_on,value
        norrebro,tryghedsindex,2010-01-01,62
        bronshoj,tryghedsindex,2010-01-01,70
    """,
    "users.csv": "email,role,department_id,coordinator_id\n"
    + "\n".join(
        f"{email},{role},{'SOF' if role == 'department_head' else ''},"
        f"{'cA' if email == COORDINATOR_A else 'cB' if email == COORDINATOR_B else ''}"
        for email, role in USERS.items()
    ),
}


def load_access_bundle(folder: Path, url: str) -> None:
    """Write FILES to `folder` and load them into the migrated database `url`."""
    load_bundle(write_bundle(folder, FILES), url)


def everything(app: AppTest) -> str:
    """Every element's full protobuf text (charts' and tables' data included).

    For 'must not appear' checks: a pseudonym hidden in a chart's or a
    table's Arrow bytes still shows up here as readable ASCII.
    """
    return "\n".join(str(getattr(node, "proto", "")) for node in app._tree)
