"""Quality checks, back-checks and fieldwork progress on a small demo year, and the permissions of every role on
every ingestion and back-check action (issue 8, points 4, 6, 7, 8 and 10)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.auth.permissions import PERMISSIONS, Actor
from backend.demo import generate_demo
from backend.errors import DomainError, PermissionDenied
from backend.models.users import ROLES
from backend.services import backchecks, batches, fieldwork, quality, review
from backend.services.demo_checks import score_demo
from backend.services.ingestion import ImportRequest, import_file
from tests.factories import staff
from tests.ingest_helpers import build_store, csv_bytes, sipas_rows

pytestmark = pytest.mark.xdist_group("ingest-checks")


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_store(f"sqlite:///{tmp_path_factory.mktemp('checks') / 'demo.db'}")
    with Session(engine) as session:
        generate_demo(session, years="2024", scale="small", seed=20251)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def db(demo_engine: Engine) -> Iterator[Session]:
    with Session(demo_engine) as session:
        yield session
        session.rollback()


def _sipas(db: Session) -> int:
    return int(db.connection().execute(text("SELECT id FROM survey WHERE index_code = 'SIPAS'")).scalar_one())


def test_the_checks_find_the_planted_interviewers(db: Session) -> None:
    result = score_demo(db, _sipas(db), seed=3)
    planted = result.combined["planted"]
    assert planted == 5  # one per pattern at small scale
    assert result.combined["planted_flagged"] == planted
    assert result.high_frequency["planted_flagged"] >= 4 and result.backcheck["planted_flagged"] >= 4
    assert result.combined["honest_flagged"] <= 0.05 * result.combined["honest"]
    national = result.valid_rates[["received", "valid"]].sum()
    assert 0.97 < national["valid"] / national["received"] < 0.995  # published 2023: 98.84 %


def test_the_checks_never_read_the_truth(db: Session) -> None:
    """The quality report is the same whether or not the dataset keeps its ground truth."""
    survey = _sipas(db)
    analyst = staff(db, "analyst")
    before = quality.survey_quality(db, actor=analyst, survey_id=survey)[1].flags
    db.connection().execute(text("UPDATE dataset SET parameters = '{}'"))
    after = quality.survey_quality(db, actor=analyst, survey_id=survey)[1].flags
    assert before.drop(columns="forms").equals(after.drop(columns="forms"))


def test_contact_list_only_for_the_back_check_role_and_phones_nowhere_else(db: Session) -> None:
    survey = _sipas(db)
    sample = backchecks.draw(db, actor=staff(db, "analyst"), survey_id=survey, seed=1)
    contacts = backchecks.contacts(db, actor=staff(db, "backcheck"), sample_id=sample)
    assert contacts["respondent_phone"].str.fullmatch(r"0000\d{6}").all()
    for role in set(ROLES) - {"backcheck"}:
        with pytest.raises(PermissionDenied):
            backchecks.contacts(db, actor=staff(db, role), sample_id=sample)
    cases = backchecks.cases(db, actor=staff(db, "analyst"), sample_id=sample)
    flat = cases.astype(str).to_csv() + quality.survey_frame(db, survey).forms.astype(str).to_csv()
    assert not any(phone in flat for phone in contacts["respondent_phone"])


def test_invalidation_with_a_reason_code_stops_a_form_counting(db: Session) -> None:
    survey = _sipas(db)
    analyst = staff(db, "analyst")
    code = (
        db.connection()
        .execute(
            text("SELECT form_code FROM survey_form WHERE survey_id = :s AND status = 'valid' LIMIT 1"), {"s": survey}
        )
        .scalar_one()
    )
    with pytest.raises(DomainError):
        backchecks.invalidate(db, actor=analyst, survey_id=survey, form_codes=[code], reason="because")
    assert backchecks.invalidate(db, actor=analyst, survey_id=survey, form_codes=[code], reason="fabricated") == 1
    row = (
        db.connection()
        .execute(text("SELECT status, invalid_reason FROM survey_form WHERE form_code = :c"), {"c": code})
        .one()
    )
    assert tuple(row) == ("invalid", "fabricated")


def test_fieldwork_progress_and_lagging_units(db: Session) -> None:
    import datetime as dt

    survey = _sipas(db)
    actor = staff(db, "leader")
    done = fieldwork.fieldwork(db, actor=actor, survey_id=survey)
    provinces = done["tables"]["province"]
    assert (
        len(provinces) == 63
        and (provinces["received"] == provinces["planned"]).all()
        and not provinces["lagging"].any()
    )
    early = fieldwork.fieldwork(db, actor=actor, survey_id=survey, day=dt.date(2024, 9, 15))
    table = early["tables"]["commune"]
    assert 0 < early["expected_share"] < 1 and table["lagging"].any() and (table["received"] <= table["planned"]).all()
    assert set(early["tables"]["group"]["respondent_group"]) == {"household"}
    curve = done["over_time"]
    assert curve["received"].is_monotonic_increasing and curve["received"].iloc[-1] == provinces["received"].sum()


# --- permissions ----------------------------------------------------------------------------------------------
ACTIONS: dict[str, Callable[[Session, Actor, dict[str, Any]], Any]] = {
    "ingest": lambda s, a, c: import_file(
        s,
        actor=a,
        request=ImportRequest(kind="sipas", year=2024, file_name="p.csv", data=csv_bytes(sipas_rows(1)), dry_run=True),
    ),
    "rollback_batch": lambda s, a, c: batches.rollback_batch(s, actor=a, batch_id=10**6, reason="x"),
    "review_forms": lambda s, a, c: review.review_forms(
        s, actor=a, survey_id=c["survey"], form_codes=["none"], action="accept"
    ),
    "view_quality": lambda s, a, c: quality.survey_quality(s, actor=a, survey_id=c["survey"]),
    "draw_backcheck": lambda s, a, c: backchecks.draw(s, actor=a, survey_id=c["survey"], seed=2),
    "view_phones": lambda s, a, c: backchecks.contacts(s, actor=a, sample_id=c["sample"]),
    "import_backcheck": lambda s, a, c: backchecks.import_outcomes(
        s, actor=a, sample_id=c["sample"], file_name="o.csv", data=b"form_code,outcome\r\nnone,reached\r\n"
    ),
    "view_backchecks": lambda s, a, c: backchecks.report(s, actor=a, sample_id=c["sample"]),
    "invalidate_forms": lambda s, a, c: backchecks.invalidate(
        s, actor=a, survey_id=c["survey"], form_codes=["none"], reason="fabricated"
    ),
    "view_fieldwork": lambda s, a, c: fieldwork.fieldwork(s, actor=a, survey_id=c["survey"]),
}


@pytest.fixture(scope="module")
def context(demo_engine: Engine) -> dict[str, int]:
    with Session(demo_engine) as session:
        survey = _sipas(session)
        sample = backchecks.draw(session, actor=staff(session, "analyst"), survey_id=survey, seed=9)
        session.commit()
    return {"survey": survey, "sample": sample}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_action(db: Session, context: dict[str, int], role: str, action: str) -> None:
    actor = staff(db, role)
    allowed = role in PERMISSIONS[action]
    try:
        ACTIONS[action](db, actor, context)
    except PermissionDenied:
        assert not allowed, f"{role} may {action}"
    except DomainError:
        assert allowed, f"{role} may not {action}, yet got past the permission check"
    else:
        assert allowed, f"{role} may not {action}"


def test_the_permission_table_covers_the_data_in_actions() -> None:
    assert set(ACTIONS) <= set(PERMISSIONS)
    assert PERMISSIONS["view_phones"] == frozenset({"backcheck"})
    assert PERMISSIONS["ingest"] == frozenset({"analyst", "data_officer"})
    assert PERMISSIONS["invalidate_forms"] == frozenset({"analyst"})
    # "system" is the demo seed (make run plants the demo's back-check outcomes); no person holds that role
    assert json.dumps(sorted(PERMISSIONS["import_backcheck"])) == '["backcheck", "data_officer", "system"]'
