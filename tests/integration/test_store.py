"""Migrations and constraints, on SQLite and on PostgreSQL: duplicates are impossible, not unlikely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from backend.db import downgrade, get_engine, migrate, schema_state, session_scope
from backend.models import (
    Answer,
    AuditLog,
    Dataset,
    Survey,
    SurveyForm,
    SurveyItem,
    Unit,
)
from backend.reference.loader import load_reference
from backend.search import modelled
from backend.settings import REPO_ROOT


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def any_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        get_engine(url).dispose()
    else:
        yield request.getfixturevalue("pg_url")


def _loaded(url: str) -> None:
    migrate(url)
    with session_scope(get_engine(url)) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")


def test_migrate_up_down_up(any_url: str) -> None:
    migrate(any_url)
    tables = set(inspect(get_engine(any_url)).get_table_names())
    assert {"unit", "unit_lineage", "answer", "result_set", "audit_log", "alembic_version"} <= tables
    downgrade(any_url)
    assert set(inspect(get_engine(any_url)).get_table_names()) <= {"alembic_version"}
    migrate(any_url)
    migrate(any_url)  # a second upgrade is a no-op
    with get_engine(any_url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == schema_state(any_url)[1]


def test_reference_load_twice_is_stable(any_url: str) -> None:
    _loaded(any_url)
    _loaded(any_url)
    with get_engine(any_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM unit")).scalar() == 125
        assert conn.execute(text("SELECT count(*) FROM unit_lineage")).scalar() == 92


def _expect_integrity(url: str, add) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((IntegrityError, DBAPIError)), session_scope(get_engine(url)) as session:
        add(session)
        session.flush()


def test_unique_and_foreign_keys(any_url: str) -> None:
    _loaded(any_url)
    # duplicate unit (kind, code)
    _expect_integrity(
        any_url,
        lambda s: s.add(
            Unit(
                kind="province_63",
                code="01",
                name_vi="x",
                name_en="x",
                unit_type="city",
                valid_from=dt.date(2008, 8, 1),
            )
        ),
    )
    # unknown kind refused by a CHECK constraint
    _expect_integrity(
        any_url,
        lambda s: s.add(
            Unit(kind="district", code="999", name_vi="x", name_en="x", unit_type="x", valid_from=dt.date(2008, 8, 1))
        ),
    )
    # foreign key: a survey of a dataset that does not exist
    _expect_integrity(
        any_url, lambda s: s.add(Survey(dataset_id=999, index_code="SIPAS", year=2024, name_vi="x", name_en="x"))
    )

    with session_scope(get_engine(any_url)) as session:
        ds = Dataset(name="t", kind="demo")
        session.add(ds)
        session.flush()
        survey = Survey(dataset_id=ds.id, index_code="SIPAS", year=2024, name_vi="x", name_en="x")  # type: ignore[arg-type]
        session.add(survey)
        session.flush()
        item = SurveyItem(survey_id=survey.id, code="OVERALL", text_vi="x", text_en="x")  # type: ignore[arg-type]
        hanoi = session.exec(text("SELECT id FROM unit WHERE kind='province_63' AND code='01'")).scalar()  # type: ignore[call-overload]
        form = SurveyForm(
            survey_id=survey.id,
            form_code="F1",
            respondent_group="citizen",
            unit_id=hanoi,
            collected_on=dt.date(2024, 8, 1),
        )  # type: ignore[arg-type]
        session.add_all([item, form])
        session.flush()
        session.add(Answer(form_id=form.id, item_id=item.id, value=4))  # type: ignore[arg-type]
        ids = (ds.id, survey.id, item.id, form.id, hanoi)

    ds_id, survey_id, item_id, form_id, hanoi = ids
    _expect_integrity(
        any_url, lambda s: s.add(Survey(dataset_id=ds_id, index_code="SIPAS", year=2024, name_vi="y", name_en="y"))
    )
    _expect_integrity(
        any_url, lambda s: s.add(SurveyItem(survey_id=survey_id, code="OVERALL", text_vi="y", text_en="y"))
    )
    _expect_integrity(
        any_url,
        lambda s: s.add(
            SurveyForm(
                survey_id=survey_id,
                form_code="F1",
                respondent_group="citizen",
                unit_id=hanoi,
                collected_on=dt.date(2024, 8, 2),
            )
        ),
    )
    _expect_integrity(any_url, lambda s: s.add(Answer(form_id=form_id, item_id=item_id, value=5)))
    # an invalid form must say why
    _expect_integrity(
        any_url,
        lambda s: s.add(
            SurveyForm(
                survey_id=survey_id,
                form_code="F2",
                respondent_group="citizen",
                unit_id=hanoi,
                collected_on=dt.date(2024, 8, 2),
                status="invalid",
            )
        ),
    )


def test_audit_log_is_append_only(any_url: str) -> None:
    migrate(any_url)
    engine = get_engine(any_url)
    with Session(engine) as session:
        session.add(AuditLog(at=dt.datetime.now(dt.UTC), actor="t", action="test", entity="x", hash="h"))
        session.commit()
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar() == "t"


def test_models_match_the_migrations(any_url: str) -> None:
    """The migrated schema is the models' schema: nothing for autogenerate to add, and every string column
    has the length its model declares (none where the model sets none). The search index of migration 0008 is
    made per store and is not a model (backend.search.modelled)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    migrate(any_url)
    engine = get_engine(any_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": modelled})
        assert compare_metadata(context, SQLModel.metadata) == []
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        stored = {c["name"]: getattr(c["type"], "length", None) for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if hasattr(column.type, "length"):
                assert stored[column.name] == column.type.length, (table.name, column.name)


LONG_AGGREGATE = "Trung bình 17 bộ, cơ quan ngang bộ"  # 34 characters, from data/published


def test_long_values_are_kept_and_a_lossy_downgrade_is_refused(any_url: str) -> None:
    from backend.models import PublishedFigure

    migrate(any_url)
    with session_scope(get_engine(any_url)) as session:
        session.add(
            PublishedFigure(
                source_file="published_results.csv",
                row_number=2,
                year=2024,
                metric="PAR_INDEX",
                unit_type="aggregate",
                unit_name=LONG_AGGREGATE,
                scope_code=LONG_AGGREGATE,
                source="test",
                row_hash="h" * 64,
            )
        )
    with pytest.raises(RuntimeError, match=r"published_figure\.scope_code: 1 values longer than 32"):
        downgrade(any_url, "0001")
    with get_engine(any_url).connect() as conn:
        assert conn.execute(text("SELECT scope_code FROM published_figure")).scalar() == LONG_AGGREGATE
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == schema_state(any_url)[1]
        assert conn.execute(text("SELECT count(*) FROM public_result_set")).scalar() == 0


def test_a_public_set_keeps_its_figures_and_may_only_be_withdrawn(any_url: str) -> None:
    """Both stores: once public, a published set's figures, times and erratum never change; its status may still
    go to withdrawn (taken down with a reason, audited by the service), nothing else."""
    import datetime as dt

    from sqlalchemy.exc import DBAPIError

    from tests.factories import make_result_set

    _loaded(any_url)
    moment = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with session_scope(get_engine(any_url)) as session:
        rs = make_result_set(session, kind="official", status="published", publish_at=moment, published_at=moment)
        set_id = int(rs.id or 0)
    for statement in (
        f"UPDATE result_set SET erratum = 'x' WHERE id = {set_id}",
        f"UPDATE result_set SET status = 'withdrawn', published_at = publish_at + INTERVAL '1 day' WHERE id = {set_id}"
        if any_url.startswith("postgresql")
        else f"UPDATE result_set SET status = 'withdrawn', published_at = '2030-01-01' WHERE id = {set_id}",
        f"UPDATE result_set SET status = 'draft' WHERE id = {set_id}",
    ):
        with pytest.raises(DBAPIError), get_engine(any_url).begin() as conn:
            conn.execute(text(statement))
    with get_engine(any_url).begin() as conn:
        conn.execute(text(f"UPDATE result_set SET status = 'withdrawn' WHERE id = {set_id}"))
        assert conn.execute(text(f"SELECT status FROM result_set WHERE id = {set_id}")).scalar() == "withdrawn"
