"""The pure simulation of the demo generator: determinism, sample design, calibration, field problems."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from backend.demo.assessment import Leaf, simulate_assessment
from backend.demo.calibration import demo_targets, target_for
from backend.demo.field import SUSPICIOUS_PATTERNS
from backend.demo.fit import par_survey_model, sipas_model, unit_figures
from backend.demo.sample import sipas_plan
from backend.demo.simulate import (
    Latent,
    SipasYear,
    batch_figures,
    simulate_par,
    simulate_sipas,
    z_to_answer,
)
from backend.demo.spec import PHONE_PREFIX, SCALES, SIPAS_GROUP, parse_years, rng_for, sipas_fieldwork
from backend.errors import DomainError
from backend.frameworks import framework_for, load_all
from backend.frameworks.questionnaire import par_groups, par_items, sipas_items
from backend.settings import REPO_ROOT, get_settings

QDIR = REPO_ROOT / "data" / "questionnaires"
PROVINCES_63 = [("province_63", f"{i:02d}") for i in range(1, 64)]
PROVINCES_34 = [("province_34", f"{i:02d}") for i in range(1, 35)]


SPECS = load_all(REPO_ROOT / "data" / "frameworks")


def _targets():  # type: ignore[no-untyped-def]
    settings = get_settings()
    return demo_targets(settings.published_dir, settings.reference_dir)


def _sipas(seed: int, year: int = 2023, scale: str = "small", units: list[tuple[str, str]] | None = None) -> SipasYear:
    """One year of SIPAS forms, each province's level fitted to its figure under the real SIPAS framework."""
    units = units or PROVINCES_63
    latent = Latent(seed)
    figures = unit_figures(
        [latent.quality(k, year, "SIPAS") for k in units], target_for(_targets(), "SIPAS", "province", year)
    )
    items = sipas_items(QDIR, year)
    model = sipas_model(framework_for(SPECS, "SIPAS", "province", year), year, [i.code for i in items])
    return simulate_sipas(seed, SCALES[scale], year, units, figures, items, model)


def test_parse_years() -> None:
    assert parse_years("2022-2025") == [2022, 2023, 2024, 2025]
    assert parse_years("2024") == [2024]
    assert parse_years("2025, 2023") == [2023, 2025]
    assert parse_years([2024, 2022, 2024]) == [2022, 2024]
    with pytest.raises(DomainError) as err:
        parse_years("2019-2022")
    assert "2022" in err.value.vi and "2022" in err.value.en
    with pytest.raises(DomainError):
        parse_years("twenty")


def test_rng_streams_are_keyed_not_ordered() -> None:
    a = rng_for(1, "x", 2023).random(3)
    assert np.array_equal(a, rng_for(1, "x", 2023).random(3))
    assert not np.array_equal(a, rng_for(1, "x", 2024).random(3))
    assert not np.array_equal(a, rng_for(2, "x", 2023).random(3))


def test_answer_cut_points() -> None:
    z = np.array([-9.0, -1.5, -0.5, 0.01, 5.0])
    assert z_to_answer(z).tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("year", [2024, 2025])
def test_sipas_plan_structure(year: int) -> None:
    unit = ("province_63", "01") if year < 2025 else ("province_34", "01")
    villages = sipas_plan(5, SCALES["full"], year, unit)
    assert len(villages) == 18
    assert len({v.village_code for v in villages}) == 18
    assert len({v.commune_code for v in villages}) == 6
    if year < 2025:
        assert len({v.district_code for v in villages}) == 3
        # 2 communes in each district, 3 villages in each commune
        assert Counter(v.district_code for v in villages) == dict.fromkeys({v.district_code for v in villages}, 6)
    else:
        assert all(v.district_code is None for v in villages)
    assert all(len(v.spare_villages) >= 3 for v in villages)
    total = sum(v.respondents for v in villages)
    assert 18 * 29 <= total <= 18 * 35


def test_same_seed_same_forms_different_seed_different() -> None:
    a, b, c = _sipas(11), _sipas(11), _sipas(12)
    assert np.array_equal(a.batch.values, b.batch.values)
    pd.testing.assert_frame_equal(a.batch.forms, b.batch.forms)
    assert a.suspicious == b.suspicious
    assert a.batch.values.shape != c.batch.values.shape or not np.array_equal(a.batch.values, c.batch.values)


def test_full_scale_sample_size_and_no_answer_share() -> None:
    """~580 forms a province at full scale and ~3 % no-answer (the levels are the calibration tests' business)."""
    sim = _sipas(20251, 2023, "full")
    assert 0.02 <= (sim.batch.values == 0).mean() <= 0.045
    per_province = sim.batch.forms.groupby("unit").size()
    assert len(per_province) == 63 and 540 <= per_province.mean() <= 610


@pytest.mark.parametrize("scale", ["small", "full"])
def test_each_province_gets_the_sipas_figure_it_was_given(scale: str) -> None:
    """The scoring engine's SIPAS (framework plan: % of 4-5 answers to the overall question) of each province's
    valid forms equals the figure the generator drew for it, within the answers' granularity plus the few forms
    the invalid-form stage removes after the fit."""
    year, seed = 2023, 20251
    latent = Latent(seed)
    target = target_for(_targets(), "SIPAS", "province", year)
    figures = unit_figures([latent.quality(k, year, "SIPAS") for k in PROVINCES_63], target)
    items = sipas_items(QDIR, year)
    model = sipas_model(framework_for(SPECS, "SIPAS", "province", year), year, [i.code for i in items])
    sim = simulate_sipas(seed, SCALES[scale], year, PROVINCES_63, figures, items, model)
    computed = batch_figures(sim.batch, model, [SIPAS_GROUP], 63)
    valid = sim.batch.forms[sim.batch.forms["status"] == "valid"].groupby("unit").size().to_numpy()
    step = 100.0 / valid  # one answer to the overall question
    assert (np.abs(computed - figures) <= step + 0.5).all()
    assert abs(computed.mean() - target.mean) < 0.3


def test_invalid_forms_are_rare_and_consistent() -> None:
    sim = _sipas(20251, 2023, "full")
    forms = sim.batch.forms
    invalid = forms["status"] == "invalid"
    assert 0.008 <= invalid.mean() <= 0.02  # published 2023 valid rate 98.84 %
    assert forms.loc[invalid, "invalid_reason"].notna().all()
    assert forms.loc[~invalid, "invalid_reason"].isna().all()
    reasons = set(forms.loc[invalid, "invalid_reason"])
    assert reasons == {"incomplete", "duplicate_respondent", "out_of_frame", "failed_backcheck"}
    empty_share = (sim.batch.values == 0).mean(axis=1)
    incomplete = (forms["invalid_reason"] == "incomplete").to_numpy()
    assert empty_share[incomplete].min() > 0.3 > np.median(empty_share[~incomplete])
    # a duplicate respondent shares phone and answers with another form of the same village
    for r in np.flatnonzero((forms["invalid_reason"] == "duplicate_respondent").to_numpy()):
        same = forms.index[(forms["respondent_phone"] == forms.at[r, "respondent_phone"]) & (forms.index != r)]
        assert len(same) >= 1
        assert any(np.array_equal(sim.batch.values[r], sim.batch.values[s]) for s in same)
    # out-of-frame forms name a village that no valid form of the survey names
    sampled = set(forms.loc[~invalid, "village_code"])
    assert not set(forms.loc[forms["invalid_reason"] == "out_of_frame", "village_code"]) & sampled


def test_phones_are_fictitious_and_well_formed() -> None:
    phones = _sipas(4).batch.forms["respondent_phone"]
    assert phones.str.fullmatch(r"0\d{9}").all()
    assert phones.str.startswith(PHONE_PREFIX).all()


def test_suspicious_interviewers_are_detectable() -> None:
    sim = _sipas(20251, 2024, "small")
    forms = sim.batch.forms.assign(row=np.arange(len(sim.batch.forms)))
    truth = {s["interviewer_code"]: s["pattern"] for s in sim.suspicious}
    assert sorted(truth.values()) == sorted(SUSPICIOUS_PATTERNS)
    start, end = sipas_fieldwork(2024)
    values = sim.batch.values
    stats = []
    for code, group in forms.groupby("interviewer_code"):
        rows = group["row"].to_numpy()
        v = values[rows]
        stats.append(
            {
                "code": code,
                "straight": bool(((v.min(axis=1) == v.max(axis=1)) & (v.min(axis=1) > 0)).all()),
                "per_day": int(group["collected_on"].value_counts().max()) / len(group),
                "outside": bool(((group["collected_on"] > end) | (group["collected_on"] < start)).all()),
                "prefix": group["respondent_phone"].str[:7].nunique() == 1,
                "near_dup": int(np.abs(v[:, None, :] - v[None, :, :]).astype(bool).sum(axis=2).max()) <= 4,
            }
        )
    table = pd.DataFrame(stats).set_index("code")
    flagged = {
        "straight_lining": set(table.index[table["straight"]]),
        "many_per_day": set(table.index[table["per_day"] == 1.0]),
        "outside_fieldwork": set(table.index[table["outside"]]),
        # near-duplicate respondents also have phones one stem apart, so they share the prefix too
        "same_phone_prefix": set(table.index[table["prefix"] & ~table["near_dup"]]),
        "near_duplicates": set(table.index[table["near_dup"] & ~table["straight"]]),
    }
    for pattern, codes in flagged.items():
        assert codes == {c for c, p in truth.items() if p == pattern}, pattern
    # every other form is inside the fieldwork window
    normal = ~forms["interviewer_code"].isin(truth)
    assert forms.loc[normal, "collected_on"].between(start, end).all()


def test_latent_quality_persists_and_merges_by_weight() -> None:
    latent = Latent(9)
    q23 = np.array([latent.quality(k, 2023) for k in PROVINCES_63])
    q24 = np.array([latent.quality(k, 2024) for k in PROVINCES_63])
    assert np.corrcoef(q23, q24)[0, 1] > 0.8
    a, b = ("province_63", "02"), ("province_63", "08")
    merged = Latent(
        9, {("province_34", "08"): [(a, 300.0), (b, 600.0)], ("province_34", "01"): [(("province_63", "01"), 1.0)]}
    )
    expected = (300 * merged.raw_quality(a, 2025) + 600 * merged.raw_quality(b, 2025)) / 900
    assert abs(merged.raw_quality(("province_34", "08"), 2025) - expected) < 0.15 * 4
    assert merged.quality(("province_34", "01"), 2025) == merged.quality(("province_63", "01"), 2025)
    assert all(abs(latent.quality(k, 2023)) < 2.0 for k in PROVINCES_63)  # soft cap


def test_par_survey_groups_and_items() -> None:
    groups, items = par_groups(QDIR), par_items(QDIR)
    ministries = [("ministry", c) for c in ("MOJ", "MOF", "MOH")]
    prov_model = par_survey_model(None, 2023, [i.code for i in items if i.code.startswith("PRV.")], [])
    min_model = par_survey_model(None, 2023, [i.code for i in items if i.code.startswith("MIN.")], [])
    prov = simulate_par(1, SCALES["full"], 2023, "province", PROVINCES_63, [0.8] * 63, groups, items, prov_model)
    mins = simulate_par(1, SCALES["full"], 2023, "ministry", ministries, [0.8] * 3, groups, items, min_model)
    assert all(code.startswith("PRV.") for code in prov.item_codes) and len(prov.item_codes) == 21
    assert all(code.startswith("MIN.") for code in mins.item_codes)
    assert set(prov.forms["respondent_group"]) == {g.code for g in groups if g.scope == "province"}
    assert set(mins.forms["respondent_group"]) == {g.code for g in groups if g.scope == "ministry"}
    assert 0.74 * 50_000 <= len(prov.forms) <= 0.78 * 50_000
    shares = prov.forms["respondent_group"].value_counts(normalize=True)
    assert abs(shares["division_head"] - 0.65) < 0.02
    assert prov.forms["form_code"].is_unique
    assert prov.forms["interviewer_code"].isna().all()


def _appraisal_targets(latent: Latent, year: int, leaves: list[Leaf]) -> list[float]:
    """Appraisal points per province: its PAR INDEX figure (calibrated) as a share of the leaves' maximum."""
    target = target_for(_targets(), "PAR_INDEX", "province", year)
    figures = unit_figures([latent.quality(k, year, "PAR_INDEX") for k in PROVINCES_63], target)
    return [sum(leaf.max_points for leaf in leaves) * f / 100.0 for f in figures]


def test_assessment_points_add_up_to_the_targets() -> None:
    """Each unit's appraisal points come within one rounding step (0.25) of its target; a no-evidence cut that
    would keep the unit below it is waived (its explanation accepted)."""
    leaves = [
        Leaf(i, f"A{i}.APP", f"Area {i}", mx, "appraisal") for i, mx in enumerate((13.0, 10.5, 9.5, 7.75, 6.5), 1)
    ]
    for year in (2022, 2023, 2024):
        targets = _appraisal_targets(Latent(11), year, leaves)
        sims = simulate_assessment(11, year, "province", PROVINCES_63, targets, leaves)
        got = np.zeros(63)
        for s in sims:
            got[s.unit] += s.appraisal_score
        assert np.abs(got - np.array(targets)).max() <= 0.25


def test_assessment_scores_within_bounds_with_evidence_or_explanation() -> None:
    leaves = [
        Leaf(1, "A1.APP", "Công tác chỉ đạo", 7.5, "appraisal"),
        Leaf(2, "A2.1", "Ban hành kế hoạch", 0.5, "appraisal"),
        Leaf(3, "A8.SE", "Phát triển kinh tế - xã hội", 6.5, "appraisal_socioeconomic"),
    ]
    targets = _appraisal_targets(Latent(2), 2023, leaves)
    sims = simulate_assessment(2, 2023, "province", PROVINCES_63, targets, leaves)
    assert len(sims) == 63 * 3
    assert {(s.unit, s.leaf) for s in sims} == {(u, c) for u in range(63) for c in range(3)}
    for s in sims:
        mx = leaves[s.leaf].max_points
        assert 0 <= s.appraisal_score <= s.self_score <= mx
        assert s.evidence or s.self_comment  # no evidence → an explanation
        assert len({e.ref_code for e in s.evidence}) == len(s.evidence)
        if s.appraisal_score < s.self_score:
            assert s.appraisal_comment
        assert s.appraised_at > dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    adjusted = sum(s.appraisal_score < s.self_score for s in sims) / len(sims)
    assert 0.02 < adjusted < 0.3
    ratio = sum(s.appraisal_score for s in sims) / sum(leaves[s.leaf].max_points for s in sims)
    assert 0.7 < ratio < 0.95
    again = simulate_assessment(2, 2023, "province", PROVINCES_63, targets, leaves)
    assert [(s.self_score, s.appraisal_score, s.evidence) for s in sims] == [
        (s.self_score, s.appraisal_score, s.evidence) for s in again
    ]


def test_large_leaves_are_never_all_or_nothing() -> None:
    """An area-sized leaf (e.g. 13 points for TTHC reform) gets a graded score, never a 0-or-max draw;
    only small sub-criterion leaves (max ≤ BINARY_MAX_POINTS) may be all-or-nothing."""
    leaves = [Leaf(i, f"A{i}.APP", f"Area {i}", mx, "appraisal") for i, mx in enumerate((13.0, 10.5, 9.5, 7.75), 1)]
    latent = Latent(7)
    for year in (2022, 2023, 2024):
        sims = simulate_assessment(7, year, "province", PROVINCES_63, _appraisal_targets(latent, year, leaves), leaves)
        assert all(s.self_score > 0 for s in sims)
        graded = [s for s in sims if 0 < s.self_score < leaves[s.leaf].max_points]
        assert len(graded) > len(sims) / 2
