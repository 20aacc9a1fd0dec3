"""The store side of an import: targets (dataset, survey), what a file is checked against, and the load itself.

Everything runs on the caller's connection, in the caller's transaction (one import = one transaction). Forms
and answers go through the one bulk loader (backend/ingest/bulk.py), so a survey file loads as fast as the demo
does; smaller tables use Core inserts.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlmodel import Session

from backend.errors import DomainError
from backend.frameworks.questionnaire import Questionnaire
from backend.i18n import bilingual, both
from backend.ingest.layout import SURVEY_OF_KIND
from backend.ingest.problems import StoreView, UnitResolver
from backend.ingest.rules import FORM_FIELDS, form_digest
from backend.models import (
    Answer,
    AssessmentScore,
    Criterion,
    Dataset,
    EvaluationYear,
    Evidence,
    FieldworkPlan,
    Interviewer,
    Survey,
    SurveyForm,
    SurveyItem,
    Unit,
)
from backend.reference.normalise import NameNormaliser


def table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


FORM, ANSWER, ITEM, SURVEY = table(SurveyForm), table(Answer), table(SurveyItem), table(Survey)
INTERVIEWER, SCORE, EVIDENCE, PLAN = table(Interviewer), table(AssessmentScore), table(Evidence), table(FieldworkPlan)
DATASET, UNIT = table(Dataset), table(Unit)


def ensure_dataset(conn: Connection, name: str) -> int:
    """The id of the official dataset ``name`` (created when missing); demo datasets are the generator's only."""
    row = conn.execute(select(DATASET.c.id, DATASET.c.kind).where(DATASET.c.name == name)).first()
    if row is not None:
        if row[1] != "official":
            raise DomainError.of("ingest.target.demo_dataset", name=name)
        return int(row[0])
    result = conn.execute(
        insert(DATASET).values(
            name=name,
            kind="official",
            description=bilingual("ingest.store.dataset_description"),
            parameters="{}",
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def ensure_survey(conn: Connection, dataset_id: int, survey: Questionnaire) -> tuple[int, dict[str, int]]:
    """The survey of the dataset and year (created with the questionnaire's fieldwork window when missing) and
    its item ids by code (items of the questionnaire added when missing)."""
    found = conn.execute(
        select(SURVEY.c.id).where(
            SURVEY.c.dataset_id == dataset_id, SURVEY.c.index_code == survey.index_code, SURVEY.c.year == survey.year
        )
    ).scalar()
    if found is None:
        name_vi, name_en = both(f"ingest.store.survey.{survey.index_code}", year=survey.year)
        found = conn.execute(
            insert(SURVEY).values(
                dataset_id=dataset_id,
                index_code=survey.index_code,
                year=survey.year,
                name_vi=name_vi,
                name_en=name_en,
                fieldwork_start=survey.fieldwork[0],
                fieldwork_end=survey.fieldwork[1],
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    items = {str(c): int(i) for c, i in conn.execute(select(ITEM.c.code, ITEM.c.id).where(ITEM.c.survey_id == found))}
    new = [
        {
            "survey_id": found,
            "code": i.code,
            "text_vi": i.text_vi,
            "text_en": i.text_en,
            "scale_min": survey.scale[0],
            "scale_max": survey.scale[1],
            "respondent_groups": ",".join(i.groups),
        }
        for i in survey.items
        if i.code not in items
    ]
    if new:
        conn.execute(insert(ITEM), new)
        items = {
            str(c): int(i) for c, i in conn.execute(select(ITEM.c.code, ITEM.c.id).where(ITEM.c.survey_id == found))
        }
    return int(found), items


def unit_kinds(session: Session, kind: str, year: int, scope: str = "province") -> tuple[list[str], dt.date]:
    """Unit kinds a file of ``kind`` may name in ``year``, and the date their names are resolved on."""
    ey = session.get(EvaluationYear, year)
    if ey is None:
        raise DomainError.of("ingest.target.no_year", year=year)
    if kind == "official" or kind == "plan":
        return [ey.province_kind, "ministry"], ey.reference_date
    if kind == "self_assessment":
        return ([ey.province_kind] if scope == "province" else ["ministry"]), ey.reference_date
    return [ey.province_kind], ey.reference_date


def unit_resolver(session: Session, reference_dir: Any, kinds: Sequence[str], on: dt.date) -> UnitResolver:
    """Unit name or code → (unit id, suggestion) through the one name normaliser; unknown and ambiguous names
    get the closest known name as the suggestion."""
    normaliser = NameNormaliser.from_reference_dir(reference_dir)
    units = (
        session.connection()
        .execute(select(UNIT.c.id, UNIT.c.kind, UNIT.c.code, UNIT.c.name_vi).where(UNIT.c.kind.in_(list(kinds))))
        .all()
    )
    by_key = {(str(k), str(c)): int(i) for i, k, c, _ in units}
    by_code: dict[str, list[int]] = {}
    for i, _k, c, _n in units:
        by_code.setdefault(str(c), []).append(int(i))
    names = sorted({str(n) for *_, n in units})

    def resolve(text: str) -> tuple[int | None, str]:
        refs, _ = normaliser.candidates(text, kinds, on)
        ids = {by_key[(r.kind, r.code)] for r in refs if (r.kind, r.code) in by_key}
        if len(ids) == 1:
            return ids.pop(), ""
        if not ids and len(by_code.get(text.strip(), [])) == 1:
            return by_code[text.strip()][0], ""
        close = difflib.get_close_matches(text, names, n=1, cutoff=0.4)
        return None, close[0] if close else "—"

    return resolve


def stored_form_digests(conn: Connection, survey_id: int, codes: Iterable[str]) -> dict[str, str]:
    """Content digests (backend/ingest/rules.py) of the stored forms of the survey among ``codes``."""
    wanted = sorted({c for c in codes if c})
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 5_000):
        chunk = wanted[start : start + 5_000]
        forms = conn.execute(
            select(
                FORM.c.id,
                FORM.c.form_code,
                FORM.c.unit_id,
                FORM.c.respondent_group,
                FORM.c.district_code,
                FORM.c.commune_code,
                FORM.c.village_code,
                INTERVIEWER.c.code,
                FORM.c.collected_on,
                FORM.c.phone_hash,
                FORM.c.facts,
            )
            .outerjoin(INTERVIEWER, INTERVIEWER.c.id == FORM.c.interviewer_id)
            .where(FORM.c.survey_id == survey_id, FORM.c.form_code.in_(chunk))
        ).all()
        if not forms:
            continue
        answers: dict[int, dict[str, int]] = {}
        rows = conn.execute(
            select(ANSWER.c.form_id, ITEM.c.code, ANSWER.c.value)
            .join(ITEM, ITEM.c.id == ANSWER.c.item_id)
            .where(ANSWER.c.form_id.in_([f[0] for f in forms]))
        )
        for form_id, code, value in rows:
            if value is not None:
                answers.setdefault(int(form_id), {})[str(code)] = int(value)
        for f in forms:
            fields = dict(zip(("unit", *FORM_FIELDS[1:]), (f[2], f[3], f[4], f[5], f[6], f[7]), strict=True))
            fields.update(collected_on=f[8], phone_hash=f[9], facts=f[10])
            out[str(f[1])] = form_digest(fields, answers.get(int(f[0]), {}))
    return out


def stored_phones(conn: Connection, survey_id: int) -> dict[str, str]:
    """Phone hash → form code of the survey's forms that are not invalid."""
    rows = conn.execute(
        select(FORM.c.phone_hash, FORM.c.form_code).where(
            FORM.c.survey_id == survey_id, FORM.c.phone_hash.is_not(None), FORM.c.status != "invalid"
        )
    )
    return {str(h): str(c) for h, c in rows}


def survey_view(conn: Connection, survey_id: int, rows_codes: Sequence[str], resolve: UnitResolver) -> StoreView:
    window = conn.execute(
        select(SURVEY.c.fieldwork_start, SURVEY.c.fieldwork_end).where(SURVEY.c.id == survey_id)
    ).one()
    fieldwork = (window[0], window[1]) if window[0] and window[1] else None
    rejected = frozenset(
        str(code)
        for (code,) in conn.execute(
            select(FORM.c.form_code).where(FORM.c.survey_id == survey_id, FORM.c.review_state == "rejected")
        )
    )
    digests = stored_form_digests(conn, survey_id, rows_codes)
    return StoreView(resolve, fieldwork, digests, stored_phones(conn, survey_id), rejected=rejected)


def criterion_ids(conn: Connection, framework_id: int) -> dict[str, int]:
    crit = table(Criterion)
    return {
        str(c): int(i)
        for c, i in conn.execute(select(crit.c.code, crit.c.id).where(crit.c.framework_id == framework_id))
    }


def stored_scores(conn: Connection, dataset_id: int, year: int, criteria: dict[str, int]) -> dict[tuple[Any, ...], Any]:
    by_id = {i: c for c, i in criteria.items()}
    rows = conn.execute(
        select(SCORE.c.unit_id, SCORE.c.criterion_id, SCORE.c.self_score).where(
            SCORE.c.dataset_id == dataset_id, SCORE.c.year == year, SCORE.c.criterion_id.in_(list(by_id))
        )
    )
    return {(int(u), by_id[int(c)]): s for u, c, s in rows}


def stored_plan(conn: Connection, dataset_id: int, year: int) -> dict[tuple[Any, ...], Any]:
    rows = conn.execute(
        select(PLAN.c.unit_id, SURVEY.c.index_code, PLAN.c.commune_code, PLAN.c.respondent_group, PLAN.c.planned_forms)
        .join(SURVEY, SURVEY.c.id == PLAN.c.survey_id)
        .where(SURVEY.c.dataset_id == dataset_id, SURVEY.c.year == year)
    )
    return {(int(u), str(s), str(c or ""), str(g)): int(p) for u, s, c, g, p in rows}


def count_forms(conn: Connection, survey_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(FORM).where(FORM.c.survey_id == survey_id)).scalar_one())


KIND_SURVEY = SURVEY_OF_KIND
