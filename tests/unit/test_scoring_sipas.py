"""SIPAS formulas on tiny hand-computed tables, and monotonicity as a property."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend import metrics as m
from backend.errors import ValidationError
from backend.frameworks import SipasSpec, load_framework_file
from backend.scoring.answers import SurveyAnswers
from backend.scoring.sipas import build_plan, score_sipas
from backend.settings import REPO_ROOT

SPEC = load_framework_file(REPO_ROOT / "data" / "frameworks" / "sipas_1001.yaml").sipas
assert SPEC is not None

FORMS = pd.DataFrame(
    {
        "form": [1, 2, 3, 4],
        "unit": ["A", "A", "A", "B"],
        "commune": ["a1", "a1", "a2", "b1"],
        "village": ["v1", "v2", "v3", "w1"],
    }
)
# item → answers of forms 1..4 (None = no answer); positive = 4, 5
TABLE = {
    "POL.P1.C1": [5, 4, 1, 2],
    "POL.P1.C2": [3, None, 5, None],
    "POL.P2.C1": [4, 2, None, None],
    "SRV.E1.C1": [4, 5, 3, 4],
    "SRV.E2.C1": [2, None, 5, None],
    "OVERALL": [4, 3, 5, 5],
}


def _answers(table: dict[str, list[int | None]] = TABLE) -> pd.DataFrame:
    rows = [(form, item, v) for item, values in table.items() for form, v in zip(FORMS["form"], values, strict=True)]
    return pd.DataFrame(rows, columns=["form", "item", "value"])


def _score(spec: SipasSpec = SPEC, year: int = 2023, table: dict[str, list[int | None]] = TABLE):  # type: ignore[no-untyped-def]
    plan = build_plan(spec, year)
    data = SurveyAnswers.from_long(FORMS, _answers(table), plan.items)
    return score_sipas(data, spec, year)


def test_item_index_is_share_of_valid_answers_in_positive_categories() -> None:
    units = _score().units
    assert units.at["A", m.sipas_item("POL.P1.C1")] == pytest.approx(100 * 2 / 3)  # 5, 4 positive of 5, 4, 1
    assert units.at["A", m.sipas_item("POL.P1.C2")] == pytest.approx(50.0)  # 3, 5 (one empty answer)
    assert units.at["B", m.sipas_item("POL.P1.C1")] == 0.0
    assert np.isnan(units.at["B", m.sipas_item("POL.P2.C1")])  # no valid answer → no index


def test_pooled_nodes_and_overall_item() -> None:
    units = _score().units
    a = units.loc["A"]
    assert a[m.sipas_policy_group("P1")] == pytest.approx(100 * 3 / 5)
    assert a[m.sipas_policy_group("P2")] == pytest.approx(50.0)
    assert a[m.sipas_policy_content("C1")] == pytest.approx(100 * 3 / 5)  # P1.C1 2/3 and P2.C1 1/2 pooled
    assert a[m.SIPAS_POLICY] == pytest.approx(100 * 4 / 7)
    assert a[m.sipas_service_element("E1")] == pytest.approx(100 * 2 / 3)
    assert a[m.SIPAS_SERVICES] == pytest.approx(100 * 3 / 5)
    assert a[m.SIPAS] == pytest.approx(100 * 2 / 3)  # the OVERALL question: 4, 3, 5
    assert units.loc["B", m.SIPAS] == 100.0


def test_figures_at_the_declared_compute_precision() -> None:
    """With ``decimals`` every figure is rounded half-up as it is computed: means average rounded children."""
    spec = replace(SPEC, node_aggregation="mean_of_children", overall_method="mean_of_areas")
    plan = build_plan(spec, 2023, decimals=4)
    data = SurveyAnswers.from_long(FORMS, _answers(), plan.items)
    result = score_sipas(data, spec, 2023, decimals=4)
    a = result.units.loc["A"]
    assert a[m.sipas_item("POL.P1.C1")] == 66.6667  # 200 / 3
    assert a[m.sipas_policy_group("P1")] == 58.3334  # (66.6667 + 50) / 2 = 58.33335 → half up
    assert _score(spec).units.loc["A", m.sipas_policy_group("P1")] == pytest.approx(175 / 3)  # unrounded: 58.3333…
    assert (a[m.SIPAS], result.units.at["B", m.SIPAS]) == (56.2501, 50.0)
    # national mean of the rounded units, (56.2501 + 50) / 2 = 53.12505 → 53.1251 (half up, not the float's 53.125)
    assert result.national.at[m.SIPAS, "mean_of_units"] == 53.1251


def test_mean_of_children_and_mean_of_areas() -> None:
    spec = replace(SPEC, node_aggregation="mean_of_children", overall_method="mean_of_areas")
    a = _score(spec).units.loc["A"]
    assert a[m.sipas_policy_group("P1")] == pytest.approx((200 / 3 + 50) / 2)
    assert a[m.SIPAS_POLICY] == pytest.approx(((200 / 3 + 50) / 2 + 50) / 2)  # mean of groups P1, P2
    assert a[m.sipas_policy_content("C1")] == pytest.approx((200 / 3 + 50) / 2)
    assert a[m.SIPAS_SERVICES] == pytest.approx((200 / 3 + 50) / 2)  # mean of elements E1, E2
    assert a[m.SIPAS] == pytest.approx((a[m.SIPAS_POLICY] + a[m.SIPAS_SERVICES]) / 2)


def test_national_mean_of_provinces_and_pooled() -> None:
    national = _score().national
    assert national.at[m.SIPAS, "mean_of_units"] == pytest.approx((200 / 3 + 100) / 2)
    assert national.at[m.SIPAS, "pooled"] == pytest.approx(100 * 3 / 4)
    assert national.at[m.SIPAS_POLICY, "pooled"] == pytest.approx(100 * 4 / 8)
    assert national.at[m.SIPAS_POLICY, "mean_of_units"] == pytest.approx((400 / 7 + 0) / 2)
    assert national["published"].equals(national["mean_of_units"])  # working assumption of the framework
    pooled = _score(replace(SPEC, national_method="pooled")).national
    assert pooled["published"].equals(pooled["pooled"])


def test_positive_categories_are_a_setting() -> None:
    units = _score(replace(SPEC, positive_categories=(5,))).units
    assert units.at["A", m.sipas_item("POL.P1.C1")] == pytest.approx(100 / 3)
    assert units.at["A", m.SIPAS] == pytest.approx(100 / 3)


def test_forms_counted_and_2022_has_eight_policy_groups() -> None:
    result = _score()
    assert result.n_forms.to_dict() == {"A": 3, "B": 1}
    plan_2022 = build_plan(SPEC, 2022)
    assert m.sipas_policy_group("P9") not in plan_2022.metrics
    assert m.sipas_policy_group("P9") in build_plan(SPEC, 2023).metrics
    table = {**TABLE, "POL.P9.C1": [5, 5, 5, 5]}
    assert _score(year=2022, table=table).units.at["A", m.SIPAS_POLICY] == pytest.approx(100 * 4 / 7)


def test_answers_outside_the_scale_are_rejected() -> None:
    bad = _answers({"OVERALL": [4, 7, 5, 5]})
    with pytest.raises(ValidationError) as info:
        SurveyAnswers.from_long(FORMS, bad, ("OVERALL",))
    assert "1..5" in info.value.message("en") and "thang" in info.value.message("vi")


# -- property: more positive answers never lower an index --------------------------------------------

ITEMS = ("POL.P1.C1", "POL.P1.C2", "POL.P2.C1", "SRV.E1.C1", "SRV.E1.C2", "SRV.E3.C1", "OVERALL")


@st.composite
def _data_and_cell(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int, int]:
    n_forms = draw(st.integers(1, 8))
    values = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 5), min_size=len(ITEMS), max_size=len(ITEMS)),
                min_size=n_forms,
                max_size=n_forms,
            )
        ),
        dtype=np.int8,
    )
    units = np.array(draw(st.lists(st.sampled_from(["A", "B"]), min_size=n_forms, max_size=n_forms)))
    f = draw(st.integers(0, n_forms - 1))
    k = draw(st.integers(0, len(ITEMS) - 1))
    new = draw(st.sampled_from([4, 5]))
    return values, units, f, k, new


@pytest.mark.parametrize("aggregation", ["pooled", "mean_of_children"])
@pytest.mark.parametrize("overall", ["item", "mean_of_areas"])
@settings(max_examples=60, deadline=None)
@given(case=_data_and_cell())
def test_more_positive_answers_never_lower_an_index(
    aggregation: str, overall: str, case: tuple[np.ndarray, np.ndarray, int, int, int]
) -> None:
    values, units, f, k, new = case
    if values[f, k] in (4, 5):
        return  # already positive: nothing to raise
    spec = replace(SPEC, node_aggregation=aggregation, overall_method=overall)
    plan = build_plan(spec, 2023)
    forms = pd.DataFrame({"form": range(len(values)), "unit": units, "group": None, "commune": None, "village": None})

    def run(matrix: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        full = np.zeros((len(matrix), len(plan.items)), dtype=np.int8)
        for j, item in enumerate(ITEMS):
            full[:, plan.items.index(item)] = matrix[:, j]
        result = score_sipas(SurveyAnswers(forms, plan.items, full), spec, 2023)
        return result.units, result.national

    before_units, before_nat = run(values)
    raised = values.copy()
    raised[f, k] = new
    after_units, after_nat = run(raised)
    lo_u = before_units.fillna(-1.0).to_numpy()
    hi_u = after_units.reindex(before_units.index).fillna(-1.0).to_numpy()
    assert (hi_u >= lo_u - 1e-9).all()
    cols = ["pooled", "mean_of_units"]
    assert (after_nat[cols].fillna(-1.0).to_numpy() >= before_nat[cols].fillna(-1.0).to_numpy() - 1e-9).all()
