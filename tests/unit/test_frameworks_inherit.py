"""Framework files that extend another, and the guarantee that the specs did not change by accident.

``data/framework_specs_before_issue7.json`` holds every spec as the hand-written loader of commit 1b51e3c
gave it from the full files (dataclasses.asdict, without the text, hash and store fields). The specs of
today must keep every value of it; what changed on purpose is listed in :data:`INTENTIONAL` and checked
on its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from backend.errors import ValidationError
from backend.frameworks import FrameworkSpec, load_all, load_framework_file, parse_framework_text
from backend.frameworks.inherit import Remove, merge
from backend.frameworks.problems import message
from backend.settings import REPO_ROOT

FRAMEWORKS = REPO_ROOT / "data" / "frameworks"
BEFORE = Path(__file__).parent / "data" / "framework_specs_before_issue7.json"
VOLATILE = {"content_hash", "source_text", "source_name", "framework_id", "db_version"}
#: what changed on purpose since the snapshot (issue 7): provisional items added, a setting replaced, and
#: the tie-rule assumption's basis, which now says that ranks are decided at the declared precision
INTENTIONAL = {
    "new_provisional_paths": {"settings.precision", "settings.grades[0].min"},
    "replaced_settings": {"display_decimals": "precision"},
    "rewritten_assumption_bases": {"settings.tie_rule"},
}


@pytest.fixture(scope="module")
def specs() -> dict[str, FrameworkSpec]:
    return {s.code: s for s in load_all(FRAMEWORKS)}


def snapshot(spec: FrameworkSpec) -> dict[str, Any]:
    """The spec as plain JSON values (the form of the fixture)."""
    data = {k: v for k, v in dataclasses.asdict(spec).items() if k not in VOLATILE}
    return json.loads(json.dumps(data, ensure_ascii=False))


def _project(new: Any, old: Any) -> Any:
    """``new`` restricted to the keys ``old`` has (fields added since are left out; nothing else is)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: _project(new[k], old[k]) if k in new else "<missing>" for k in old}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [_project(n, o) for n, o in zip(new, old, strict=True)]
    return new


@pytest.mark.parametrize(
    "code", ["PAR_PROVINCE_876", "PAR_PROVINCE_2025", "PAR_MINISTRY_876", "PAR_MINISTRY_2025", "SIPAS_1001"]
)
def test_specs_keep_every_value_of_the_full_files_before(specs: dict[str, FrameworkSpec], code: str) -> None:
    before = json.loads(BEFORE.read_text(encoding="utf-8"))[code]
    now = snapshot(specs[code])
    for old, new in INTENTIONAL["replaced_settings"].items():
        assert old in before["settings"] and old not in now["settings"] and new in now["settings"]
        del before["settings"][old]
    added = [i for i in now["provisional_items"] if i["path"] in INTENTIONAL["new_provisional_paths"]]
    assert {i["path"] for i in added} <= INTENTIONAL["new_provisional_paths"] and added
    now["provisional_items"] = [i for i in now["provisional_items"] if i not in added]
    for old_item, new_item in zip(before["provisional_items"], now["provisional_items"], strict=True):
        if old_item["path"] in INTENTIONAL["rewritten_assumption_bases"]:
            assert "settings.precision" in new_item["assumption_basis_en"]
            for key in ("assumption_basis_vi", "assumption_basis_en"):
                old_item[key] = new_item[key]
    assert _project(now, before) == before


# -- the 2025 files are short diffs of the 876 files ---------------------------------------------------


@pytest.mark.parametrize(
    "child,parent", [("par_province_2025", "par_province_876"), ("par_ministry_2025", "par_ministry_876")]
)
def test_2025_files_state_only_what_differs(specs: dict[str, FrameworkSpec], child: str, parent: str) -> None:
    text = (FRAMEWORKS / f"{child}.yaml").read_text(encoding="utf-8")
    assert f"extends: {parent}\n" in text and len(text.splitlines()) < 60
    spec, base = specs[child.upper()], specs[parent.upper()]
    assert spec.resolved_from == (f"{parent}.yaml", f"{child}.yaml") and base.resolved_from == ()
    assert spec.criteria == base.criteria and spec.groupings == base.groupings and spec.grades == base.grades
    assert spec.method_breaks == base.method_breaks and spec.reporting == base.reporting
    assert spec.precision == base.precision and spec.survey_mapping == base.survey_mapping
    assert (spec.year_from, spec.year_to, spec.status) == (2025, 2025, "provisional")


def test_stored_text_is_the_resolved_document(specs: dict[str, FrameworkSpec]) -> None:
    """The row keeps the resolved document: the spec is rebuilt from it alone, and its hash is that text's."""
    from backend.frameworks import spec_from_row
    from backend.models import Framework

    spec = specs["PAR_PROVINCE_2025"]
    assert "extends:" not in spec.source_text and spec.source_text.startswith("# Framework resolved from")
    assert spec.content_hash == hashlib.sha256(spec.source_text.encode("utf-8")).hexdigest()
    row = Framework(id=7, code=spec.code, version="2025.0", index_code=spec.index_code, unit_scope=spec.unit_scope,
                    year_from=2025, year_to=2025, status=spec.status, title_vi=spec.title_vi, title_en=spec.title_en,
                    legal_basis=spec.legal_basis, content_hash=spec.content_hash, source_text=spec.source_text)  # fmt: skip
    again = spec_from_row(row)
    assert again.framework_id == 7 and again.content_hash == spec.content_hash
    assert dataclasses.replace(again, framework_id=None, db_version=None, source_name=spec.source_name) == spec


# -- merge rules ----------------------------------------------------------------------------------------


def test_merge_rules() -> None:
    base = {
        "title": "parent",
        "years": {"from": 2022, "to": 2024},
        "settings": {"grades": {"value": [1], "confidence": "C", "basis": "b"}},
        "constraints": [{"codes": ["A6", "A7"], "sum": 25.5}],
        "criteria": [
            {"code": "A1", "name": "one", "children": [{"code": "A1.X", "max": 1}, {"code": "A1.Y", "max": 2}]}
        ],
    }
    child = {
        "years": {"to": 2025},
        "settings": {"grades": {"value": [2], "provisional": True}},
        "constraints": [],
        "criteria": [{"code": "A1", "children": [Remove("A1.X"), {"code": "A1.Y", "max": 3}, {"code": "A1.Z"}]}],
        "title": Remove(None),
    }
    merged = merge(base, child)
    assert "title" not in merged
    assert merged["years"] == {"from": 2022, "to": 2025}  # mappings merge key by key
    assert merged["settings"]["grades"] == {"value": [2], "provisional": True}  # a setting entry is replaced whole
    assert merged["constraints"] == []  # other lists are replaced whole
    assert merged["criteria"] == [
        {"code": "A1", "name": "one", "children": [{"code": "A1.Y", "max": 3}, {"code": "A1.Z"}]}
    ]  # coded lists merge by code: removed, merged, appended
    assert base["criteria"][0]["children"][0] == {"code": "A1.X", "max": 1}  # the parent is not changed


CHILD = """
schema: 1
extends: par_province_876
code: TEST_CHILD
version: "t"
years: {from: 2030, to: 2030}
criteria:
  - code: A8
    children:
      - !remove A8.SE
      - {code: A8.SIPAS, max_points: 16.5, source: "a test"}
groupings:
  de_an:
    parts:
      appraisal: {max_points: 61.5}
      survey: {max_points: 38.5}
settings:
  tie_rule: {value: dense, provisional: true, basis: {vi: "thử", en: "a test"}}
working_assumptions:
  settings.tie_rule: !remove
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "par_province_876.yaml").write_bytes((FRAMEWORKS / "par_province_876.yaml").read_bytes())
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_child_overrides_removes_and_inherits(tmp_path: Path) -> None:
    folder = _folder(tmp_path, child=CHILD)
    spec, parent = load_framework_file(folder / "child.yaml"), load_framework_file(folder / "par_province_876.yaml")
    assert spec.criterion("A8").children == ("A8.SIPAS",) and spec.criterion("A8.SIPAS").max_points == 16.5
    assert spec.criterion("A8.SIPAS").source == "a test" and spec.criterion("A8.SIPAS").confidence == "C"
    assert {p.code: p.max_points for p in spec.groupings[1].parts} == {"appraisal": 61.5, "survey": 38.5}
    assert spec.tie_rule == "dense" and "settings.tie_rule" not in spec.working_assumptions_used
    assert spec.criterion("A1") == parent.criterion("A1") and spec.index_code == "PAR_INDEX"
    assert spec.title_en == parent.title_en and spec.resolved_from == ("par_province_876.yaml", "child.yaml")
    tie = next(i for i in spec.provisional_items if i.path == "settings.tie_rule")
    assert tie.basis_en == "a test" and not tie.from_working_assumption


def test_a_change_in_the_parent_is_a_new_version_of_the_child(tmp_path: Path) -> None:
    folder = _folder(tmp_path, child=CHILD)
    before = load_framework_file(folder / "child.yaml").content_hash
    parent = folder / "par_province_876.yaml"
    parent.write_text(parent.read_text(encoding="utf-8") + "\n# a comment changes no value\n", encoding="utf-8")
    assert load_framework_file(folder / "child.yaml").content_hash == before
    parent.write_text(
        parent.read_text(encoding="utf-8").replace("Area 7: appraised", "Area 7: appraisal"), encoding="utf-8"
    )
    assert load_framework_file(folder / "child.yaml").content_hash != before


def _problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_framework_file(path)
    assert path.name in info.value.message("en")
    return info.value.problems


def test_cycles_and_missing_parents_are_refused(tmp_path: Path) -> None:
    head = 'schema: 1\ncode: X\nversion: "1"\nyears: {from: 2030, to: 2030}\n'
    folder = _folder(tmp_path, a=head + "extends: b\n", b=head + "extends: a\n", c=head + "extends: nowhere\n")
    (problem,) = _problems_of(folder / "a.yaml")
    assert problem == f"extends: {' / '.join(message('extends_cycle', chain='a → b → a'))}"
    (problem,) = _problems_of(folder / "c.yaml")
    assert problem.startswith("extends: ") and "nowhere.yaml, is not in the same folder" in problem
    with pytest.raises(ValidationError) as info:
        parse_framework_text(head + "extends: b\n", "a.yaml")  # no folder to look in
    assert "read from its folder" in info.value.problems[0]


def test_a_child_states_its_identity_and_removes_only_what_it_inherits(tmp_path: Path) -> None:
    text = CHILD.replace('version: "t"\n', "").replace("      - !remove A8.SE\n", "      - !remove A8.XX\n")
    text += "reporting:\n  colour: !remove\n"
    problems = _problems_of(_folder(tmp_path, child=text) / "child.yaml")
    assert any(p.startswith("version: ") and "states its own code, version and years" in p for p in problems)
    assert any(p.startswith("criteria.A8.children[2]: ") and "removes nothing" in p for p in problems)
    assert any(p.startswith("reporting.colour: ") and "removes nothing" in p for p in problems)
    raw = (FRAMEWORKS / "sipas_1001.yaml").read_text(encoding="utf-8") + "counts: !remove\n"
    with pytest.raises(ValidationError) as info:
        parse_framework_text(raw, "sipas.yaml")
    assert info.value.problems == [f"counts: {' / '.join(message('remove_without_extends'))}"]
