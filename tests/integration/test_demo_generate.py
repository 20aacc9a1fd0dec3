"""The demo generator against a real store (SQLite; one run on PostgreSQL): structure, determinism, persistence,
field problems, self-assessment, idempotence, refusal and replacement."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.cli import main
from backend.db import get_engine, migrate, session_scope
from backend.demo import DEMO_DATASET_NAME, GENERATOR_VERSION, DemoReport, generate_demo, source_text
from backend.demo.spec import sipas_fieldwork
from backend.demo.store import demo_checksum
from backend.errors import DomainError
from backend.models import Criterion, Dataset, Framework, ResultSet
from backend.personal import vault
from backend.reference.loader import load_reference
from backend.reference.units import ministries_for_year, provinces_for_year
from backend.settings import REPO_ROOT

pytestmark = pytest.mark.xdist_group("demo")

SEED = 4242
YEARS = "2022-2025"

# A tiny PAR framework per scope: leaves with self-assessed modes, one survey leaf, one non-leaf with a mode.
TINY = {
    "province": [
        ("A1", None, "area", "Chỉ đạo điều hành", None, None),
        ("A1.1", "A1", "sub", "Ban hành kế hoạch CCHC", 2.5, "appraisal"),
        ("A1.2", "A1", "sub", "Kiểm tra CCHC", 0.5, "appraisal"),
        ("A1.3", "A1", "sub", "Khảo sát lãnh đạo", 3.0, "survey_leaders"),
        ("A2", None, "criterion", "Tác động kinh tế - xã hội", 6.5, "appraisal"),
        ("A2.1", "A2", "sub", "Tăng trưởng GRDP", 6.5, "appraisal_socioeconomic"),
    ],
    "ministry": [
        ("M1", None, "area", "Cải cách thể chế", None, None),
        ("M1.1", "M1", "sub", "Xây dựng văn bản QPPL", 4.0, "appraisal"),
        ("M1.2", "M1", "sub", "Điều tra XHH", 3.0, "survey"),
    ],
}
SELF_ASSESSED = {"province": {"A1.1", "A1.2", "A2.1"}, "ministry": {"M1.1"}}


def add_tiny_frameworks(session: Session) -> None:
    for scope, rows in TINY.items():
        framework = Framework(
            code=f"DEMO_TEST_{scope.upper()}",
            version="1",
            index_code="PAR_INDEX",
            unit_scope=scope,
            year_from=2022,
            year_to=2030,
            content_hash="test",
        )
        session.add(framework)
        session.flush()
        ids: dict[str, int] = {}
        for order, (code, parent, level, name, max_points, mode) in enumerate(rows):
            criterion = Criterion(
                framework_id=framework.id,  # type: ignore[arg-type]
                parent_id=ids.get(parent) if parent else None,
                code=code,
                level=level,
                name_vi=name,
                name_en=name,
                max_points=max_points,
                mode=mode,
                sort_order=order,
            )
            session.add(criterion)
            session.flush()
            ids[code] = criterion.id  # type: ignore[assignment]


def _checkpoint(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="module")
def demo_store(reference_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, DemoReport]]:
    """A store with the tiny frameworks and the small demo for 2022-2025, generated once for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(reference_store, path)
    engine = get_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        add_tiny_frameworks(session)
    with session_scope(engine) as session:
        report = generate_demo(session, years=YEARS, scale="small", seed=SEED)
    _checkpoint(engine)
    yield path, report


@pytest.fixture
def demo_engine(demo_store: tuple[Path, DemoReport]) -> Engine:
    return get_engine(f"sqlite:///{demo_store[0]}")


@pytest.fixture
def demo_copy(demo_store: tuple[Path, DemoReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """URL of a private copy of the generated store, for tests that write; DATABASE_URL points at it."""
    path = tmp_path / "copy.db"
    shutil.copy(demo_store[0], path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    from backend.settings import get_settings

    get_settings.cache_clear()
    yield url
    get_engine(url).dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


def _frame(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def _forms(engine: Engine, index_code: str = "SIPAS") -> pd.DataFrame:
    return _frame(
        engine,
        """SELECT f.*, s.year, s.fieldwork_start, s.fieldwork_end, u.kind AS unit_kind, u.code AS unit_code,
                  i.code AS interviewer_code
           FROM survey_form f JOIN survey s ON s.id = f.survey_id JOIN unit u ON u.id = f.unit_id
           LEFT JOIN interviewer i ON i.id = f.interviewer_id
           WHERE s.index_code = :index""",
        index=index_code,
    )


def _counts(engine: Engine) -> dict[str, int]:
    tables = (
        "dataset",
        "survey",
        "survey_item",
        "interviewer",
        "survey_form",
        "answer",
        "fieldwork_plan",
        "assessment_score",
        "evidence",
    )
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}


def _dataset_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM dataset WHERE name = :n"), {"n": DEMO_DATASET_NAME}).scalar_one())


# --- structure ------------------------------------------------------------------------------------------------
def test_dataset_is_labelled_demo_with_ground_truth(demo_engine: Engine, demo_store: tuple[Path, DemoReport]) -> None:
    report = demo_store[1]
    with Session(demo_engine) as session:
        dataset = session.get(Dataset, report.dataset_id)
        assert dataset is not None and dataset.kind == "demo" and dataset.is_demo
        assert "DEMO" in dataset.description
        params = json.loads(dataset.parameters)
        vi, en = source_text(dataset)
    assert vi.startswith("Nguồn: dữ liệu minh họa do bộ sinh dữ liệu backend.demo") and f"seed {SEED}" in vi
    assert en == f"Source: demo data generated by backend.demo (version {GENERATOR_VERSION}, seed {SEED}, scale small)"
    assert (params["source_vi"], params["source_en"]) == (vi, en)
    assert params["years"] == [2022, 2023, 2024, 2025] and params["scale"] == "small" and params["seed"] == SEED
    truth = params["ground_truth"]["suspicious_interviewers"]
    assert len(truth) == 5 * 4  # one interviewer per pattern per year at small scale
    assert params["counts"] == {k: v for k, v in _counts(demo_engine).items() if k != "dataset"}
    surveys = _frame(demo_engine, "SELECT name_vi, name_en FROM survey")
    assert surveys["name_vi"].str.startswith("[DEMO]").all() and surveys["name_en"].str.startswith("[DEMO]").all()
    assert _frame(demo_engine, "SELECT name FROM interviewer")["name"].str.startswith("[DEMO]").all()
    assert _forms(demo_engine)["form_code"].str.startswith("DEMO-").all()


def test_sipas_sample_structure(demo_engine: Engine) -> None:
    forms = _forms(demo_engine)
    frame = forms[forms["status"] == "valid"]
    for year, group in frame.groupby("year"):
        per_province = group.groupby("unit_code")
        if year < 2025:
            assert (group["unit_kind"] == "province_63").all() and per_province.ngroups == 63
            assert (per_province["district_code"].nunique() == 3).all()
            assert (per_province["commune_code"].nunique() == 6).all()
            assert (per_province["village_code"].nunique() == 18).all()
            assert (group.groupby("district_code")["commune_code"].nunique() == 2).all()
        else:
            assert (group["unit_kind"] == "province_34").all() and per_province.ngroups == 34
            assert group["district_code"].isna().all()
            assert (per_province["commune_code"].nunique() == 6).all()
            assert (per_province["village_code"].nunique() == 18).all()
        assert (group.groupby("commune_code")["village_code"].nunique() == 3).all()
        sizes = per_province.size()
        assert sizes.between(18 * 4 - 10, 18 * 6).all()  # small scale: 4-6 respondents a village
    with Session(demo_engine) as session:
        assert {u.code for u in provinces_for_year(session, 2025)} == set(forms.loc[forms["year"] == 2025, "unit_code"])


def test_items_follow_the_questionnaires(demo_engine: Engine) -> None:
    items = _frame(
        demo_engine, "SELECT s.index_code, s.year, i.code FROM survey_item i JOIN survey s ON s.id = i.survey_id"
    )
    sipas = items[items["index_code"] == "SIPAS"]
    assert len(sipas[sipas["year"] == 2022]) == 8 * 4 + 17 + 1  # P9 from 2023
    assert len(sipas[sipas["year"] == 2023]) == 9 * 4 + 17 + 1
    assert not sipas.loc[sipas["year"] == 2022, "code"].str.startswith("POL.P9").any()
    par = items[items["index_code"] == "PAR_SURVEY"]
    assert (par.groupby("year").size() == 42).all()
    # province groups answer PRV.* items about a province, ministry groups MIN.* items about a ministry
    answered = _frame(
        demo_engine,
        """SELECT DISTINCT f.respondent_group, substr(i.code, 1, 3) AS prefix, u.kind
           FROM answer a JOIN survey_form f ON f.id = a.form_id JOIN survey_item i ON i.id = a.item_id
           JOIN survey s ON s.id = f.survey_id JOIN unit u ON u.id = f.unit_id WHERE s.index_code = 'PAR_SURVEY'""",
    )
    ministry_groups = {"ministry_official", "local_dept_leader", "association"}
    for row in answered.itertuples():
        assert row.prefix == ("MIN" if row.respondent_group in ministry_groups else "PRV")
        assert (row.kind == "ministry") == (row.respondent_group in ministry_groups)


def test_par_survey_covers_units_of_each_year(demo_engine: Engine) -> None:
    forms = _forms(demo_engine, "PAR_SURVEY")
    with Session(demo_engine) as session:
        for year in (2025,):
            expected = {u.code for u in ministries_for_year(session, year)}
            got = set(forms.loc[(forms["year"] == year) & (forms["unit_kind"] == "ministry"), "unit_code"])
            assert got == expected
    assert forms["interviewer_id"].isna().all() and forms["phone_hash"].isna().all()
    assert forms["phone_encrypted"].isna().all()
    assert forms.groupby("year").size().between(2_200, 2_800).all()  # small scale: 2,500 a year


# --- statistics -----------------------------------------------------------------------------------------------
def _province_means(engine: Engine) -> pd.DataFrame:
    return _frame(
        engine,
        """SELECT s.year, u.kind, u.code, u.id AS unit_id,
                  avg(CASE WHEN a.value >= 4 THEN 1.0 ELSE 0.0 END) AS share, count(DISTINCT f.id) AS forms
           FROM answer a JOIN survey_form f ON f.id = a.form_id JOIN survey s ON s.id = f.survey_id
           JOIN unit u ON u.id = f.unit_id
           WHERE s.index_code = 'SIPAS' AND f.status = 'valid' AND a.value IS NOT NULL
           GROUP BY s.year, u.kind, u.code, u.id""",
    )


def test_province_differences_persist_across_years_and_the_merger(demo_engine: Engine) -> None:
    means = _province_means(demo_engine)
    wide = means[means["year"] < 2025].pivot(index="code", columns="year", values="share")
    for a, b in ((2022, 2023), (2023, 2024), (2022, 2024)):
        assert wide[a].rank().corr(wide[b].rank()) > 0.4, (a, b)
    national = means.groupby("year")["share"].mean()
    assert national.between(0.76, 0.9).all()
    # 2025: each new province against the form-weighted 2024 mean of its predecessors
    lineage = _frame(
        demo_engine,
        """SELECT o.code AS old_code, n.code AS new_code FROM unit_lineage l
           JOIN unit o ON o.id = l.old_unit_id JOIN unit n ON n.id = l.new_unit_id
           WHERE n.kind = 'province_34' AND l.relation != 'split_part'""",
    )
    m24 = means[means["year"] == 2024].set_index("code")
    m25 = means[means["year"] == 2025].set_index("code")
    lineage = lineage.join(m24[["share", "forms"]], on="old_code")
    mix = lineage.groupby("new_code").apply(lambda g: np.average(g["share"], weights=g["forms"]), include_groups=False)
    assert len(mix) == 34
    assert mix.rank().corr(m25.loc[mix.index, "share"].rank()) > 0.4


def test_answers_have_some_no_answer_and_respondent_correlation(demo_engine: Engine) -> None:
    answers = _frame(
        demo_engine,
        """SELECT a.form_id, a.value FROM answer a JOIN survey_form f ON f.id = a.form_id
           JOIN survey s ON s.id = f.survey_id WHERE s.index_code = 'SIPAS' AND s.year = 2023 AND f.status = 'valid'""",
    )
    assert 0.015 < answers["value"].isna().mean() < 0.05
    assert set(answers["value"].dropna().astype(int)) <= {1, 2, 3, 4, 5}
    # respondent leniency: the spread of form means is far larger than independent answers would give
    by_form = answers.dropna().groupby("form_id")["value"]
    independent_sd = answers["value"].std() / np.sqrt(by_form.size().mean())
    assert by_form.mean().std() > 2 * independent_sd


def test_invalid_share_and_reasons(demo_engine: Engine) -> None:
    forms = _forms(demo_engine)
    share = (forms["status"] == "invalid").groupby(forms["year"]).mean()
    assert share.between(0.004, 0.025).all()
    invalid = forms[forms["status"] == "invalid"]
    assert invalid["invalid_reason"].notna().all()
    assert set(invalid["invalid_reason"]) <= {"incomplete", "duplicate_respondent", "out_of_frame", "failed_backcheck"}
    assert forms.loc[forms["status"] == "valid", "invalid_reason"].isna().all()


def test_suspicious_interviewers_match_the_data(demo_engine: Engine, demo_store: tuple[Path, DemoReport]) -> None:
    truth = pd.DataFrame(demo_store[1].suspicious_interviewers)
    forms = _forms(demo_engine)
    spread = _frame(
        demo_engine,
        """SELECT i.code AS interviewer_code, f.id,
                  max(a.value) - min(a.value) AS spread, count(a.value) AS answered, count(*) AS items
           FROM answer a JOIN survey_form f ON f.id = a.form_id JOIN interviewer i ON i.id = f.interviewer_id
           GROUP BY i.code, f.id""",
    )
    # straight-liners: zero within-form variance on every form, every item answered; nobody else
    per_interviewer = spread.assign(flat=(spread["spread"] == 0) & (spread["answered"] == spread["items"]))
    all_flat = per_interviewer.groupby("interviewer_code")["flat"].all()
    assert set(all_flat[all_flat].index) == set(truth.loc[truth["pattern"] == "straight_lining", "interviewer_code"])
    # forms outside the fieldwork window: exactly the outside_fieldwork interviewers' forms
    outside = forms[
        (forms["collected_on"] < forms["fieldwork_start"]) | (forms["collected_on"] > forms["fieldwork_end"])
    ]
    assert set(outside["interviewer_code"]) == set(
        truth.loc[truth["pattern"] == "outside_fieldwork", "interviewer_code"]
    )
    # many per day: the busiest interviewer-day of each year belongs to the many_per_day interviewer
    per_day = forms.groupby(["year", "interviewer_code", "collected_on"]).size().rename("n").reset_index()
    busiest = per_day.loc[per_day.groupby("year")["n"].idxmax()]
    assert set(busiest["interviewer_code"]) == set(truth.loc[truth["pattern"] == "many_per_day", "interviewer_code"])
    # same phone prefix (phones are stored hashed and encrypted: the back-check role's key reads them)
    keys = vault()
    forms["respondent_phone"] = forms["phone_encrypted"].map(keys.decrypt)
    assert (forms["phone_hash"] == forms["respondent_phone"].map(keys.hash)).all()
    for code in truth.loc[truth["pattern"] == "same_phone_prefix", "interviewer_code"]:
        assert forms.loc[forms["interviewer_code"] == code, "respondent_phone"].str[:7].nunique() == 1
    assert forms["respondent_phone"].str.fullmatch(r"0000\d{6}").all()


def test_every_assessed_unit_has_scores_for_every_self_assessed_leaf(demo_engine: Engine) -> None:
    scores = _frame(
        demo_engine,
        """SELECT sc.id, sc.year, u.kind, u.code AS unit_code, c.code AS criterion, c.max_points,
                  sc.self_score, sc.appraisal_score, sc.self_comment, sc.appraisal_comment,
                  (SELECT count(*) FROM evidence e WHERE e.score_id = sc.id) AS evidence
           FROM assessment_score sc JOIN unit u ON u.id = sc.unit_id JOIN criterion c ON c.id = sc.criterion_id""",
    )
    with Session(demo_engine) as session:
        for year in (2022, 2023, 2024, 2025):
            for scope, units in (
                ("province", provinces_for_year(session, year)),
                ("ministry", ministries_for_year(session, year)),
            ):
                expected = {(u.code, leaf) for u in units for leaf in SELF_ASSESSED[scope]}
                kinds = {"province_63", "province_34"} if scope == "province" else {"ministry"}
                got = scores[(scores["year"] == year) & scores["kind"].isin(kinds)]
                assert set(zip(got["unit_code"], got["criterion"], strict=True)) == expected
                assert len(got) == len(expected)
    assert (scores["self_score"] >= 0).all() and (scores["self_score"] <= scores["max_points"]).all()
    assert (scores["appraisal_score"] <= scores["self_score"]).all()
    adjusted = scores[scores["appraisal_score"] < scores["self_score"]]
    assert len(adjusted) > 0 and (adjusted["appraisal_comment"].str.len() > 0).all()
    assert (scores["appraisal_score"] == scores["self_score"]).mean() > 0.6  # mostly accepted
    no_evidence = scores[scores["evidence"] == 0]
    assert len(no_evidence) > 0 and (no_evidence["self_comment"].str.len() > 0).all()
    refs = _frame(demo_engine, "SELECT ref_code, location, title FROM evidence")
    assert refs["ref_code"].str.fullmatch(r"\d+/(QĐ|KH|BC|TB|CT)-[A-ZĐ]+").all()
    assert refs["location"].str.startswith("demo://").all() and refs["title"].str.startswith("[DEMO]").all()


# --- determinism, idempotence, refusal, replacement -----------------------------------------------------------
def test_same_seed_same_data_for_a_year_regardless_of_other_years(store_url: str, demo_engine: Engine) -> None:
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        add_tiny_frameworks(session)
    with session_scope(engine) as session:
        generate_demo(session, years="2025", scale="small", seed=SEED)
    with engine.connect() as conn:
        alone = demo_checksum(conn, _dataset_id(engine))
    with demo_engine.connect() as conn:
        within = demo_checksum(conn, _dataset_id(demo_engine), years=[2025])
        other_year = demo_checksum(conn, _dataset_id(demo_engine), years=[2024])
    assert alone == within
    assert alone != other_year


def test_different_seed_gives_different_data(store_url: str, demo_engine: Engine) -> None:
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        add_tiny_frameworks(session)
        generate_demo(session, years="2025", scale="small", seed=SEED + 1)
    with engine.connect() as conn, demo_engine.connect() as conn2:
        assert demo_checksum(conn, _dataset_id(engine)) != demo_checksum(conn2, _dataset_id(demo_engine), years=[2025])


def test_second_run_with_same_parameters_adds_nothing(demo_copy: str) -> None:
    engine = get_engine(demo_copy)
    before = _counts(engine)
    messages: list[str] = []
    with session_scope(engine) as session:
        report = generate_demo(session, years=YEARS, scale="small", seed=SEED, progress=messages.append)
    assert report.already_present
    assert any("already present" in m for m in messages)
    assert _counts(engine) == before


def test_other_parameters_are_refused_without_replace(demo_copy: str) -> None:
    engine = get_engine(demo_copy)
    before = _counts(engine)
    with pytest.raises(DomainError) as err, session_scope(engine) as session:
        generate_demo(session, years=YEARS, scale="small", seed=SEED + 1)
    assert "--replace" in err.value.hint_vi and "--replace" in err.value.hint_en
    assert "mô phỏng" in err.value.vi and "Demo data" in err.value.en
    assert _counts(engine) == before


def test_replace_deletes_old_rows_and_refuses_when_result_sets_exist(demo_copy: str) -> None:
    engine = get_engine(demo_copy)
    dataset_id = _dataset_id(engine)
    with session_scope(engine) as session:
        framework = session.exec(text("SELECT id FROM framework LIMIT 1")).scalar_one()  # type: ignore[call-overload]
        session.add(
            ResultSet(
                dataset_id=dataset_id,
                index_code="SIPAS",
                year=2024,
                unit_scope="province",
                version=1,
                framework_id=framework,
                framework_version="1",
                inputs_hash="x",
                computed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                computed_by="test",
            )
        )
    with pytest.raises(DomainError) as err, session_scope(engine) as session:
        generate_demo(session, years="2025", scale="small", seed=1, replace=True)
    assert "--delete-results" in err.value.hint_en
    with session_scope(engine) as session:
        report = generate_demo(session, years="2025", scale="small", seed=1, replace=True, delete_results=True)
    assert report.replaced and report.dataset_id == dataset_id and report.deleted["result_set"] == 1
    counts = _counts(engine)
    assert counts["dataset"] == 1 and counts["survey"] == 2
    assert counts["survey_form"] == report.rows["survey_form"] and counts["answer"] == report.rows["answer"]
    assert (
        counts["assessment_score"] == report.rows["assessment_score"] and counts["evidence"] == report.rows["evidence"]
    )
    years = _frame(engine, "SELECT DISTINCT year FROM survey")["year"].tolist()
    assert years == [2025]
    params = json.loads(_frame(engine, "SELECT parameters FROM dataset")["parameters"][0])
    assert params["seed"] == 1 and params["years"] == [2025]


def test_replace_with_same_parameters_regenerates_identical_data(store_url: str) -> None:
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        add_tiny_frameworks(session)
        generate_demo(session, years="2025", scale="small", seed=SEED)
    with engine.connect() as conn:
        before = demo_checksum(conn, _dataset_id(engine))
    counts = _counts(engine)
    with session_scope(engine) as session:
        report = generate_demo(session, years="2025", scale="small", seed=SEED, replace=True)
    assert report.replaced and not report.already_present and report.deleted["answer"] == counts["answer"]
    assert _counts(engine) == counts
    with engine.connect() as conn:
        assert demo_checksum(conn, _dataset_id(engine)) == before


def test_upgrade_regenerates_a_demo_made_by_another_generator_version(demo_copy: str) -> None:
    """What `make run` does after a generator change: same years, scale and seed, older version → replaced
    (with its demo result sets); without ``upgrade`` the old refusal stands."""
    engine = get_engine(demo_copy)
    dataset_id = _dataset_id(engine)
    with engine.connect() as conn:
        before = demo_checksum(conn, dataset_id)
    counts = _counts(engine)
    params = json.loads(_frame(engine, "SELECT parameters FROM dataset")["parameters"][0])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE dataset SET parameters = :p WHERE id = :i"),
            {"p": json.dumps({**params, "generator_version": GENERATOR_VERSION - 1}), "i": dataset_id},
        )
    with pytest.raises(DomainError), session_scope(engine) as session:
        generate_demo(session, years=YEARS, scale="small", seed=SEED)
    messages: list[str] = []
    with session_scope(engine) as session:
        report = generate_demo(session, years=YEARS, scale="small", seed=SEED, upgrade=True, progress=messages.append)
    assert report.replaced and report.dataset_id == dataset_id
    assert any(f"generator version {GENERATOR_VERSION - 1} → {GENERATOR_VERSION}" in m for m in messages)
    assert json.loads(_frame(engine, "SELECT parameters FROM dataset")["parameters"][0])["generator_version"] == (
        GENERATOR_VERSION
    )
    assert _counts(engine) == counts
    with engine.connect() as conn:
        assert demo_checksum(conn, dataset_id) == before
    # another seed is not an upgrade: still refused
    with pytest.raises(DomainError), session_scope(engine) as session:
        generate_demo(session, years=YEARS, scale="small", seed=SEED + 1, upgrade=True)


def test_missing_framework_is_a_warning_not_a_crash(store_url: str) -> None:
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        report = generate_demo(session, years="2025", scale="small", seed=3)
    assert report.rows["assessment_score"] == 0 and report.rows["survey_form"] > 0
    assert any("no PAR_INDEX framework" in w or "framework" in w for w in report.warnings)


def test_cli(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--years", "2025", "--scale", "small", "--seed", "5"]) == 0
    out = capsys.readouterr()
    assert "[demo] 2025 SIPAS: 34 provinces" in out.err and "generated" in out.out
    assert main(["demo", "--years", "2025", "--scale", "small", "--seed", "5"]) == 0
    assert "already present" in capsys.readouterr().out
    assert main(["demo", "--years", "2025", "--scale", "small", "--seed", "6"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "Error:" in err and "--replace" in err
    assert main(["demo", "--years", "2025", "--scale", "small", "--seed", "6", "--replace"]) == 0


# --- PostgreSQL -----------------------------------------------------------------------------------------------
@pytest.fixture
def pg_demo_url(request: pytest.FixtureRequest) -> str:
    pytest.importorskip("tests.pg")
    url: str = request.getfixturevalue("pg_url")
    migrate(url)
    with session_scope(get_engine(url)) as session:
        load_reference(session, REPO_ROOT / "data" / "reference")
        add_tiny_frameworks(session)
    return url


@pytest.mark.pg
def test_small_demo_on_postgresql(pg_demo_url: str, demo_engine: Engine) -> None:
    """Small scale for 2025 (34 provinces, lineage-weighted quality) through the same Core/DBAPI code path."""
    engine = get_engine(pg_demo_url)
    with session_scope(engine) as session:
        report = generate_demo(session, years="2025", scale="small", seed=SEED)
    assert report.rows["answer"] > 200_000 and report.rows["assessment_score"] > 0
    counts = _counts(engine)
    assert counts["answer"] == report.rows["answer"] and counts["evidence"] == report.rows["evidence"]
    with engine.connect() as conn:
        missing_as_text = conn.execute(
            text(
                "SELECT count(*) FROM survey_form WHERE invalid_reason IN ('NaN', 'None', 'nan') "
                "OR district_code IN ('NaN', 'None') OR phone_hash IN ('NaN', 'None') "
                "OR facts IN ('NaN', 'None')"
            )
        ).scalar_one()
        assert missing_as_text == 0
        assert (
            conn.execute(
                text("SELECT count(*) FROM survey_form WHERE status = 'valid' AND invalid_reason IS NOT NULL")
            ).scalar_one()
            == 0
        )
    # the same rows as on SQLite, by natural keys
    for year in (2025,):
        with engine.connect() as conn, demo_engine.connect() as conn2:
            assert demo_checksum(conn, _dataset_id(engine), years=[year]) == demo_checksum(
                conn2, _dataset_id(demo_engine), years=[year]
            )
    with session_scope(engine) as session:
        assert generate_demo(session, years="2025", scale="small", seed=SEED).already_present
    assert _counts(engine) == counts
    start, _ = sipas_fieldwork(2025)
    assert _frame(engine, "SELECT min(collected_on) AS d FROM survey_form")["d"][0] >= start
