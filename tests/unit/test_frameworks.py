"""Framework files: the shipped files load with the confirmed values exact; validation errors are clear."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from backend.errors import NotFoundError, ValidationError
from backend.frameworks import (
    FrameworkSpec,
    framework_for,
    load_all,
    load_framework_file,
    parse_framework_text,
    spec_for,
    sync_frameworks,
)
from backend.models import Criterion, Framework
from backend.settings import REPO_ROOT

FRAMEWORKS = REPO_ROOT / "data" / "frameworks"


@pytest.fixture(scope="module")
def specs() -> dict[str, FrameworkSpec]:
    return {s.code: s for s in load_all(FRAMEWORKS)}


def _raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((FRAMEWORKS / name).read_text(encoding="utf-8"))


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse_framework_text(yaml.safe_dump(raw, allow_unicode=True), "test.yaml")
    return info.value.problems


def _area(raw: dict[str, Any], code: str) -> dict[str, Any]:
    return next(a for a in raw["criteria"] if a["code"] == code)


# -- the shipped files -----------------------------------------------------------------------------


def test_all_shipped_files_load(specs: dict[str, FrameworkSpec]) -> None:
    assert set(specs) == {
        "PAR_PROVINCE_876",
        "PAR_MINISTRY_876",
        "SIPAS_1001",
        "PAR_PROVINCE_2025",
        "PAR_MINISTRY_2025",
    }
    assert specs["PAR_PROVINCE_2025"].is_provisional and specs["PAR_MINISTRY_2025"].is_provisional
    assert not specs["PAR_PROVINCE_876"].is_provisional


def test_province_876_confirmed_values_exact(specs: dict[str, FrameworkSpec]) -> None:
    spec = specs["PAR_PROVINCE_876"]
    official = {a.code: a.official_max for a in spec.areas()}
    # confirmed [C] maxima exact; areas 6 and 7 unknown (null), never invented
    assert official == {"A1": 9.5, "A2": 10, "A3": 13, "A4": 10.5, "A5": 15, "A6": None, "A7": None, "A8": 16.5}
    used = {a.code: a.max_points for a in spec.areas()}
    assert used["A6"] is not None and used["A7"] is not None
    assert math.isclose(used["A6"] + used["A7"], 25.5)
    assert spec.criterion("A8.SIPAS").official_max == 10 and spec.criterion("A8.SE").official_max == 6.5
    assert spec.criterion("A6").provisional and not spec.criterion("A1").provisional
    groupings = {g.code: {p.code: p.max_points for p in g.parts} for g in spec.groupings}
    assert groupings == {"published": {"appraisal": 61.5, "impact": 38.5}, "de_an": {"appraisal": 68, "survey": 32}}
    by_mode: dict[str, float] = {}
    for leaf in spec.leaves():
        assert leaf.mode is not None and leaf.max_points is not None
        by_mode[leaf.mode] = by_mode.get(leaf.mode, 0.0) + leaf.max_points
    assert by_mode == pytest.approx(
        {"appraisal": 61.5, "survey_leaders": 22, "survey_citizens_sipas": 10, "appraisal_socioeconomic": 6.5}
    )
    assert [(g.code, g.min) for g in spec.grades] == [("A", 90), ("B", 80), ("C", 70)]


def test_ministry_876_structure(specs: dict[str, FrameworkSpec]) -> None:
    spec = specs["PAR_MINISTRY_876"]
    assert len(spec.areas()) == 7
    assert all(a.official_max is None and a.provisional for a in spec.areas())  # no area maximum found [U]
    parts = {p.code: p.max_points for p in spec.groupings[0].parts}
    assert parts == {"appraisal": 68.5, "impact": 31.5}
    assert spec.unranked_units == ("GI", "CEMA")
    assert specs["PAR_MINISTRY_2025"].unranked_units == ("GI", "MERA")
    assert {leaf.mode for leaf in spec.leaves()} == {"appraisal", "survey"}


def test_ministry_working_maxima_reproduce_published_component_indexes(specs: dict[str, FrameworkSpec]) -> None:
    """The working area maxima were chosen so that MOF's published component % give its totals (±0.01)."""
    maxima = [a.max_points for a in specs["PAR_MINISTRY_876"].areas()]
    mof = {
        2022: ([98.27, 83.47, 92.70, 90.19, 81.57, 96.28, 90.38], 89.76),
        2023: ([93.73, 76.58, 84.08, 95.15, 93.01, 95.20, 88.62], 89.18),
    }
    for pct, total in mof.values():
        assert abs(sum(m * p / 100 for m, p in zip(maxima, pct, strict=True)) - total) <= 0.01  # type: ignore[operator]


def test_sipas_structure_by_year(specs: dict[str, FrameworkSpec]) -> None:
    spec = specs["SIPAS_1001"]
    assert spec.sipas is not None
    items_2022 = spec.sipas.items_for_year(2022)
    items_2023 = spec.sipas.items_for_year(2023)
    assert len(items_2023) == 9 * 4 + (3 + 4 + 4 + 3 + 3) + 1 == 54
    assert len(items_2022) == 8 * 4 + 17 + 1
    assert "POL.P9.C1" not in {i.code for i in items_2022}
    assert {"POL.P1.C2", "SRV.E2.C4", "OVERALL"} <= {i.code for i in items_2023}
    assert spec.sipas.positive_categories == (4, 5)  # working assumption, not official
    assert spec.settings["positive_categories"] == [4, 5]


def test_provisional_list_names_every_unverified_item(specs: dict[str, FrameworkSpec]) -> None:
    items = {i["path"]: i for i in specs["PAR_PROVINCE_876"].provisional_list()}
    a6 = items["criteria.A6.max_points"]
    assert a6["value"] == 12.75 and a6["from_working_assumption"] is True
    assert "25.5" in a6["basis_en"] and a6["assumption_basis_vi"]
    assert items["settings.sipas_points"]["value"] == {"metric": "SIPAS", "rule": "percent_of_max"}
    assert "criteria.A1.max_points" not in items  # confirmed
    sipas = {i["path"] for i in specs["SIPAS_1001"].provisional_list()}
    assert {"settings.positive_categories", "settings.national_method", "settings.overall_method"} <= sipas
    assert "status" in {i["path"] for i in specs["PAR_PROVINCE_2025"].provisional_list()}
    params = specs["PAR_PROVINCE_876"].parameters()
    assert params["uses_working_assumptions"] is True and "criteria.A6.max_points" in params["working_assumptions"]


def test_content_hash_is_sha256_of_file(specs: dict[str, FrameworkSpec]) -> None:
    import hashlib

    path = FRAMEWORKS / "sipas_1001.yaml"
    assert load_framework_file(path).content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


# -- validation errors -----------------------------------------------------------------------------


def test_children_must_add_up_to_parent() -> None:
    raw = _raw("par_province_876.yaml")
    raw["working_assumptions"]["criteria.A2.APP.max_points"]["value"] = 7
    problems = _problems(raw)
    assert any(p.startswith("criteria.A2.max_points:") and "children add up to 10.5" in p for p in problems)


def test_areas_must_add_up_to_total_and_constraints_hold() -> None:
    raw = _raw("par_province_876.yaml")
    raw["working_assumptions"]["criteria.A6.max_points"]["value"] = 13
    raw["working_assumptions"]["criteria.A6.APP.max_points"]["value"] = 8
    problems = _problems(raw)
    assert any(p.startswith("criteria:") and "not total_max 100" in p for p in problems)
    assert any(p.startswith("constraints[0]:") and "must equal 25.5" in p for p in problems)


def test_unknown_value_needs_provisional_basis_and_working_assumption() -> None:
    raw = _raw("par_province_876.yaml")
    del raw["working_assumptions"]["criteria.A7.max_points"]
    area = _area(raw, "A6")
    area["provisional"] = False
    del area["basis"]
    problems = _problems(raw)
    assert any(p.startswith("criteria.A7.max_points:") and "no working assumption" in p for p in problems)
    assert any(p.startswith("criteria.A6.max_points:") and "must be marked provisional" in p for p in problems)
    assert any(p.startswith("criteria.A6.basis:") for p in problems)


def test_working_assumption_cannot_override_confirmed_value() -> None:
    raw = _raw("par_province_876.yaml")
    raw["working_assumptions"]["criteria.A1.max_points"] = {
        "value": 9,
        "provisional": True,
        "basis": {"vi": "x", "en": "y"},
    }
    problems = _problems(raw)
    assert any(
        p.startswith("working_assumptions.criteria.A1.max_points:") and "may only fill an unknown" in p
        for p in problems
    )


def test_working_assumption_must_be_provisional_and_target_something() -> None:
    raw = _raw("sipas_1001.yaml")
    raw["working_assumptions"]["settings.positive_categories"]["provisional"] = False
    raw["working_assumptions"]["settings.colour"] = {"value": 1, "provisional": True, "basis": {"vi": "a", "en": "b"}}
    problems = _problems(raw)
    assert any("settings.positive_categories.provisional" in p and "always provisional" in p for p in problems)
    assert any(p.startswith("working_assumptions.settings.colour:") and "matches no entry" in p for p in problems)


def test_leaf_needs_a_mode_allowed_for_its_scope() -> None:
    raw = _raw("par_ministry_876.yaml")
    leaves = raw["criteria"][0]["children"]
    del leaves[0]["mode"]
    leaves[1]["mode"] = "survey_leaders"  # a provincial mode
    problems = _problems(raw)
    assert any(p.startswith("criteria.A1.APP.mode:") and "needs a mode" in p for p in problems)
    assert any(p.startswith("criteria.A1.SRV.mode:") and "not allowed here" in p for p in problems)


def test_survey_criterion_needs_mapping() -> None:
    raw = _raw("par_province_876.yaml")
    del raw["working_assumptions"]["settings.survey_mapping"]["value"]["A5.SRV"]
    raw["working_assumptions"]["settings.survey_mapping"]["value"]["A5.APP"] = {"survey": "PAR_SURVEY", "items": ["X"]}
    problems = _problems(raw)
    assert any(p.startswith("criteria.A5.SRV:") and "no entry in survey_mapping" in p for p in problems)
    assert any(p.startswith("settings.survey_mapping.A5.APP:") and "not scored by a survey" in p for p in problems)


def test_grade_thresholds_must_be_ordered() -> None:
    raw = _raw("par_province_876.yaml")
    grades = raw["settings"]["grades"]["value"]
    grades[1]["min"], grades[2]["min"] = 70, 80
    problems = _problems(raw)
    assert any(p.startswith("settings.grades:") and "strictly decreasing: B (70) then C (80)" in p for p in problems)


def test_grouping_parts_must_add_up_and_cover_every_mode() -> None:
    raw = _raw("par_province_876.yaml")
    parts = raw["groupings"]["published"]["parts"]
    parts["appraisal"]["max_points"] = 60
    parts["impact"]["modes"] = ["survey_citizens_sipas", "survey_leaders"]
    problems = _problems(raw)
    assert any(p.startswith("groupings.published.parts.appraisal.max_points:") for p in problems)
    assert any(p.startswith("groupings.published:") and "appraisal_socioeconomic" in p for p in problems)


def test_every_problem_is_reported_at_once_in_both_languages() -> None:
    raw = _raw("par_province_876.yaml")
    raw["years"] = {"from": 2025, "to": 2022}
    raw["index_code"] = "PAR"
    del raw["settings"]["grades"]
    with pytest.raises(ValidationError) as info:
        parse_framework_text(yaml.safe_dump(raw, allow_unicode=True), "broken.yaml")
    err = info.value
    assert len(err.problems) >= 3
    assert "broken.yaml" in err.message("vi") and "không hợp lệ" in err.message("vi")
    assert "broken.yaml" in err.message("en") and "invalid" in err.message("en")
    assert any(p.startswith("years:") for p in err.problems)
    assert any(p.startswith("settings.grades:") and "required setting is missing" in p for p in err.problems)


def test_bad_yaml_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        parse_framework_text("code: [unclosed\n", "bad.yaml")
    assert info.value.problems[0].startswith("line ")


def test_load_all_reports_overlapping_years(tmp_path: Path) -> None:
    for name in ("par_province_876.yaml", "par_province_2025.yaml"):
        (tmp_path / name).write_bytes((FRAMEWORKS / name).read_bytes())
    raw = _raw("par_province_2025.yaml")
    raw["years"] = {"from": 2024, "to": 2025}
    (tmp_path / "par_province_2025.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_all(tmp_path)
    assert any("years overlap" in p for p in info.value.problems)


# -- store -------------------------------------------------------------------------------------------


@pytest.fixture
def memory_session() -> Iterator[Session]:
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def test_sync_is_idempotent_and_changed_file_is_new_version(
    memory_session: Session, specs: dict[str, FrameworkSpec]
) -> None:
    first = sync_frameworks(memory_session, specs.values())
    assert all(r.created for r in first)
    again = sync_frameworks(memory_session, specs.values())
    assert not any(r.created for r in again)
    assert len(memory_session.exec(select(Framework)).all()) == 5
    n_criteria = len(memory_session.exec(select(Criterion)).all())
    assert n_criteria == sum(len(s.criteria) for s in specs.values())

    text = specs["PAR_PROVINCE_876"].source_text + "\n# a comment changes the file\n"
    changed = parse_framework_text(text, "par_province_876.yaml")
    (result,) = sync_frameworks(memory_session, [changed])
    assert result.created and result.version == f"2022.1+{changed.content_hash[:8]}"
    row = framework_for(memory_session, "PAR_INDEX", "province", 2023)
    assert isinstance(row, Framework) and row.id == result.framework_id
    spec = spec_for(memory_session, "PAR_INDEX", "province", 2023)
    assert spec.framework_id == result.framework_id and spec.stored_version == result.version
    assert spec.content_hash == changed.content_hash


def test_stored_leaves_have_mode_and_max(memory_session: Session, specs: dict[str, FrameworkSpec]) -> None:
    sync_frameworks(memory_session, specs.values())
    fw = framework_for(memory_session, "PAR_INDEX", "province", 2022)
    rows = memory_session.exec(select(Criterion).where(Criterion.framework_id == fw.id)).all()
    parents = {r.parent_id for r in rows}
    leaves = [r for r in rows if r.id not in parents]
    assert len(leaves) == 16
    assert all(r.mode and r.max_points is not None for r in leaves)
    by_code = {r.code: r for r in rows}
    assert by_code["A8.SIPAS"].max_points == 10 and not by_code["A8.SIPAS"].provisional
    assert by_code["A6.APP"].provisional and by_code["A6.APP"].max_points == 7.75
    assert by_code["A6.APP"].parent_id == by_code["A6"].id


def test_framework_for_not_found_and_from_specs(specs: dict[str, FrameworkSpec]) -> None:
    found: Callable[..., Any] = framework_for
    assert found(specs.values(), "PAR_INDEX", "ministry", 2025).code == "PAR_MINISTRY_2025"
    assert found(specs.values(), "SIPAS", "province", 2026).code == "SIPAS_1001"
    with pytest.raises(NotFoundError) as info:
        framework_for(list(specs.values()), "PAR_INDEX", "province", 2031)
    assert "2031" in info.value.message("vi") and "load-frameworks" in info.value.message("en")


def test_spec_is_immutable(specs: dict[str, FrameworkSpec]) -> None:
    spec = copy.copy(specs["SIPAS_1001"])
    with pytest.raises(AttributeError):
        spec.code = "X"  # type: ignore[misc]
