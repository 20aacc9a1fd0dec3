"""Pure rules of the approval panel and of corrections: review flags, version changes and their inputs, the
public erratum; unit scopes of an actor; evidence kinds and names."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from backend.auth.permissions import Actor
from backend.models import ResultSet
from backend.published.errata import erratum_of, erratum_text
from backend.published.sets import ResultSetInfo
from backend.scoring.flags import review_flags, robust_z
from backend.services.evidence import clean_name, sniff
from backend.services.versions import input_changes, row_changes


def test_robust_z_and_flags() -> None:
    values = pd.Series([80.0, 81.0, 79.5, 80.5, 80.2, 60.0])
    z = robust_z(values)
    assert abs(z.iloc[-1]) > 3.5 and (z.iloc[:-1].abs() < 3.5).all()
    assert robust_z(pd.Series([1.0, 2.0])).isna().all()  # too few units
    assert robust_z(pd.Series([5.0] * 6)).isna().all()  # no spread
    table = pd.DataFrame(
        {
            "scope_code": [f"u{i}" for i in range(6)],
            "value": values,
            "change": [0.1, -0.2, 0.0, 0.3, -0.1, 9.0],
            "rank_change": pd.array([0, 1, -1, 12, 0, pd.NA], dtype="Int64"),
        }
    )
    flags = review_flags(table)
    assert set(map(tuple, flags[["scope_code", "flag"]].to_numpy().tolist())) == {
        ("u5", "outlier"),
        ("u5", "big_move"),
        ("u3", "big_rank_move"),
    }


def _rows(values: dict[str, float], ranks: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scope": "unit",
            "scope_code": list(values),
            "metric": "PAR_INDEX",
            "value": list(values.values()),
            "rank": pd.array([ranks[c] for c in values], dtype="Int64"),
        }
    )


def test_row_changes_values_ranks_and_missing_rows() -> None:
    before = _rows({"a": 80.0, "b": 70.0, "c": 60.0}, {"a": 1, "b": 2, "c": 3})
    after = _rows({"a": 80.0 + 1e-12, "b": 75.0, "d": 50.0}, {"a": 1, "b": 2, "d": 3})
    changes = row_changes(before, after)
    assert changes["scope_code"].tolist() == ["c", "d", "b"]  # missing on one side first, then the largest change
    assert changes.loc[changes["scope_code"] == "b", "change"].item() == pytest.approx(5.0)


def _set(params: dict, version: int = 1, framework: str = "1") -> ResultSet:
    return ResultSet(
        dataset_id=1,
        index_code="PAR_INDEX",
        year=2024,
        unit_scope="province",
        version=version,
        framework_id=1,
        framework_version=framework,
        inputs_hash="h",
        computed_at=dt.datetime.now(dt.UTC),
        computed_by="x",
        parameters=json.dumps(params),
    )


def test_input_changes_name_the_inputs_and_units() -> None:
    old = _set(
        {
            "input_digests": {"par_survey": "a", "assessments": "b"},
            "unit_input_digests": {"u1": "1", "u2": "2"},
            "framework_content_hash": "f",
            "bootstrap": 100,
        }
    )
    new = _set(
        {
            "input_digests": {"par_survey": "a", "assessments": "c"},
            "unit_input_digests": {"u1": "1", "u2": "9"},
            "framework_content_hash": "f",
            "bootstrap": 200,
        },
        version=2,
    )
    found = set(map(tuple, input_changes(old, new).to_numpy().tolist()))
    assert found == {("assessments", ""), ("unit", "u2"), ("bootstrap", "100 → 200")}
    assert input_changes(_set({}), new)["input"].tolist()[0] == "not_recorded"


def _info(**kw: object) -> ResultSetInfo:
    record = {
        "id": 9,
        "index_code": "PAR_INDEX",
        "year": 2024,
        "unit_scope": "province",
        "version": 2,
        "dataset_name": "d",
        "dataset_kind": "official",
        "framework_id": 1,
        "framework_code": "F",
        "framework_version": "1",
        "framework_status": "official",
        "publish_at": dt.datetime(2025, 4, 6, 2, tzinfo=dt.UTC),
    }
    return ResultSetInfo.from_record({**record, **kw})


def test_erratum_says_what_when_why() -> None:
    assert erratum_of(_info()) is None
    changes = {
        "superseded_id": 3,
        "superseded_version": 1,
        "changed_units": 1,
        "changed_figures": 4,
        "index_changes": [
            {"unit": "province_63:01", "name_vi": "Hà Nội", "name_en": "Ha Noi", "old": 80.5, "new": 82.25}
        ],
    }
    info = _info(supersedes_id=3, erratum="recount of plans", erratum_changes=json.dumps(changes))
    erratum = erratum_of(info)
    assert erratum is not None and erratum.old_id == 3 and erratum.old_version == 1
    assert erratum_text(erratum, "en") == (
        "Correction: recount of plans. Published on 6 Apr 2025, 09:00. 1 units and 4 figures changed; "
        "the index: Ha Noi 80.50 → 82.25."
    )
    assert "Hà Nội 80,50 → 82,25" in erratum_text(erratum, "vi")


def test_actor_unit_scopes() -> None:
    officer = Actor("o", frozenset({"unit_officer"}), 1, grants=frozenset({("unit_officer", "province_34:01")}))
    assert officer.can_for("self_assess", "province_34:01") and not officer.can_for("self_assess", "province_34:04")
    assert officer.units("self_assess") == {"province_34:01"} and officer.units("approve") == frozenset()
    appraiser = Actor("a", frozenset({"appraiser"}), 2, grants=frozenset({("appraiser", "*")}))
    assert appraiser.units("appraise_unit") is None and appraiser.can_for("appraise_unit", "province_34:04")
    assert Actor.system().is_system and not Actor("system", frozenset({"system"}), 5).is_system


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"%PDF-1.4", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff\xdb", "jpeg"),
        (b"GIF89a", None),
        (b"PK\x03\x04broken", None),
        (np.zeros(8, dtype=np.uint8).tobytes(), None),
    ],
)
def test_sniff(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_clean_name() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\x\\Quyết định.pdf") == "Quyết định.pdf"
    assert clean_name("a\x00b\u202ec.pdf") == "abc.pdf"  # control and bidi-override characters dropped
    assert clean_name("") == "file" and clean_name("..") == "file" and len(clean_name("x" * 500)) == 200
