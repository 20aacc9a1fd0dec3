"""Small factories for tests: rows with sensible defaults, overridable by keyword."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from backend.models import Dataset, Framework, ResultSet

_counter = itertools.count(1)


def make_result_set(
    session: Session,
    *,
    kind: str = "demo",
    computed_by: str = "analyst",
    index_code: str = "SIPAS",
    year: int = 2024,
    **overrides: object,
) -> ResultSet:
    """A draft result set with its own dataset (``kind`` demo/official) and framework."""
    n = next(_counter)
    dataset = Dataset(name=f"dataset-{kind}-{n}", kind=kind)
    framework = Framework(
        code=f"framework-{n}",
        version="1",
        index_code=index_code,
        unit_scope="province",
        year_from=2022,
        year_to=2026,
        content_hash="x",
    )
    session.add_all([dataset, framework])
    session.flush()
    values: dict[str, object] = {
        "dataset_id": dataset.id,
        "index_code": index_code,
        "year": year,
        "unit_scope": "province",
        "version": 1,
        "framework_id": framework.id,
        "framework_version": "1",
        "inputs_hash": f"hash-{n}",
        "computed_at": dt.datetime.now(dt.UTC),
        "computed_by": computed_by,
    }
    values.update(overrides)
    result_set = ResultSet(**values)  # type: ignore[arg-type]
    session.add(result_set)
    session.flush()
    return result_set
