"""The public app's connection, on SQLite and on PostgreSQL: published rows only, and nothing else.

The store holds the factory's published and hidden result sets (draft, approved, withdrawn, embargoed;
tests/factories_results.py), a user with a password hash, a survey form with a respondent's phone, answers,
self-assessment scores with evidence, and audit entries. Through ``get_public_engine`` the public pages
still get everything they need, while neither the views nor the base tables give away a hidden set, and
every write, schema change and attempt to switch off the audit trigger is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from backend.audit import record
from backend.db import get_engine, get_public_engine, session_scope
from backend.errors import NotFoundError
from backend.models import (
    Answer,
    AssessmentScore,
    Criterion,
    Evidence,
    Interviewer,
    Survey,
    SurveyForm,
    SurveyItem,
    Unit,
)
from backend.personal import vault
from backend.services import public_query as q
from tests.conftest import PUBLIC_LOGIN, PUBLIC_PASSWORD, clear_caches, public_login
from tests.factories import make_user
from tests.factories_results import HIDDEN_VALUES, FactoryResult, build_store

PHONE = "0912345678"


@dataclass
class Guarded:
    owner_url: str
    public: Engine
    made: FactoryResult
    dialect: str


def _private_rows(url: str, made: FactoryResult) -> None:
    """A user, a survey form with a phone and an answer, a score with evidence, audit entries."""
    with session_scope(get_engine(url)) as session:
        make_user(session, "backcheck", "backcheck")
        record(session, actor="admin", action="create_user", entity="app_user", detail={"username": "backcheck"})
        unit = session.exec(select(Unit).where(Unit.kind == "province_63", Unit.code == "01")).one()
        survey = Survey(dataset_id=made.dataset_id, index_code="SIPAS", year=2024, name_vi="k", name_en="s")
        session.add(survey)
        session.flush()
        item = SurveyItem(survey_id=survey.id, code="OVERALL", text_vi="x", text_en="x")  # type: ignore[arg-type]
        interviewer = Interviewer(dataset_id=made.dataset_id, code="IV-1", name="Nguyễn Văn A")
        session.add_all([item, interviewer])
        session.flush()
        form = SurveyForm(
            survey_id=survey.id,  # type: ignore[arg-type]
            form_code="F-1",
            respondent_group="citizen",
            unit_id=unit.id,  # type: ignore[arg-type]
            interviewer_id=interviewer.id,
            collected_on=dt.date(2024, 8, 1),
            phone_encrypted=vault().encrypt(PHONE),
            phone_hash=vault().hash(PHONE),
        )
        session.add(form)
        session.flush()
        session.add(Answer(form_id=form.id, item_id=item.id, value=4))  # type: ignore[arg-type]
        criterion = session.exec(select(Criterion)).first()
        assert criterion is not None
        score = AssessmentScore(
            dataset_id=made.dataset_id, year=2024, unit_id=unit.id, criterion_id=criterion.id, self_score=5.0
        )  # type: ignore[arg-type]
        session.add(score)
        session.flush()
        session.add(Evidence(score_id=score.id, ref_code="1/QĐ-UBND", title="Quyết định"))  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def guarded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guarded]:
    """One store per kind for the whole module: every test only reads, or tries writes that are refused."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        server = None
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('guarded') / 'store.db'}"
            monkeypatch.delenv("PUBLIC_DATABASE_URL", raising=False)
        else:
            server = request.getfixturevalue("pg_server")
            url = server.create_database()
        monkeypatch.setenv("DATABASE_URL", url)
        clear_caches()
        made = build_store(url)
        _private_rows(url, made)
        if server is not None:
            public_login(server, url, monkeypatch)
        yield Guarded(url, get_public_engine(), made, "sqlite" if server is None else "postgresql")
        get_public_engine().dispose()
        get_engine(url).dispose()
        clear_caches()
        if server is not None:
            server.drop_database(url)


def _refused(engine: Engine, statement: str) -> None:
    """``statement`` fails on ``engine`` (nothing of it is committed)."""
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql(statement)


def test_public_pages_get_what_they_need(guarded: Guarded) -> None:
    with session_scope(guarded.public) as session:
        visible = q.visible_result_sets(session)
        assert set(visible["id"]) == set(guarded.made.published_ids.values())
        assert set(visible["dataset_name"]) == {"factory-demo"}
        rows = q.result_rows_many(session, visible["id"])
        assert set(rows["result_set_id"]) == set(visible["id"])
        assert not rows["value"].isin(HIDDEN_VALUES).any()
        for hidden in guarded.made.hidden_ids:
            with pytest.raises(NotFoundError):
                q.result_rows(session, hidden)
        assert len(q.units_frame(session)) == 125
        assert not q.lineage_frame(session).empty and not q.regions_frame(session).empty
        assert not q.evaluation_years(session).empty and not q.frameworks_frame(session).empty
        assert not q.criteria_frame(session).empty and not q.published_figures(session).empty
        q.provisional_items(session)  # reads whole framework rows (the methodology file text)


def test_views_show_no_hidden_set(guarded: Guarded) -> None:
    hidden = ", ".join(str(i) for i in guarded.made.hidden_ids)
    with guarded.public.connect() as connection:
        ids = set(connection.execute(text("SELECT id FROM public_result_set")).scalars())
        leaked = connection.execute(
            text(f"SELECT count(*) FROM public_result_row WHERE result_set_id IN ({hidden})")
        ).scalar()
    assert ids == set(guarded.made.published_ids.values())
    assert leaked == 0
    with get_engine(guarded.owner_url).connect() as connection:  # they are there: the test would see a leak
        assert connection.execute(text(f"SELECT count(*) FROM result_row WHERE result_set_id IN ({hidden})")).scalar()


PRIVATE_READS = [
    "SELECT * FROM result_set",
    "SELECT count(*) FROM result_set",
    "SELECT id FROM result_set WHERE status <> 'published'",
    "SELECT value FROM result_row",
    "SELECT count(*) FROM result_row",
    "SELECT password_hash FROM app_user",
    "SELECT username FROM app_user",
    "SELECT count(*) FROM app_user",
    "SELECT role FROM user_role",
    "SELECT phone_encrypted FROM survey_form",
    "SELECT phone_hash FROM survey_form",
    "SELECT * FROM survey_form",
    "SELECT value FROM answer",
    "SELECT name FROM interviewer",
    "SELECT self_score FROM assessment_score",
    "SELECT ref_code FROM evidence",
    "SELECT actor, detail FROM audit_log",
    "SELECT description, created_at FROM dataset",
    "SELECT object_name FROM public_grant",
]


def test_nothing_private_can_be_read(guarded: Guarded) -> None:
    for statement in PRIVATE_READS:
        _refused(guarded.public, statement)


WRITES = [
    "INSERT INTO region (scheme, code, name_vi, name_en, sort_order, note) VALUES ('x', 'x', 'x', 'x', 1, '')",
    "UPDATE published_figure SET score = 0",
    "UPDATE result_set SET status = 'published'",
    "UPDATE public_result_set SET erratum = 'x'",
    "DELETE FROM unit_lineage",
    "DELETE FROM audit_log",
    "INSERT INTO app_user (username, full_name, password_hash, is_active, created_at) "
    "VALUES ('eve', '', 'x', true, CURRENT_TIMESTAMP)",
    "DROP TABLE audit_log",
    "DROP VIEW public_result_set",
    "CREATE TABLE leak (a integer)",
    "CREATE VIEW public_leak AS SELECT * FROM result_set",
    "ALTER TABLE unit ADD COLUMN x integer",
]
TRIGGER_OFF = {
    "postgresql": [
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "CREATE TEMP TABLE t (a integer)",
    ],
    "sqlite": [
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_delete",
        "PRAGMA query_only = OFF",
        "PRAGMA writable_schema = ON",
        "ATTACH DATABASE ':memory:' AS other",
        "CREATE TEMP TABLE t (a integer)",
        "CREATE TEMP VIEW public_result_set AS SELECT * FROM main.result_set",
    ],
}


def test_nothing_can_be_written_or_switched_off(guarded: Guarded) -> None:
    with get_engine(guarded.owner_url).connect() as connection:
        before = connection.execute(text("SELECT count(*), sum(score) FROM published_figure")).one()
    for statement in [*WRITES, *TRIGGER_OFF[guarded.dialect]]:
        _refused(guarded.public, statement)
    with get_engine(guarded.owner_url).connect() as connection:
        assert connection.execute(text("SELECT count(*), sum(score) FROM published_figure")).one() == before
        assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar()
        assert connection.execute(text("SELECT count(*) FROM app_user WHERE username = 'eve'")).scalar() == 0


@pytest.mark.parametrize("guarded", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_the_role_not_only_the_read_only_mode_refuses(guarded: Guarded) -> None:
    """PostgreSQL: with the read-only transaction mode switched off, the role's privileges still refuse."""
    import psycopg

    url = get_public_engine().url
    dsn = f"host={url.host} port={url.port} dbname={url.database} user={PUBLIC_LOGIN}"
    statements = ["SELECT password_hash FROM app_user", "SELECT * FROM result_set", *WRITES]
    for statement in [*statements, *TRIGGER_OFF["postgresql"][:3]]:
        with psycopg.connect(dsn, password=PUBLIC_PASSWORD) as conn:
            conn.execute("SET default_transaction_read_only = off")
            conn.execute("BEGIN READ WRITE")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)  # type: ignore[call-overload]
    with psycopg.connect(dsn, password=PUBLIC_PASSWORD) as conn:
        assert conn.execute("SELECT count(*) FROM public_result_set").fetchone() == (len(guarded.made.published_ids),)
