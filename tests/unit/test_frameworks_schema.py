"""Framework files against their pydantic models: type errors named by YAML path in both languages, and what
the files declare for the pages (precision, tie rule, method breaks, reporting, group order)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from backend.errors import ValidationError
from backend.frameworks import FrameworkSpec, MethodBreak, Precision, load_all, parse_framework_text, sync_frameworks
from backend.frameworks.problems import message
from backend.frameworks.schema import FrameworkDocument
from backend.i18n import catalogue
from backend.scoring.ranking import TIE_RULES
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


def _line(problems: list[str], path: str) -> str:
    """The one problem at ``path``; fails listing all of them otherwise."""
    found = [p for p in problems if p.startswith(f"{path}: ")]
    assert len(found) == 1, problems
    return found[0]


# -- pydantic's errors, as YAML paths with both languages ---------------------------------------------


def test_type_errors_name_the_yaml_path_in_both_languages() -> None:
    raw = _raw("par_province_876.yaml")
    raw["version"] = 2022.1  # unquoted: a number
    raw["criteria"][5]["max_points"] = "twelve"  # A6
    raw["criteria"][0]["children"][1]["max_pointz"] = 3  # A1.SRV, misspelt
    raw["settings"]["grades"]["value"][1]["min"] = "eighty"
    raw["settings"]["tie_rule"]["confidence"] = "X"
    raw["colour"] = "red"
    problems = _problems(raw)
    assert _line(problems, "version") == f"version: {' / '.join(message('type.string_type'))}"
    assert "must be text (put it in quotes)" in _line(problems, "version")
    assert "phải là số / must be a number" in _line(problems, "criteria.A6.max_points")
    assert "unknown entry (misspelt?)" in _line(problems, "criteria.A1.SRV.max_pointz")
    assert "must be a number" in _line(problems, "settings.grades[1].min")
    assert "must be one of: 'C', 'D', 'U'" in _line(problems, "settings.tie_rule.confidence")
    assert "mục không được biết đến" in _line(problems, "colour")


def test_range_and_dictionary_key_errors() -> None:
    raw = _raw("par_province_876.yaml")
    scoring = raw["working_assumptions"]["settings.survey_scoring"]["value"]
    scoring["answer_weights"] = {1: 0.0, "five": 1.0, 4: 1.5}
    raw["criteria"][1]["children"][0]["max_points"] = -1  # A2.APP is null in the file: an official value < 0
    problems = _problems(raw)
    assert "key: must be an integer" in _line(problems, "settings.survey_scoring.answer_weights.five")
    assert "phải ≤ 1 / must be ≤ 1" in _line(problems, "settings.survey_scoring.answer_weights.4")
    assert "must be ≥ 0" in _line(problems, "criteria.A2.APP.max_points")


def test_rules_inside_one_object_are_bilingual() -> None:
    raw = _raw("sipas_1001.yaml")
    raw["structure"]["policy"]["item_code"] = "POL.{group}"
    raw["settings"]["precision"]["value"]["publish_decimals"] = 5
    raw["settings"]["answer_scale"]["confidence"] = "C"  # a null official value marked provisional and confirmed
    raw["years"] = {"from": 2026, "to": 2022}
    problems = _problems(raw)
    assert "{group} + {content}" in _line(problems, "structure.policy.item_code")
    assert "publish_decimals cannot exceed compute_decimals" in _line(problems, "settings.precision")
    assert "mâu thuẫn" in _line(problems, "settings.answer_scale")
    assert "'from' is after 'to'" in _line(problems, "years")


def test_one_broken_entry_does_not_hide_the_others() -> None:
    raw = _raw("par_province_876.yaml")
    raw["settings"]["region_average"]["provisional"] = "yes please"  # a type error in one setting
    raw["settings"]["tie_rule"]["value"] = "olympic"  # an official value the loader refuses
    del raw["working_assumptions"]["settings.tie_rule"]
    problems = _problems(raw)
    assert "must be true or false" in _line(problems, "settings.region_average.provisional")
    assert "'competition', 'dense'" in _line(problems, "settings.tie_rule")
    assert not any("matches no entry" in p for p in problems)  # region_average's assumption still counts


def test_the_document_model_describes_every_top_level_key() -> None:
    keys = {f.alias or name for name, f in FrameworkDocument.model_fields.items()}
    for name in ("par_province_876.yaml", "par_ministry_876.yaml", "sipas_1001.yaml"):
        assert set(_raw(name)) <= keys
    assert {"extends", "method_history", "reporting", "resolved_from"} <= keys


def test_every_message_exists_in_both_languages() -> None:
    vi = {k for k in catalogue("vi") if k.startswith("fw_file.")}
    en = {k for k in catalogue("en") if k.startswith("fw_file.")}
    assert vi == en and len(vi) > 60
    with pytest.raises(KeyError):
        message("no_such_message")


# -- what the files declare for the pages -------------------------------------------------------------


def test_precision_is_declared_and_provisional(specs: dict[str, FrameworkSpec]) -> None:
    for spec in specs.values():
        assert spec.precision == Precision(4, 2, "published", "published", "half_up")
        assert spec.display_decimals() == 2
        assert "display_decimals" not in spec.settings
        item = next(i for i in spec.provisional_items if i.path == "settings.precision")
        assert "[U]" in item.basis_en and "[C]" in item.basis_vi and not item.from_working_assumption


def test_tie_rule_is_a_working_assumption_of_an_allowed_rule(specs: dict[str, FrameworkSpec]) -> None:
    for spec in specs.values():
        assert spec.tie_rule == "competition" and spec.tie_rule in TIE_RULES
        assert spec.settings["tie_rule"] == "competition"
        assert "settings.tie_rule" in spec.working_assumptions_used
    raw = _raw("sipas_1001.yaml")
    raw["working_assumptions"]["settings.tie_rule"]["value"] = "dense"
    assert parse_framework_text(yaml.safe_dump(raw, allow_unicode=True), "s.yaml").tie_rule == "dense"


def test_method_breaks_come_from_the_files(specs: dict[str, FrameworkSpec]) -> None:
    par = specs["PAR_PROVINCE_876"].method_breaks
    assert [(b.year, b.label) for b in par] == [(2017, "2948/QĐ-BNV"), (2020, "1149/QĐ-BNV"), (2022, "876/QĐ-BNV")]
    assert all(isinstance(b, MethodBreak) and b.basis_vi and b.basis_en for b in par)
    assert specs["PAR_MINISTRY_876"].method_breaks == par
    sipas = specs["SIPAS_1001"].method_breaks
    assert [(b.year, b.label) for b in sipas] == [(2017, "2640/QĐ-BNV"), (2022, "SIPAS 2022+ (1001/QĐ-BNV)")]
    with pytest.raises(AttributeError):
        par[0].year = 2018  # type: ignore[misc]


def test_method_history_years_increase_and_end_by_the_last_year() -> None:
    raw = _raw("par_province_876.yaml")
    raw["method_history"][2]["year"] = 2025
    raw["method_history"].append({**raw["method_history"][0], "year": 2017})
    problems = _problems(raw)
    assert "after the framework's last year 2024" in _line(problems, "method_history[2].year")
    assert "years must increase: 2017 after 2025" in _line(problems, "method_history[3].year")


def test_reporting_components_and_detail(specs: dict[str, FrameworkSpec]) -> None:
    province = specs["PAR_PROVINCE_876"]
    assert province.component_metrics() == tuple(f"PAR_INDEX.area.A{i}" for i in range(1, 9))
    detail = province.detail_metrics()
    assert detail[:4] == (
        "PAR_INDEX.published.appraisal",
        "PAR_INDEX.published.impact",
        "PAR_INDEX.de_an.appraisal",
        "PAR_INDEX.de_an.survey",
    )
    assert {"PAR_INDEX.block.appraisal", "PAR_INDEX.block.survey_citizens_sipas"} <= set(detail)
    assert "PAR_INDEX.criterion.A8.SIPAS" in detail and not set(detail) & set(province.component_metrics())
    assert province.element_metrics() == ()
    sipas = specs["SIPAS_1001"]
    assert sipas.component_metrics() == ("SIPAS.policy", "SIPAS.services")
    elements = tuple(f"SIPAS.services.E{i}" for i in range(1, 6))
    assert sipas.element_metrics() == elements
    assert sipas.detail_metrics(2023)[:5] == elements
    assert "SIPAS.policy.P9" in sipas.detail_metrics(2023) and "SIPAS.policy.P9" not in sipas.detail_metrics(2022)
    assert "SIPAS.policy.content.C4" in sipas.detail_metrics()


def test_reporting_order_is_natural_and_kinds_belong_to_the_index() -> None:
    raw = _raw("par_ministry_876.yaml")
    raw["criteria"][1]["code"] = "A10"  # the second area, renamed: natural order puts it after A7
    for child in raw["criteria"][1]["children"]:
        child["code"] = child["code"].replace("A2.", "A10.")
    wa = raw["working_assumptions"]
    for key in [k for k in wa if k.startswith("criteria.A2.")]:
        wa[key.replace("criteria.A2.", "criteria.A10.")] = wa.pop(key)
    mapping = wa["settings.survey_mapping"]["value"]
    mapping["A10.SRV"] = mapping.pop("A2.SRV")
    spec = parse_framework_text(yaml.safe_dump(raw, allow_unicode=True), "m.yaml")
    assert spec.component_metrics()[-2:] == ("PAR_INDEX.area.A7", "PAR_INDEX.area.A10")
    raw["reporting"] = {"components": ["areas", "services"], "detail": ["areas"]}
    problems = _problems(raw)
    assert "'services' is not a kind of figure of this index" in _line(problems, "reporting.components[1]")
    assert "'areas' is named twice" in _line(problems, "reporting.detail[0]")


def test_grade_order_highest_first(specs: dict[str, FrameworkSpec]) -> None:
    grades = specs["PAR_PROVINCE_876"].grade_order()
    assert [(g.code, g.min) for g in grades] == [("A", 90), ("B", 80), ("C", 70)]
    assert grades[0].name_en == "Group A (90% and above)" and grades[0].name_vi.startswith("Nhóm A")
    assert specs["SIPAS_1001"].grade_order() == ()


# -- the ministry groups: the boundary at 90% is provisional -------------------------------------------


def test_ministry_grade_boundary_is_provisional(specs: dict[str, FrameworkSpec]) -> None:
    for code in ("PAR_MINISTRY_876", "PAR_MINISTRY_2025"):
        spec = specs[code]
        assert [(g.code, g.min) for g in spec.grades] == [("A", 90), ("B", 80), ("C", 0)]  # official bands kept
        a, b, _ = spec.grades
        assert a.provisional and "exactly 90%" in a.basis_en and a.basis_vi and not b.provisional
        item = next(i for i in spec.provisional_list() if i["path"] == "settings.grades[0].min")
        assert item["value"] == 90 and "[U]" in item["basis_en"] and not item["from_working_assumption"]
    assert not any(i.path.startswith("settings.grades") for i in specs["PAR_PROVINCE_876"].provisional_items)


def test_a_provisional_grade_needs_a_basis() -> None:
    raw = _raw("par_ministry_876.yaml")
    del raw["settings"]["grades"]["value"][0]["basis"]
    assert "basis text (vi, en) is missing" in _line(_problems(raw), "settings.grades[0].basis")


def test_methodology_page_lists_the_ministry_grade_boundary(specs: dict[str, FrameworkSpec]) -> None:
    from backend.services.public_query import provisional_items

    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        sync_frameworks(session, specs.values())
        session.commit()
        items = provisional_items(session)
    boundary = items[items["path"] == "settings.grades[0].min"]
    assert len(boundary) == 2 and set(boundary["value"]) == {"90.0"}
    assert boundary["basis_en"].str.contains("exactly 90%").all()
    assert (items["path"] == "settings.precision").sum() == 5
