"""The stage, started, ended and active rules live in `rules/stages.py` only.

A query that writes "started_on <= D and (ended_on is null or ended_on > D)"
out again would count one family differently from the figures the day the
rule changes; this test reads the code (comments and strings left out) and
fails on such a comparison anywhere else. The SQL and pandas forms of the
rule are held equal on hand-made families.
"""

from __future__ import annotations

import io
import re
import tokenize
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from data_access.db.schema import families
from data_access.rules.stages import (
    active_in_frame,
    has_ended,
    has_started,
    is_active,
    stage_of,
    stages_in_frame,
    started_in_frame,
)
from tests.fixtures.bundles import Loader

ROOT = Path(__file__).resolve().parent.parent
#: Where the rules are used. The bundle checker compares dates for plausibility
#: (ended after started), migrations are frozen history, and the demo generator
#: makes dates up: none of them decides a stage.
SEARCHED = ("data_access", "dashboard", "pages", "bench")
EXEMPT = (
    "data_access/rules/stages.py",
    "data_access/bundle/",
    "data_access/demo/",
    "data_access/db/migrations/",
)
#: A family date compared the way the stage rule compares it (code only).
INLINED = re.compile(
    r"ended_on\W*(<=|<|>=|>)"  # ended by / after D
    r"|ended_on\W*\.\s*(is_\s*\(\s*None|isna|isnull)"  # never ended
    r"|started_on\W*<="  # started by D
    r"|aftercare_due_on\W*<=\s*(d|day|literal\s*\(\s*as_of)\b"  # in aftercare by D
)


#: A string that is one name (a column: `frame["ended_on"]`), kept as that name.
NAME_STRING = re.compile(r"^[\"'](\w+)[\"']$")


def _code(source: str) -> str:
    """The code's tokens only: comments and prose strings (docstrings) are left out.

    Strings that are a single name are kept as the name, so a pandas column
    (`frame["ended_on"] > day`) reads like its SQL twin (`f.ended_on > d`).
    """
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.NAME, tokenize.OP, tokenize.NUMBER):
            kept.append(token.string)
        elif token.type == tokenize.STRING and (name := NAME_STRING.match(token.string)):
            kept.append(name.group(1))
        elif token.type == tokenize.NEWLINE:
            kept.append("\n")
    return " ".join(kept)


def _searched_files() -> list[Path]:
    files = []
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not relative.startswith(EXEMPT):
                files.append(path)
    return files


def test_no_stage_rule_written_out_again() -> None:
    found = []
    for path in _searched_files():
        for line in _code(path.read_text(encoding="utf-8")).splitlines():
            if INLINED.search(line):
                found.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not found, "use data_access.rules.stages instead of:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [
        "families.c.started_on <= literal(as_of)\n",
        "(f.ended_on.is_(None)) | (f.ended_on > d)\n",
        'alive = fam["ended_on"].isna() | (fam["ended_on"] > day)\n',
        'started = fam["started_on"] <= day\n',
        "x = and_(table.c.started_on <= d, table.c.aftercare_due_on <= d)\n",
    ],
)
def test_the_search_finds_an_inlined_rule(code: str) -> None:
    # Forms the project used before the rules had one home.
    assert INLINED.search(_code(code))


def test_the_search_leaves_prose_and_other_dates_alone() -> None:
    # Due within 30 days of D is the aftercare horizon, not the stage rule;
    # a docstring may quote kpis.md.
    code = '"""kpis.md: started_on <= D."""\ndue = f.aftercare_due_on <= literal(horizon)\n'
    assert not INLINED.search(_code(code))


#: Families at the edges of every rule on D = 2010-06-30 (bundle columns:
#: id, programme, district, referred, investigation, approved, started, aftercare, ended).
EDGES = """
    A,P1,nb,2010-01-01,,,2010-06-30,,,
    B,P1,nb,2010-01-01,,,2010-07-01,,,
    C,P1,nb,2009-06-01,,,2009-07-01,,2010-06-30,completed
    D,P1,nb,2009-06-01,,,2009-07-01,,2010-07-01,completed
    E,P1,nb,2010-01-01,,,2010-02-01,2010-06-30,,
    F,P1,nb,2010-01-01,2010-06-30,,,,,
    G,P1,nb,2010-06-30,,,,,,
    H,P1,nb,2010-01-01,2010-02-01,2010-06-30,,,,
"""
D = date(2010, 6, 30)


def test_sql_and_pandas_forms_agree(load: Loader) -> None:
    engine = load(families=EDGES)
    columns = [c for c in families.c if c.name.endswith("_on")]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                families.c.family_id,
                *columns,
                stage_of(D).label("stage"),
                is_active(D).label("active"),
                has_started(D).label("started"),
                has_ended(D).label("ended"),
            ).order_by(families.c.family_id)
        ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(rows[0]._fields))
    for column in columns:
        frame[column.name] = pd.to_datetime(frame[column.name])
    # By hand: A starts on D (intensive), B the day after (referred); C ends on D,
    # D the day after (its 6 intensive months are long over: aftercare); E's
    # aftercare date is D; F is investigated on D, H approved on D, G referred on D.
    expected = {
        "A": "intensive",
        "B": "referred",
        "C": "ended",
        "D": "aftercare",
        "E": "aftercare",
        "F": "investigation",
        "G": "referred",
        "H": "approved",
    }
    assert dict(zip(frame["family_id"], frame["stage"], strict=True)) == expected
    assert list(stages_in_frame(frame, D)) == list(frame["stage"])
    assert [bool(a) for a in frame["active"]] == [bool(a) for a in active_in_frame(frame, D)]
    assert [bool(a) for a in active_in_frame(frame, D)] == [
        s in ("intensive", "aftercare") for s in frame["stage"]
    ]
    assert [bool(s) for s in started_in_frame(frame, D)] == [
        bool(s) for s in frame["started"].fillna(False)
    ]
    assert [bool(e) for e in frame["ended"].fillna(False)] == [s == "ended" for s in frame["stage"]]
