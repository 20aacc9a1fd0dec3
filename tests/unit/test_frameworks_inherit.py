"""Framework files that extend another, and the guarantee that the specs did not change by accident.

``data/framework_specs_before_issue7.json`` holds every spec as the hand-written loader of commit 1b51e3c
gave it from the full files (dataclasses.asdict, without the text, hash and store fields). The specs of
today must keep every value of it; what changed on purpose is listed in :data:`INTENTIONAL` and checked
on its own.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from backend.frameworks import FrameworkSpec, load_all
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
