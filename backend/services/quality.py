"""Reading a survey for its quality checks and fieldwork figures (issue 8, points 4, 6 and 7).

:func:`survey_frame` reads every form that arrived (any status) with its answers through the one column reader
(:func:`backend.services.inputs.read_survey`, ``statuses=None``) and the form columns the checks need;
:func:`survey_quality` runs the high-frequency checks (backend/ingest/quality.py) on it. Phone numbers are never
read here: the checks see only their keyed hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from backend.auth.access import authorize
from backend.auth.permissions import Actor
from backend.errors import NotFoundError
from backend.ingest.quality import QualityReport, quality_report
from backend.ingest.store import FORM, INTERVIEWER, SURVEY, UNIT
from backend.models import Dataset, Survey
from backend.services.inputs import read_survey


@dataclass
class SurveyFrame:
    survey_id: int
    index_code: str
    year: int
    forms: pd.DataFrame
    values: np.ndarray
    items: tuple[str, ...]
    window: tuple[object, object] | None
    scale: int


def surveys(session: Session) -> pd.DataFrame:
    """Every survey with its dataset (id, dataset, kind, index_code, year, forms)."""
    conn = session.connection()
    rows = conn.execute(
        select(SURVEY.c.id, Dataset.__table__.c.name, Dataset.__table__.c.kind, SURVEY.c.index_code, SURVEY.c.year)  # type: ignore[attr-defined]
        .join(Dataset.__table__, Dataset.__table__.c.id == SURVEY.c.dataset_id)  # type: ignore[attr-defined]
        .order_by(SURVEY.c.year.desc(), SURVEY.c.index_code.desc(), SURVEY.c.id)
    ).all()
    return pd.DataFrame(rows, columns=["id", "dataset", "kind", "index_code", "year"])


def survey_frame(session: Session, survey_id: int) -> SurveyFrame:
    """Every form of the survey (any status) with the columns the checks need, and its answers."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError.of("ingest.quality.no_survey", id=survey_id)
    conn = session.connection()
    read = read_survey(conn, survey.dataset_id, survey.index_code, survey.year, statuses=None)
    extra = conn.execute(
        select(
            FORM.c.id,
            FORM.c.form_code,
            UNIT.c.id.label("unit_id"),
            UNIT.c.code.label("unit_code"),
            UNIT.c.name_vi,
            UNIT.c.name_en,
            FORM.c.district_code,
            FORM.c.commune_code,
            FORM.c.village_code,
            INTERVIEWER.c.code.label("interviewer"),
            FORM.c.respondent_group,
            FORM.c.collected_on,
            FORM.c.started_at,
            FORM.c.finished_at,
            FORM.c.phone_hash,
            FORM.c.status,
            FORM.c.review_state,
            FORM.c.invalid_reason,
            FORM.c.facts,
        )
        .join(UNIT, UNIT.c.id == FORM.c.unit_id)
        .outerjoin(INTERVIEWER, INTERVIEWER.c.id == FORM.c.interviewer_id)
        .where(FORM.c.survey_id == survey_id)
    ).all()
    columns = [
        "form",
        "form_code",
        "unit_id",
        "unit_code",
        "name_vi",
        "name_en",
        "district_code",
        "commune_code",
        "village_code",
        "interviewer",
        "respondent_group",
        "collected_on",
        "started_at",
        "finished_at",
        "phone_hash",
        "status",
        "review_state",
        "invalid_reason",
        "facts",
    ]
    details = pd.DataFrame(extra, columns=columns).set_index("form")
    order = read.answers.forms["form"].to_numpy()
    forms = details.reindex(order).reset_index()
    forms["province"] = forms["name_vi"]
    forms["commune"] = forms["unit_code"].astype(str) + "/" + forms["commune_code"].fillna("").astype(str)
    forms.loc[forms["commune_code"].isna(), "commune"] = None
    window = (survey.fieldwork_start, survey.fieldwork_end) if survey.fieldwork_start and survey.fieldwork_end else None
    return SurveyFrame(
        survey_id, survey.index_code, survey.year, forms, read.answers.values, read.answers.items, window, 5
    )


def survey_quality(session: Session, *, actor: Actor, survey_id: int) -> tuple[SurveyFrame, QualityReport]:
    """The survey's forms and their high-frequency checks (analysts and data officers)."""
    actor = authorize(session, actor, "view_quality")
    frame = survey_frame(session, survey_id)
    arrived = (frame.forms["review_state"] != "rejected").to_numpy()
    report = quality_report(
        frame.forms[arrived].reset_index(drop=True), frame.values[arrived], frame.window, frame.scale
    )
    return frame, report


def valid_rate(forms: pd.DataFrame) -> pd.DataFrame:
    """Per province: forms received, valid and the valid-form rate (valid / received, %)."""
    grouped = forms.groupby(["unit_code", "name_vi", "name_en"])
    out = pd.DataFrame(
        {"received": grouped.size(), "valid": grouped["status"].apply(lambda s: int((s == "valid").sum()))}
    )
    out["valid_rate"] = 100.0 * out["valid"] / out["received"]
    return out.reset_index().sort_values("unit_code").reset_index(drop=True)
