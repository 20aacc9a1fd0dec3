"""The public read path of citizens' voice and the PAR database (migration 0008): database views that show
only what is public, described here as plain SQLAlchemy tables on the views' own MetaData (as in
backend/models/public.py), so that neither ``create_all`` nor Alembic's autogenerate mistakes them for tables.

What each view shows (its WHERE clause is the rule):

* ``public_voice_survey`` / ``public_voice_item`` — surveys whose link is out (open or closed) and their items;
* ``public_voice_result`` / ``public_voice_result_row`` — online-survey aggregates that are published and past
  their embargo (the visibility rule of ``public_result_set``), and their rows;
* ``public_consultation`` (the comment summary and response only once ``answered``),
  ``public_consultation_document``, ``public_consultation_comment`` (approved comments only);
* ``public_question`` — published answers to approved questions;
* ``public_par_document``, ``public_par_figure`` — published entries of the PAR database;
  ``public_par_document_criterion`` — their PAR criteria; ``public_par_evidence`` — the self-assessment evidence
  they are cited as, for the units and years whose unit allows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table

from backend.models.consult import Consultation, ConsultationComment, ConsultationDocument, Question
from backend.models.pardb import ParDocument, ParDocumentCriterion, ParFigure
from backend.models.public import VIEWS
from backend.models.voice import VoiceItem, VoiceResult, VoiceResultRow, VoiceSurvey

SURVEY_FIELDS = (
    "id",
    "code",
    "template",
    "title_vi",
    "title_en",
    "intro_vi",
    "intro_en",
    "scope",
    "unit_id",
    "service_vi",
    "service_en",
    "opens_at",
    "closes_at",
    "status",
)
ITEM_FIELDS = ("id", "survey_id", "position", "code", "kind", "text_vi", "text_en", "options", "required")
RESULT_FIELDS = ("id", "survey_id", "version", "status", "responses", "computed_at", "publish_at", "published_at")
RESULT_ROW_FIELDS = ("id", "result_id", "unit_id", "item_code", "metric", "option", "value", "n")
CONSULTATION_FIELDS = (
    "id",
    "code",
    "topic_code",
    "title_vi",
    "title_en",
    "summary_vi",
    "summary_en",
    "opens_at",
    "closes_at",
    "status",
    "comment_summary_vi",
    "comment_summary_en",
    "response_vi",
    "response_en",
    "answered_at",
)
#: shown only once the consultation is answered
CONSULTATION_LATER = ("comment_summary_vi", "comment_summary_en", "response_vi", "response_en", "answered_at")
DOCUMENT_LINK_FIELDS = ("id", "consultation_id", "title", "url", "document_id")
COMMENT_FIELDS = ("id", "consultation_id", "text", "submitted_at")
QUESTION_FIELDS = ("id", "topic_code", "text", "asked_at", "answer_vi", "answer_en", "published_at")
PAR_DOCUMENT_FIELDS = (
    "id",
    "dataset_id",
    "kind",
    "issuer",
    "number",
    "issued_on",
    "unit_id",
    "year",
    "topic_code",
    "title",
    "summary",
    "url",
    "updated_at",
)
PAR_FIGURE_FIELDS = (
    "id",
    "dataset_id",
    "unit_id",
    "year",
    "topic_code",
    "code",
    "name_vi",
    "name_en",
    "value",
    "measure",
    "document_id",
)


def _view(name: str, model: Any, fields: tuple[str, ...], *extra: Column[Any]) -> Table:
    columns = [Column(f, model.__table__.c[f].type) for f in fields]
    return Table(name, VIEWS, *columns, *extra)


public_voice_survey = _view("public_voice_survey", VoiceSurvey, SURVEY_FIELDS)
public_voice_item = _view("public_voice_item", VoiceItem, ITEM_FIELDS)
public_voice_result = _view(
    "public_voice_result",
    VoiceResult,
    RESULT_FIELDS,
    Column("visible_from", VoiceResult.__table__.c["publish_at"].type),  # type: ignore[attr-defined]
)
public_voice_result_row = _view("public_voice_result_row", VoiceResultRow, RESULT_ROW_FIELDS)
public_consultation = _view("public_consultation", Consultation, CONSULTATION_FIELDS)
public_consultation_document = _view("public_consultation_document", ConsultationDocument, DOCUMENT_LINK_FIELDS)
public_consultation_comment = _view("public_consultation_comment", ConsultationComment, COMMENT_FIELDS)
public_question = _view("public_question", Question, QUESTION_FIELDS)
public_par_document = _view("public_par_document", ParDocument, PAR_DOCUMENT_FIELDS)
public_par_document_criterion = _view(
    "public_par_document_criterion", ParDocumentCriterion, ("document_id", "criterion_id")
)
public_par_figure = _view("public_par_figure", ParFigure, PAR_FIGURE_FIELDS)
public_par_evidence = Table(
    "public_par_evidence",
    VIEWS,
    Column("document_id", ParDocument.__table__.c["id"].type),  # type: ignore[attr-defined]
    Column("evidence_id", ParDocument.__table__.c["id"].type),  # type: ignore[attr-defined]
    Column("ref_code", ParDocument.__table__.c["number"].type),  # type: ignore[attr-defined]
    Column("title", ParDocument.__table__.c["title"].type),  # type: ignore[attr-defined]
    Column("issued_on", ParDocument.__table__.c["issued_on"].type),  # type: ignore[attr-defined]
    Column("unit_id", ParDocument.__table__.c["id"].type),  # type: ignore[attr-defined]
    Column("year", ParDocument.__table__.c["year"].type),  # type: ignore[attr-defined]
    Column("criterion_id", ParDocument.__table__.c["id"].type),  # type: ignore[attr-defined]
)
