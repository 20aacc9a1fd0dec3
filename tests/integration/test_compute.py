"""Compute service on a real (migrated) store: numbers by hand, immutable versions, reproducible hashes.

Runs on a temporary SQLite file and, where PostgreSQL can be started, on PostgreSQL too (the answer
reader uses group_concat on SQLite and string_agg on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text, update
from sqlmodel import Session, select

from backend import metrics as m
from backend.auth.permissions import Actor
from backend.cli import main as cli_main
from backend.db import get_engine, migrate, session_scope
from backend.errors import PermissionDenied, ValidationError
from backend.models import Answer, AuditLog, EvaluationYear, ResultRow, ResultSet
from backend.published.views import overview_view
from backend.reference.lineage import Lineage
from backend.reference.units import lineage_frame
from backend.services.compute import NoInputsError, compute_all, compute_index, ensure_computed
from backend.services.results import result_rows, stored_tables
from tests.factories import PASSWORD, make_user
from tests.factories_scoring import DATASET, YEAR, TinyStore, add_lineage, build_tiny_store

SYSTEM = Actor.system()  # demo data only (the tiny store's dataset is labelled demo)


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, TinyStore]]:
    url = f"sqlite:///{tmp_path / 'scoring.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    migrate(url)
    with session_scope(get_engine(url)) as session:
        tiny = build_tiny_store(session)
    yield url, tiny
    get_engine(url).dispose()


def _session(url: str) -> Session:
    return Session(get_engine(url), expire_on_commit=False)


def _unit_values(rows: pd.DataFrame, metric: str) -> dict[str, float]:
    sel = rows[(rows["scope"] == "unit") & (rows["metric"] == metric)]
    return dict(zip(sel["scope_code"].str.split(":").str[1], sel["value"].astype(float), strict=True))


def test_sipas_numbers_by_hand(store: tuple[str, TinyStore]) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        tester = make_user(session, "tester", "analyst")
        rs = compute_index(session, index="sipas", year=YEAR, dataset=DATASET, actor=tester)
        rows = result_rows(session, rs.id or 0)
        tables = stored_tables(session, rs.id or 0)
    assert rs.version == 1 and rs.status == "draft" and rs.computed_by == "tester"
    assert rs.framework_version == "2022.1" and len(rs.inputs_hash) == 64
    params = json.loads(rs.parameters)
    assert (
        params["uses_working_assumptions"] is True and "settings.positive_categories" in params["working_assumptions"]
    )
    overall = _unit_values(rows, m.SIPAS)
    assert overall == pytest.approx({"01": 75.0, "02": 50.0, "04": 87.5})  # the invalid form is ignored
    assert _unit_values(rows, m.SIPAS_POLICY) == pytest.approx({"01": 100.0, "02": 100.0, "04": 100.0})
    assert all(pd.isna(v) for v in _unit_values(rows, m.SIPAS_SERVICES).values())  # no valid answers
    unit_main = rows[(rows["scope"] == "unit") & (rows["metric"] == m.SIPAS)].set_index("scope_code")
    assert unit_main["rank"].astype(int).to_dict() == {"province_63:04": 1, "province_63:01": 2, "province_63:02": 3}
    assert unit_main["n"].astype(int).tolist() == [16, 16, 16]
    national = rows[rows["scope"] == "national"].set_index("metric")
    assert national.at[m.SIPAS, "value"] == pytest.approx((75 + 50 + 87.5) / 3)
    assert national.at[m.national_method(m.SIPAS, "pooled"), "value"] == pytest.approx(100 * 34 / 48)
    regions = rows[(rows["scope"] == "region") & (rows["metric"] == m.SIPAS)].set_index("scope_code")
    assert regions.at["DBSH", "value"] == 75.0 and regions.at["TDMNPB", "value"] == pytest.approx(68.75)
    # the read model's tables: components from the framework
    assert [m.code for m in tables.components] == [m.SIPAS_POLICY, m.SIPAS_SERVICES]
    assert tables.units[m.SIPAS_POLICY].tolist() == [100.0] * 3


def test_par_numbers_by_hand(store: tuple[str, TinyStore]) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        prov = compute_index(session, index="par", year=YEAR, scope="province", dataset=DATASET, actor=SYSTEM)
        mini = compute_index(session, index="par", year=YEAR, scope="ministry", dataset=DATASET, actor=SYSTEM)
        prov_rows, mini_rows = result_rows(session, prov.id or 0), result_rows(session, mini.id or 0)
    # appraisal share × 68 (province 04: self scores, +0.1 on each of its 8 leaves) + A2 survey 3.5 × 0.75
    # + SIPAS 10 × SIPAS% / 100
    expected = {"01": 0.9 * 68 + 2.625 + 7.5, "02": 0.8 * 68 + 2.625 + 5.0, "04": 0.7 * 68 + 0.8 + 2.625 + 8.75}
    assert _unit_values(prov_rows, m.PAR) == pytest.approx(expected)
    assert _unit_values(prov_rows, m.par_criterion("A8.SIPAS")) == pytest.approx({"01": 7.5, "02": 5.0, "04": 8.75})
    main = prov_rows[(prov_rows["scope"] == "unit") & (prov_rows["metric"] == m.PAR)].set_index("scope_code")
    assert main["grp"].fillna("-").tolist() == ["C", "-", "-"] and main["rank"].astype(int).tolist() == [1, 2, 3]
    assert main["max_value"].tolist() == [100.0] * 3
    published = _unit_values(prov_rows, m.PAR_PUBLISHED_APPRAISAL)
    assert published["01"] == pytest.approx(0.9 * 61.5)
    # the precision and tie rule used are recorded; stored values are at the compute precision
    params = json.loads(prov.parameters)
    assert params["precision"]["compute_decimals"] >= params["precision"]["publish_decimals"]
    assert params["tie_rule"] in ("competition", "dense")
    values = prov_rows["value"].dropna().to_numpy()
    scale = 10.0 ** params["precision"]["compute_decimals"]
    assert np.allclose(values * scale, np.round(values * scale), rtol=0, atol=1e-6)
    # ministries: GI assessed but not ranked; national average over the ranked ones
    expected_min = {"MOJ": 0.9 * 68.5 + 2.0, "SBV": 0.85 * 68.5 + 2.0, "GI": 0.6 * 68.5 + 0.7 + 2.0}
    assert _unit_values(mini_rows, m.PAR) == pytest.approx(expected_min)
    ranks = mini_rows[(mini_rows["scope"] == "unit") & (mini_rows["metric"] == m.PAR)].set_index("scope_code")["rank"]
    assert ranks["ministry:MOJ"] == 1 and ranks["ministry:SBV"] == 2 and pd.isna(ranks["ministry:GI"])
    national = mini_rows[(mini_rows["scope"] == "national") & (mini_rows["metric"] == m.PAR)]
    assert national["value"].item() == pytest.approx((expected_min["MOJ"] + expected_min["SBV"]) / 2)
    assert national["n"].item() == 2
    assert mini_rows[mini_rows["scope"] == "region"].empty  # ministries have no region


def test_recompute_gives_same_numbers_and_hash_and_never_updates(store: tuple[str, TinyStore]) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        first = compute_index(session, index="par", year=YEAR, dataset=DATASET, bootstrap=40, seed=9, actor=SYSTEM)
        rows_first = result_rows(session, first.id or 0)
    with session_scope(get_engine(url)) as session:
        second = compute_index(session, index="par", year=YEAR, dataset=DATASET, bootstrap=40, seed=9, actor=SYSTEM)
        rows_second = result_rows(session, second.id or 0)
        rows_first_again = result_rows(session, first.id or 0)
    assert (first.version, second.version) == (1, 2)
    assert first.inputs_hash == second.inputs_hash
    key = ["scope", "scope_code", "metric"]
    a = rows_first.sort_values(key).reset_index(drop=True)
    b = rows_second.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)  # identical numbers, intervals and ranks
    pd.testing.assert_frame_equal(
        rows_first.sort_values(key).reset_index(drop=True), rows_first_again.sort_values(key).reset_index(drop=True)
    )
    main = a[(a["scope"] == "unit") & (a["metric"] == m.PAR)]
    assert main["ci_low"].notna().all() and (main["ci_low"] <= main["ci_high"]).all()
    assert main["rank_low"].notna().all()
    flags = a[a["metric"] == m.overlap_flag(m.PAR, m.OVERLAP_NEXT)]
    assert len(flags) == 3 and flags["value"].isna().sum() == 1  # the last-ranked has no next neighbour
    with session_scope(get_engine(url)) as session:
        other_seed = compute_index(
            session, index="par", year=YEAR, dataset=DATASET, bootstrap=40, seed=10, actor=SYSTEM
        )
        no_boot = compute_index(session, index="par", year=YEAR, dataset=DATASET, actor=SYSTEM)
    assert other_seed.inputs_hash != first.inputs_hash and no_boot.inputs_hash != first.inputs_hash


def test_changed_answer_changes_the_hash(store: tuple[str, TinyStore]) -> None:
    url, tiny = store
    with session_scope(get_engine(url)) as session:
        before = compute_index(session, index="sipas", year=YEAR, dataset=DATASET, actor=SYSTEM)
        form_id, item_id = tiny.answer_ids[0]
        session.connection().execute(
            update(Answer.__table__)  # type: ignore[arg-type]
            .where(Answer.__table__.c.form_id == form_id, Answer.__table__.c.item_id == item_id)  # type: ignore[attr-defined]
            .values(value=1)
        )
        after = compute_index(session, index="sipas", year=YEAR, dataset=DATASET, actor=SYSTEM)
    assert before.inputs_hash != after.inputs_hash
    with session_scope(get_engine(url)) as session:
        v1 = _unit_values(result_rows(session, before.id or 0), m.SIPAS)
        v2 = _unit_values(result_rows(session, after.id or 0), m.SIPAS)
    assert v1["01"] == 75.0 and v2["01"] == pytest.approx(100 * 11 / 16)  # version 1 untouched


def test_compute_all_and_ensure_computed(store: tuple[str, TinyStore]) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        sets = compute_all(session, YEAR, DATASET, actor=SYSTEM)
        assert [(s.index_code, s.unit_scope) for s in sets] == [
            ("SIPAS", "province"),
            ("PAR_INDEX", "province"),
            ("PAR_INDEX", "ministry"),
        ]
        again = ensure_computed(session, year=YEAR, dataset=DATASET, actor=SYSTEM)
        assert [s.id for s in again] == [s.id for s in sets]  # same inputs: nothing recomputed
        audit = session.exec(select(AuditLog).where(AuditLog.action == "compute")).all()
        assert len(audit) == 3 and {a.entity_id for a in audit} == {str(s.id) for s in sets}
        assert len(session.exec(select(ResultSet)).all()) == 3


def test_permission_and_errors(store: tuple[str, TinyStore]) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        with pytest.raises(PermissionDenied):
            compute_index(
                session, index="sipas", year=YEAR, dataset=DATASET, actor=make_user(session, "viewer", "council")
            )
        with pytest.raises(PermissionDenied):  # an actor the store does not know (a free-text name) computes nothing
            compute_index(
                session, index="sipas", year=YEAR, dataset=DATASET, actor=Actor("ana", frozenset({"analyst"}))
            )
        rs = compute_index(
            session, index="sipas", year=YEAR, dataset=DATASET, actor=make_user(session, "ana", "analyst")
        )
        assert rs.computed_by == "ana"
        with pytest.raises(ValidationError) as info:
            compute_index(session, index="sipas", year=YEAR, scope="ministry", dataset=DATASET, actor=SYSTEM)
        assert "ministry" in info.value.message("en")
        session.add(EvaluationYear(year=2024, reference_date=dt.date(2024, 12, 31), province_kind="province_63"))
        session.flush()
        with pytest.raises(NoInputsError) as empty:
            compute_index(session, index="sipas", year=2024, dataset=DATASET, actor=SYSTEM)
        assert "no valid SIPAS forms for 2024" in empty.value.message("en") and "2024" in empty.value.message("vi")
        with pytest.raises(NoInputsError):
            compute_index(session, index="par", year=2024, scope="ministry", dataset=DATASET, actor=SYSTEM)
        with pytest.raises(NoInputsError, match="Nothing to compute"):
            compute_all(session, 2024, DATASET, actor=SYSTEM)


def test_summary_of_two_stored_years(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'two_years.db'}"
    migrate(url)
    with session_scope(get_engine(url)) as session:
        tiny = build_tiny_store(session, years=(2022, 2023))
        add_lineage(session, tiny, "02", "04", "renamed")  # only to exercise matching; 04 exists both years
        sets = {y: compute_index(session, index="par", year=y, dataset=DATASET, actor=SYSTEM) for y in (2022, 2023)}
        current, previous = (stored_tables(session, sets[y].id or 0) for y in (2023, 2022))
        summary = overview_view(current, previous, Lineage.from_frame(lineage_frame(session))).summary
    assert summary.n_units == 3
    assert summary.national_change == pytest.approx(0.0)  # the same data both years
    assert summary.unchanged == 3 and summary.not_comparable == 0
    assert summary.top["name_vi"].tolist()[0] == "Hà Nội"
    assert set(summary.components["metric"]) == {f"PAR_INDEX.area.A{i}" for i in range(1, 9)}
    get_engine(url).dispose()


def test_cli_compute(
    store: tuple[str, TinyStore], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = store
    with session_scope(get_engine(url)) as session:
        make_user(session, "ops", "analyst")
    monkeypatch.setenv("PAR_PASSWORD", PASSWORD)
    code = cli_main(
        [
            "--database-url",
            url,
            "compute",
            "--index",
            "sipas",
            "--year",
            str(YEAR),
            "--dataset",
            DATASET,
            "--as",
            "ops",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "SIPAS province 2023 version 1" in out and "by ops" in out
    code = cli_main(
        ["--database-url", url, "compute", "--index", "par", "--year", str(YEAR), "--dataset", "nope", "--as", "ops"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Lỗi:" in err and "No dataset named 'nope'" in err
    with get_engine(url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM result_set")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM result_row")).scalar() == len(
            conn.execute(text("SELECT id FROM result_row")).all()
        )
    assert ResultRow.__tablename__ == "result_row"
