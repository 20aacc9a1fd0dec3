"""Reading result sets back (backend/services/results.py): the summary's component columns."""

from __future__ import annotations

import pandas as pd
import pytest

from backend import metrics as m
from backend.services.results import component_columns


def _rows(values: dict[str, tuple[float, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(7, metric, value, maximum) for metric, (value, maximum) in values.items()],
        columns=["unit_id", "metric", "value", "max_value"],
    )


def test_sipas_components_are_the_frameworks_service_elements() -> None:
    rows = _rows(
        {
            m.SIPAS: (80.0, None),
            m.SIPAS_POLICY: (70.0, None),
            m.SIPAS_SERVICES: (90.0, None),
            m.sipas_service_element("E1"): (91.0, None),
            m.sipas_service_element("E7"): (77.0, None),
            m.sipas_service_element("E9"): (99.0, None),
        }
    )
    wide = component_columns(rows, "SIPAS", ("E1", "E7"))  # a framework with elements E1 and E7 only
    assert wide.loc[7].to_dict() == {
        "component:policy": 70.0,
        "component:services": 90.0,
        "component:services.E1": 91.0,
        "component:services.E7": 77.0,
    }
    assert list(component_columns(rows, "SIPAS").columns) == ["component:policy", "component:services"]


def test_par_components_are_area_indexes_in_percent() -> None:
    rows = _rows({m.PAR: (80.0, 100.0), m.par_area("A1"): (4.5, 6.0), m.par_area("A2"): (9.0, 12.0)})
    wide = component_columns(rows, "PAR_INDEX")
    assert wide.loc[7, "component:A1"] == pytest.approx(75.0) and wide.loc[7, "component:A2"] == pytest.approx(75.0)
