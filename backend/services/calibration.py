"""The computed demo against its calibration targets: the table printed by ``python -m backend demo --check``,
the calibration tests and ``bench/bench_demo_calibration.py``.

For every year, index and unit scope with a computed result set of the demo dataset (the newest version), the
ranked units' figures (the read model's unit table of the set) are summarised (mean, population SD, min, max) next to the
target of backend/demo/calibration.py, with what :func:`backend.demo.calibration.check_figures` finds wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlmodel import Session, select

from backend.demo.calibration import check_figures, demo_targets, target_for
from backend.demo.spec import DEMO_DATASET_NAME
from backend.errors import NotFoundError
from backend.models import Dataset, ResultSet
from backend.services.results import stored_tables
from backend.settings import get_settings

COLUMNS = [
    "year",
    "index",
    "scope",
    "units",
    "target_mean",
    "demo_mean",
    "target_sd",
    "demo_sd",
    "target_min",
    "demo_min",
    "target_max",
    "demo_max",
    "problems",
]


def demo_vs_targets(
    session: Session, *, dataset: str = DEMO_DATASET_NAME, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """One row per (year, index, scope) computed for ``dataset``: target and demo statistics, and problems."""
    found = session.exec(select(Dataset).where(Dataset.name == dataset)).first()
    if found is None:
        raise NotFoundError.of("compute.no_dataset", name=dataset)
    settings = get_settings()
    targets = demo_targets(settings.published_dir, settings.reference_dir)
    newest: dict[tuple[int, str, str], ResultSet] = {}
    for rs in session.exec(select(ResultSet).where(ResultSet.dataset_id == found.id)).all():
        key = (rs.year, rs.index_code, rs.unit_scope)
        if (years is None or rs.year in years) and (key not in newest or rs.version > newest[key].version):
            newest[key] = rs
    rows: list[dict[str, object]] = []
    for (year, index, scope), rs in sorted(newest.items()):
        units = stored_tables(session, int(rs.id or 0)).units
        values = units.loc[units["ranked"], "value"].astype(float)
        target = target_for(targets, index, scope, year)
        rows.append(
            {
                "year": year,
                "index": index,
                "scope": scope,
                "units": len(values),
                "target_mean": target.mean,
                "demo_mean": values.mean(),
                "target_sd": target.sd,
                "demo_sd": values.std(ddof=0),
                "target_min": target.low,
                "demo_min": values.min(),
                "target_max": target.high,
                "demo_max": values.max(),
                "problems": "; ".join(check_figures(values, target)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def format_table(table: pd.DataFrame) -> str:
    """The table as fixed-width text (2 decimals), for the command line and the bench."""
    shown = table.drop(columns="problems").copy()
    return shown.to_string(index=False, float_format=lambda v: f"{v:.2f}")
