"""A tiny store for the scoring integration tests: a few units, the real framework files, and small
SIPAS / PAR survey / self-assessment data whose results can be computed by hand.

Nothing here depends on the demo generator or on the reference loader.

Design of the data (year 2023, dataset "scoring-test"):

* provinces 01 (region DBSH), 02 and 04 (region TDMNPB); ministries MOJ, SBV (ranked) and GI (unranked);
* SIPAS: per province 2 communes × 2 villages × ``per_village`` forms; every form answers OVERALL and
  POL.P1.C1 (SRV.E1.C1 is empty, the rest have no row). OVERALL positive on 75% of the forms of 01,
  50% of 02 and 87.5% of 04. One extra form of province 02 is ``invalid`` (must be ignored);
* PAR survey: 4 forms per province rating PRV.A2.Q1..Q3 (answers 5, 4, 3 → weights 1, 0.75, 0.5) and
  4 forms per ministry rating MIN.A1.Q1..Q3 (answers 5, 5, 1 → 1, 1, 0);
* self-assessment: every appraisal / socio-economic leaf scored at ``share`` of its maximum (appraisal
  score), province 04 and ministry GI without appraisal (their self scores count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlmodel import Session, select

from backend.frameworks import load_all, spec_for, sync_frameworks
from backend.models import (
    Answer,
    AssessmentScore,
    Criterion,
    Dataset,
    EvaluationYear,
    Survey,
    SurveyForm,
    SurveyItem,
    Unit,
    UnitLineage,
)
from backend.scoring.sipas import build_plan
from backend.settings import REPO_ROOT

YEAR = 2023
DATASET = "scoring-test"
PROVINCES = {
    "01": ("Hà Nội", "Ha Noi", "DBSH"),
    "02": ("Hà Giang", "Ha Giang", "TDMNPB"),
    "04": ("Cao Bằng", "Cao Bang", "TDMNPB"),
}
MINISTRIES = {
    "MOJ": ("Bộ Tư pháp", "Ministry of Justice", True),
    "SBV": ("Ngân hàng Nhà nước", "State Bank", True),
    "GI": ("Thanh tra Chính phủ", "Government Inspectorate", False),
}
#: share of OVERALL answers that are positive (5) per province; the rest are 2
SIPAS_POSITIVE = {"01": 0.75, "02": 0.5, "04": 0.875}
#: appraisal share of the maximum per unit code
SHARE = {"01": 0.9, "02": 0.8, "04": 0.7, "MOJ": 0.9, "SBV": 0.85, "GI": 0.6}


@dataclass
class TinyStore:
    dataset_id: int
    units: dict[str, int] = field(default_factory=dict)
    answer_ids: list[tuple[int, int]] = field(default_factory=list)


def _unit(session: Session, kind: str, code: str, vi: str, en: str, region: str | None, ranked: bool = True) -> int:
    unit = Unit(
        kind=kind,
        code=code,
        name_vi=vi,
        name_en=en,
        unit_type="province" if kind.startswith("province") else "ministry",
        region_code=region,
        valid_from=dt.date(2008, 8, 1),
        valid_to=None,
        par_assessed=True,
        par_ranked=ranked,
    )
    session.add(unit)
    session.flush()
    assert unit.id is not None
    return unit.id


def build_tiny_store(session: Session, *, per_village: int = 4, years: tuple[int, ...] = (YEAR,)) -> TinyStore:
    for year in years:
        session.add(EvaluationYear(year=year, reference_date=dt.date(year, 12, 31), province_kind="province_63"))
    dataset = Dataset(name=DATASET, kind="demo", description="tiny store for the scoring tests")
    session.add(dataset)
    session.flush()
    assert dataset.id is not None
    store = TinyStore(dataset.id)
    for code, (vi, en, region) in PROVINCES.items():
        store.units[code] = _unit(session, "province_63", code, vi, en, region)
    for code, (vi, en, ranked) in MINISTRIES.items():
        store.units[code] = _unit(session, "ministry", code, vi, en, None, ranked)
    sync_frameworks(session, load_all(REPO_ROOT / "data" / "frameworks"))
    for year in years:
        _sipas(session, store, year, per_village)
        _par_survey(session, store, year)
        _scores(session, store, year)
    session.flush()
    return store


def _sipas(session: Session, store: TinyStore, year: int, per_village: int) -> None:
    spec = spec_for(session, "SIPAS", "province", year)
    assert spec.sipas is not None
    survey = Survey(
        dataset_id=store.dataset_id, index_code="SIPAS", year=year, name_vi="SIPAS thử", name_en="SIPAS test"
    )
    session.add(survey)
    session.flush()
    item_ids = {}
    for code in build_plan(spec.sipas, year).items:
        item = SurveyItem(survey_id=survey.id or 0, code=code, text_vi=code, text_en=code)
        session.add(item)
        session.flush()
        item_ids[code] = item.id
    answers = []
    n = 0
    for code, share in SIPAS_POSITIVE.items():
        forms_here = 2 * 2 * per_village
        positive = round(share * forms_here)
        k = 0
        for commune in ("C1", "C2"):
            for village in ("V1", "V2"):
                for _ in range(per_village):
                    n += 1
                    form = SurveyForm(
                        survey_id=survey.id or 0,
                        form_code=f"S{year}-{n:04d}",
                        respondent_group="household",
                        unit_id=store.units[code],
                        district_code="D1",
                        commune_code=commune,
                        village_code=village,
                        collected_on=dt.date(year, 8, 1),
                    )
                    session.add(form)
                    session.flush()
                    value = 5 if k < positive else 2
                    k += 1
                    answers.append({"form_id": form.id, "item_id": item_ids["OVERALL"], "value": value})
                    answers.append({"form_id": form.id, "item_id": item_ids["POL.P1.C1"], "value": 4})
                    answers.append({"form_id": form.id, "item_id": item_ids["SRV.E1.C1"], "value": None})
    # an invalid form (all positive) that must be ignored
    bad = SurveyForm(
        survey_id=survey.id or 0,
        form_code=f"S{year}-BAD",
        respondent_group="household",
        unit_id=store.units["02"],
        commune_code="C1",
        village_code="V1",
        collected_on=dt.date(year, 8, 1),
        status="invalid",
        invalid_reason="duplicate",
    )
    session.add(bad)
    session.flush()
    answers.append({"form_id": bad.id, "item_id": item_ids["OVERALL"], "value": 5})
    session.connection().execute(insert(Answer.__table__), answers)  # type: ignore[attr-defined]
    store.answer_ids += [(a["form_id"], a["item_id"]) for a in answers]


def _par_survey(session: Session, store: TinyStore, year: int) -> None:
    survey = Survey(dataset_id=store.dataset_id, index_code="PAR_SURVEY", year=year, name_vi="ĐTXHH", name_en="Survey")
    session.add(survey)
    session.flush()
    ids = {}
    for scope in ("PRV", "MIN"):
        for area in range(1, 8):
            for q in range(1, 4):
                code = f"{scope}.A{area}.Q{q}"
                item = SurveyItem(survey_id=survey.id or 0, code=code, text_vi=code, text_en=code)
                session.add(item)
                session.flush()
                ids[code] = item.id
    answers = []
    n = 0
    for code in list(PROVINCES) + list(MINISTRIES):
        is_province = code in PROVINCES
        for _i in range(4):
            n += 1
            form = SurveyForm(
                survey_id=survey.id or 0,
                form_code=f"P{year}-{n:04d}",
                respondent_group="dept_leader" if is_province else "ministry_official",
                unit_id=store.units[code],
                collected_on=dt.date(year, 9, 1),
            )
            session.add(form)
            session.flush()
            values = (5, 4, 3) if is_province else (5, 5, 1)
            prefix = "PRV.A2" if is_province else "MIN.A1"
            for q, value in enumerate(values, start=1):
                answers.append({"form_id": form.id, "item_id": ids[f"{prefix}.Q{q}"], "value": value})
    session.connection().execute(insert(Answer.__table__), answers)  # type: ignore[attr-defined]


def _scores(session: Session, store: TinyStore, year: int) -> None:
    for scope, codes in (("province", PROVINCES), ("ministry", MINISTRIES)):
        spec = spec_for(session, "PAR_INDEX", scope, year)
        crit = {
            c.code: c.id
            for c in session.exec(select(Criterion).where(Criterion.framework_id == spec.framework_id)).all()
        }
        for code in codes:
            for leaf in spec.leaves(year):
                if leaf.mode not in ("appraisal", "appraisal_socioeconomic"):
                    continue
                points = SHARE[code] * (leaf.max_points or 0.0)
                appraised = code not in ("04", "GI")
                session.add(
                    AssessmentScore(
                        dataset_id=store.dataset_id,
                        year=year,
                        unit_id=store.units[code],
                        criterion_id=crit[leaf.code] or 0,
                        self_score=min(points + 0.1, leaf.max_points or 0.0),
                        appraisal_score=points if appraised else None,
                    )
                )


def add_lineage(session: Session, store: TinyStore, old: str, new: str, relation: str) -> None:
    session.add(
        UnitLineage(
            old_unit_id=store.units[old], new_unit_id=store.units[new], effective=dt.date(2025, 7, 1), relation=relation
        )
    )
