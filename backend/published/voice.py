"""The public read model of citizens' voice: surveys citizens may answer, published online-survey results,
consultations with their approved comments, published answers to questions. Everything is read through the
public views of migration 0008 (backend/models/public_voice.py), so nothing unpublished is ever in reach.

Online-survey figures always travel with :data:`LABEL_KEY` ("online, self-selected — not comparable with
SIPAS"): they are never merged with, or shown as, SIPAS figures.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select, text
from sqlmodel import Session

from backend import search
from backend.models.public_voice import (
    public_consultation,
    public_consultation_comment,
    public_consultation_document,
    public_question,
    public_voice_item,
    public_voice_result,
    public_voice_result_row,
    public_voice_survey,
)
from backend.published import fmt
from backend.published.pardb import frame_of, topics
from backend.services.voice_common import accepting, province_valid

#: the label every online-survey figure carries
LABEL_KEY = "voice.results.label"
QUESTION_COLUMNS = ["id", "topic_code", "text", "asked_at", "answer_vi", "answer_en", "published_at"]

__all__ = [
    "LABEL_KEY",
    "ConsultationView",
    "FormItem",
    "SurveyForm",
    "answered_questions",
    "consultation",
    "consultations",
    "current_provinces",
    "pick",
    "published_results",
    "result_rows",
    "survey_form",
    "surveys",
    "topics",
]


def pick(vi: Any, en: Any, lang: str) -> str:
    """The English text when the reader reads English and there is one, else the Vietnamese."""
    return str(en) if lang == "en" and en else str(vi or "")


@dataclass(frozen=True)
class FormItem:
    code: str
    kind: str
    text_vi: str
    text_en: str
    required: bool
    options: tuple[tuple[str, str, str], ...]  # (code, vi, en)

    def text(self, lang: str) -> str:
        return pick(self.text_vi, self.text_en, lang)

    def option_labels(self, lang: str) -> dict[str, str]:
        return {code: pick(vi, en, lang) for code, vi, en in self.options}


@dataclass(frozen=True)
class SurveyForm:
    """A published survey as citizens see it (its link is out: open, or closed)."""

    id: int
    code: str
    row: dict[str, Any]
    items: tuple[FormItem, ...]

    def text(self, field: str, lang: str) -> str:
        return pick(self.row.get(f"{field}_vi"), self.row.get(f"{field}_en"), lang)

    @property
    def scope(self) -> str:
        return str(self.row["scope"])

    @property
    def unit_id(self) -> int | None:
        value = self.row.get("unit_id")
        return None if value is None else int(value)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        moment = now or dt.datetime.now(dt.UTC)
        return accepting(self.row["status"], self.row["opens_at"], self.row["closes_at"], moment)


def surveys(session: Session, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every survey whose link is out, newest first, with whether it accepts answers now."""
    frame = frame_of(
        session, select(public_voice_survey).order_by(public_voice_survey.c.id.desc()), public_voice_survey
    )
    frame["accepting"] = _accepting(frame, now)
    return frame


def _accepting(frame: pd.DataFrame, now: dt.datetime | None) -> list[bool]:
    moment = now or dt.datetime.now(dt.UTC)
    return [accepting(r["status"], r["opens_at"], r["closes_at"], moment) for r in frame.to_dict("records")]


def current_provinces(units: pd.DataFrame, lang: str, today: dt.date | None = None) -> dict[int, str]:
    """The provinces a citizen may name (unit id → name): province units valid today (the rule the submission
    path checks, backend/services/submission_targets.province), in Vietnamese alphabetical order."""
    day = today or dt.date.today()
    column = "name_vi" if lang == "vi" else "name_en"
    names = {
        int(u["unit_id"]): str(u[column])
        for u in units.to_dict("records")
        if province_valid(
            u["kind"], _day(u["valid_from"]), None if pd.isna(u["valid_to"]) else _day(u["valid_to"]), day
        )
    }
    order = fmt.sort_names(names.values(), lang)
    return dict(sorted(names.items(), key=lambda item: order.index(item[1])))


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def survey_form(session: Session, code: str) -> SurveyForm | None:
    """The survey of a public link, with its items; None when no such survey is public."""
    found = (
        session.connection()
        .execute(select(public_voice_survey).where(public_voice_survey.c.code == code))
        .mappings()
        .first()
    )
    if found is None:
        return None
    rows = (
        session.connection()
        .execute(
            select(public_voice_item)
            .where(public_voice_item.c.survey_id == found["id"])
            .order_by(public_voice_item.c.position)
        )
        .mappings()
    )
    items = tuple(
        FormItem(
            code=r["code"],
            kind=r["kind"],
            text_vi=r["text_vi"],
            text_en=r["text_en"],
            required=bool(r["required"]),
            options=tuple((o["code"], o["vi"], o.get("en", "")) for o in json.loads(r["options"] or "[]")),
        )
        for r in rows
    )
    return SurveyForm(id=int(found["id"]), code=str(found["code"]), row=dict(found), items=items)


def published_results(session: Session) -> pd.DataFrame:
    """The newest visible version of each survey's aggregates, with the survey's titles (newest first)."""
    r, s = public_voice_result.c, public_voice_survey.c
    stmt = (
        select(
            r.id,
            r.survey_id,
            r.version,
            r.responses,
            r.visible_from,
            s.code,
            s.title_vi,
            s.title_en,
            s.scope,
            s.unit_id,
            s.service_vi,
            s.service_en,
        )
        .select_from(public_voice_result.join(public_voice_survey, s.id == r.survey_id))
        .order_by(r.survey_id, r.version.desc())
    )
    rows = session.connection().execute(stmt).mappings().all()
    columns = [
        "id",
        "survey_id",
        "version",
        "responses",
        "visible_from",
        "code",
        "title_vi",
        "title_en",
        "scope",
        "unit_id",
        "service_vi",
        "service_en",
    ]
    frame = pd.DataFrame([dict(row) for row in rows], columns=columns)
    return (
        frame.drop_duplicates("survey_id", keep="first")
        .sort_values("visible_from", ascending=False)
        .reset_index(drop=True)
    )


def result_rows(session: Session, result_id: int) -> pd.DataFrame:
    """The figures of one visible version (empty when the version is not visible)."""
    stmt = select(public_voice_result_row).where(public_voice_result_row.c.result_id == int(result_id))
    return frame_of(session, stmt, public_voice_result_row)


def consultations(session: Session, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every public consultation, newest first, with whether it accepts comments now."""
    frame = frame_of(
        session, select(public_consultation).order_by(public_consultation.c.id.desc()), public_consultation
    )
    frame["accepting"] = _accepting(frame, now)
    return frame


@dataclass(frozen=True)
class ConsultationView:
    row: dict[str, Any]
    documents: pd.DataFrame
    comments: pd.DataFrame

    def text(self, field: str, lang: str) -> str:
        return pick(self.row.get(f"{field}_vi"), self.row.get(f"{field}_en"), lang)


def consultation(session: Session, code: str) -> ConsultationView | None:
    """One public consultation with its documents and its approved comments (oldest first)."""
    found = (
        session.connection()
        .execute(select(public_consultation).where(public_consultation.c.code == code))
        .mappings()
        .first()
    )
    if found is None:
        return None
    d, c = public_consultation_document.c, public_consultation_comment.c
    documents = frame_of(
        session,
        select(public_consultation_document).where(d.consultation_id == found["id"]).order_by(d.id),
        public_consultation_document,
    )
    comments = frame_of(
        session,
        select(public_consultation_comment).where(c.consultation_id == found["id"]).order_by(c.submitted_at, c.id),
        public_consultation_comment,
    )
    return ConsultationView(row=dict(found), documents=documents, comments=comments)


def answered_questions(session: Session, query: str = "", topic: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Published questions with their answers, newest first: every one, or those matching ``query`` (every word,
    the last as a prefix, with or without diacritics), optionally of one topic."""
    q = public_question.c
    words = search.query_words(query)
    if not words:
        stmt = select(public_question).order_by(q.published_at.desc()).limit(limit)
        if topic:
            stmt = stmt.where(q.topic_code == topic)
        return frame_of(session, stmt, public_question)
    dialect = session.connection().dialect.name
    source, condition = search.match_sql(dialect, "question")
    extra = " AND p.topic_code = :topic" if topic else ""
    sql = (
        f"SELECT p.id, p.topic_code, p.text, p.asked_at, p.answer_vi, p.answer_en, p.published_at FROM {source} "
        f"JOIN public_question p ON p.id = s.ref_id WHERE {condition}{extra} ORDER BY p.published_at DESC, p.id DESC "
        "LIMIT :limit"
    )
    params: dict[str, Any] = {"q": search.match_param(dialect, words), "limit": limit, "topic": topic}
    typed = text(sql).columns(*[public_question.c[c] for c in QUESTION_COLUMNS])
    return frame_of(session, typed.bindparams(**{k: v for k, v in params.items() if f":{k}" in sql}), public_question)
