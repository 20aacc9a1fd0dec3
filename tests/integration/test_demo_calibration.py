"""The demo, computed by the real scoring engine, lands on the published record (backend/demo/calibration.py).

At the scale `make run` uses (Makefile: DEMO_SCALE ?= small, DEMO_SEED ?= 20251, DEMO_YEARS ?= 2022-2025) and with
a second seed; full scale once (slow). For every year, index and scope: the national mean within
MEAN_TOLERANCE (1.0 point) of the target, the spread within SD_TOLERANCE (35 %) of the target SD, and no unit
more than RANGE_TOLERANCE (0.75 point) outside the target range.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.auth.permissions import Actor
from backend.cli import main
from backend.db import get_engine, session_scope
from backend.demo import GENERATOR_VERSION, generate_demo, source_text
from backend.demo.calibration import MEAN_TOLERANCE, RANGE_TOLERANCE, SD_TOLERANCE
from backend.frameworks import load_all, sync_frameworks
from backend.models import Dataset
from backend.services.calibration import demo_vs_targets, format_table
from backend.services.compute import compute_all
from backend.settings import REPO_ROOT, get_settings

pytestmark = pytest.mark.xdist_group("demo")

MAKE_RUN = {"scale": "small", "seed": 20251, "years": "2022-2025"}  # the Makefile's defaults


def _makefile_default(name: str) -> str:
    for line in (REPO_ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name} ?="):
            return line.split("?=", 1)[1].strip()
    raise AssertionError(f"{name} not in the Makefile")


def _build(reference_store: Path, folder: Path, *, scale: str, seed: int, years: str) -> Path:
    """A store with reference data, the real frameworks, the demo and every index of every year computed."""
    path = folder / "calibration.db"
    shutil.copy(reference_store, path)
    engine = get_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    with session_scope(engine) as session:
        report = generate_demo(session, years=years, scale=scale, seed=seed)
    for year in report.years:
        with session_scope(engine) as session:
            compute_all(session, year, "demo", actor=Actor.system())
    engine.dispose()
    return path


def _table(path: Path) -> pd.DataFrame:
    engine: Engine = get_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        return demo_vs_targets(session)


def _assert_calibrated(table: pd.DataFrame, years: list[int]) -> None:
    print("\n" + format_table(table))
    expected = {(y, "SIPAS", "province") for y in years}
    expected |= {(y, "PAR_INDEX", s) for y in years for s in ("province", "ministry")}
    assert set(zip(table["year"], table["index"], table["scope"], strict=True)) == expected
    for row in table.itertuples(index=False):
        where = (row.year, row.index, row.scope)
        assert abs(row.demo_mean - row.target_mean) <= MEAN_TOLERANCE, where
        assert abs(row.demo_sd - row.target_sd) <= SD_TOLERANCE * row.target_sd, where
        assert row.demo_min >= row.target_min - RANGE_TOLERANCE, where
        assert row.demo_max <= row.target_max + RANGE_TOLERANCE, where
        assert row.problems == "", where


@pytest.fixture(scope="module", params=[MAKE_RUN["seed"], 7], ids=["make-run-seed", "seed-7"])
def small_store(
    request: pytest.FixtureRequest, reference_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("calibration")
    yield (
        _build(reference_store, folder, scale=MAKE_RUN["scale"], seed=request.param, years=MAKE_RUN["years"]),
        request.param,
    )


def test_make_run_uses_the_tested_scale() -> None:
    assert _makefile_default("DEMO_SCALE") == MAKE_RUN["scale"]
    assert int(_makefile_default("DEMO_SEED")) == MAKE_RUN["seed"]
    assert _makefile_default("DEMO_YEARS") == MAKE_RUN["years"]
    settings = get_settings()
    assert (settings.demo_scale, settings.demo_seed, settings.demo_years) == (
        MAKE_RUN["scale"],
        MAKE_RUN["seed"],
        MAKE_RUN["years"],
    )


def test_small_demo_matches_the_published_record(small_store: tuple[Path, int]) -> None:
    _assert_calibrated(_table(small_store[0]), [2022, 2023, 2024, 2025])


def test_no_province_below_80_on_par_index_2023(small_store: tuple[Path, int]) -> None:
    """Published 2023: the lowest province (An Giang) had 81.32; every province was above 80 %."""
    row = _table(small_store[0]).set_index(["year", "index", "scope"]).loc[(2023, "PAR_INDEX", "province")]
    assert row["target_min"] == 81.32 and row["demo_min"] > 80.0


def test_demo_dataset_names_its_generator(small_store: tuple[Path, int]) -> None:
    path, seed = small_store
    with Session(get_engine(f"sqlite:///{path}")) as session:
        dataset = session.exec(select(Dataset).where(Dataset.name == "demo")).one()
    vi, en = source_text(dataset)
    assert vi.startswith("Nguồn: dữ liệu minh họa do bộ sinh dữ liệu backend.demo tạo")
    assert f"(phiên bản {GENERATOR_VERSION}, seed {seed}, quy mô nhỏ)" in vi
    assert en == f"Source: demo data generated by backend.demo (version {GENERATOR_VERSION}, seed {seed}, scale small)"
    params = json.loads(dataset.parameters)
    assert (params["source_vi"], params["source_en"]) == (vi, en)
    assert f"seed {seed}" in dataset.description and "DEMO" in dataset.description
    # the targets the demo was made with are recorded with it, 2025 marked as borrowed from 2024
    assert params["calibration"]["SIPAS/province/2023"]["mean"] == 82.66
    assert params["calibration"]["PAR_INDEX/province/2025"]["basis_year"] == 2024


def test_check_command_prints_the_table(
    small_store: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(small_store[0], copy)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        assert main(["demo", "--check"]) == 0
        out = capsys.readouterr().out
        assert "target_mean" in out and "PAR_INDEX" in out and "2025" in out
        assert main(["demo", "--targets"]) == 0
        out = capsys.readouterr().out
        assert "published national average" in out and "Later years" in out
    finally:
        get_engine.cache_clear()
        get_settings.cache_clear()


@pytest.mark.slow
def test_full_scale_demo_matches_the_published_record(reference_store: Path, tmp_path: Path) -> None:
    """Full scale (~580 households a province, ~50,000 officials' forms) for 2023, the year with most figures,
    and 2025 (34 provinces, merged ministries, 2024 targets); bench/bench_demo_calibration.py runs all years."""
    path = _build(reference_store, tmp_path, scale="full", seed=MAKE_RUN["seed"], years="2023,2025")
    _assert_calibrated(_table(path), [2023, 2025])
