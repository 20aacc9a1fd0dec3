"""The internal app's way to the services of citizens' voice and the PAR database (issue 11), beside
dashboards/internal_access.py: every call opens its own session, runs one service (which checks the acting
user's permission and writes the audit entry) and returns plain data. Pages never open a session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from backend.auth.permissions import Actor
from backend.db import session_scope
from backend.services import (
    consultations,
    moderation,
    pardb,
    pardb_links,
    public_query,
    questions,
    voice_results,
    voice_surveys,
)
from backend.services.voice_templates import load_templates


def templates() -> dict[str, tuple[str, str, str]]:
    """Questionnaire templates: code → (scope, title_vi, title_en)."""
    return {code: (spec.scope, spec.title_vi, spec.title_en) for code, spec in load_templates().items()}


def units() -> pd.DataFrame:
    with session_scope() as session:
        return public_query.units_frame(session)


def criteria() -> pd.DataFrame:
    with session_scope() as session:
        return public_query.criteria_frame(session)


def topics() -> pd.DataFrame:
    with session_scope() as session:
        return questions.topics(session)


# ---- online surveys --------------------------------------------------------------------------------------


def surveys(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return voice_surveys.list_surveys(session, actor=actor)


def survey_items(actor: Actor, survey_id: int) -> pd.DataFrame:
    with session_scope() as session:
        return voice_surveys.survey_items(session, actor=actor, survey_id=survey_id)


def create_survey(actor: Actor, **values: Any) -> str:
    """Create a draft survey; returns its public code."""
    with session_scope() as session:
        return voice_surveys.create_survey(session, actor=actor, **values).code


def set_items(actor: Actor, survey_id: int, rows: list[dict[str, Any]]) -> None:
    with session_scope() as session:
        voice_surveys.set_items(session, actor=actor, survey_id=survey_id, rows=rows)


def survey_step(actor: Actor, survey_id: int, action: str) -> None:
    """``open`` or ``close`` a survey."""
    step = {"open": voice_surveys.open_survey, "close": voice_surveys.close_survey}[action]
    with session_scope() as session:
        step(session, actor=actor, survey_id=survey_id)


def set_period(actor: Actor, survey_id: int, opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    with session_scope() as session:
        voice_surveys.set_period(session, actor=actor, survey_id=survey_id, opens_at=opens_at, closes_at=closes_at)


def compute(actor: Actor, survey_id: int) -> tuple[int, int]:
    """Compute the survey's aggregates; (version, responses)."""
    with session_scope() as session:
        result = voice_results.compute(session, actor=actor, survey_id=survey_id)
        return result.version, result.responses


# ---- results and their publication ------------------------------------------------------------------------


def results(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return voice_results.list_results(session, actor=actor)


def result_rows(actor: Actor, result_id: int) -> pd.DataFrame:
    with session_scope() as session:
        return voice_results.result_rows(session, actor=actor, result_id=result_id)


def result_actions(actor: Actor, status: str) -> list[str]:
    return voice_results.possible_actions(actor, status)


def result_step(actor: Actor, result_id: int, action: str, reason: str, publish_at: dt.datetime | None) -> None:
    with session_scope() as session:
        voice_results.transition(
            session, actor=actor, result_id=result_id, action=action, reason=reason, publish_at=publish_at
        )


# ---- moderation ----------------------------------------------------------------------------------------------


def moderation_queue(actor: Actor, status: str) -> pd.DataFrame:
    with session_scope() as session:
        return moderation.queue(session, actor=actor, status=status)


def moderate(actor: Actor, kind: str, item_id: int, decision: str, exclude: bool, note: str) -> None:
    with session_scope() as session:
        moderation.decide(
            session, actor=actor, kind=kind, item_id=item_id, decision=decision, exclude=exclude, note=note
        )


def reveal_contact(actor: Actor, kind: str, item_id: int) -> str:
    with session_scope() as session:
        return moderation.reveal_contact(session, actor=actor, kind=kind, item_id=item_id)


# ---- consultations -----------------------------------------------------------------------------------------


def consultation_list(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return consultations.list_consultations(session, actor=actor)


def create_consultation(actor: Actor, **values: Any) -> str:
    with session_scope() as session:
        return consultations.create_consultation(session, actor=actor, **values).code


def add_consultation_document(
    actor: Actor, consultation_id: int, title: str, url: str, document_id: int | None
) -> None:
    with session_scope() as session:
        consultations.add_document(
            session, actor=actor, consultation_id=consultation_id, title=title, url=url, document_id=document_id
        )


def consultation_step(actor: Actor, consultation_id: int, action: str) -> None:
    step = {"open": consultations.open_consultation, "close": consultations.close_consultation}[action]
    with session_scope() as session:
        step(session, actor=actor, consultation_id=consultation_id)


def publish_response(actor: Actor, consultation_id: int, **texts: str) -> None:
    with session_scope() as session:
        consultations.publish_response(session, actor=actor, consultation_id=consultation_id, **texts)


# ---- questions and answers -------------------------------------------------------------------------------


def question_list(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return questions.list_questions(session, actor=actor)


def answer_question(actor: Actor, question_id: int, answer_vi: str, answer_en: str, topic_code: str | None) -> None:
    with session_scope() as session:
        questions.answer_question(
            session,
            actor=actor,
            question_id=question_id,
            answer_vi=answer_vi,
            answer_en=answer_en,
            topic_code=topic_code,
        )


def publish_answer(actor: Actor, question_id: int, publish: bool, reason: str = "") -> None:
    with session_scope() as session:
        if publish:
            questions.publish_answer(session, actor=actor, question_id=question_id)
        else:
            questions.unpublish_answer(session, actor=actor, question_id=question_id, reason=reason)


# ---- the PAR database ------------------------------------------------------------------------------------


def documents(actor: Actor, year: int | None, unit_id: int | None) -> pd.DataFrame:
    with session_scope() as session:
        return pardb.staff_documents(session, actor=actor, year=year, unit_id=unit_id)


def add_document(actor: Actor, **values: Any) -> int:
    with session_scope() as session:
        return pardb.add_document(session, actor=actor, **values).id or 0


def correct_document(actor: Actor, document_id: int, **changes: Any) -> None:
    with session_scope() as session:
        pardb.correct_document(session, actor=actor, document_id=document_id, **changes)


def set_document_status(actor: Actor, document_id: int, status: str, reason: str) -> None:
    with session_scope() as session:
        pardb.set_document_status(session, actor=actor, document_id=document_id, status=status, reason=reason)


def document_criteria(actor: Actor, document_id: int) -> list[int]:
    with session_scope() as session:
        return pardb_links.document_criteria(session, actor=actor, document_id=document_id)


def set_criteria(actor: Actor, document_id: int, criterion_ids: list[int]) -> None:
    with session_scope() as session:
        pardb_links.set_criteria(session, actor=actor, document_id=document_id, criterion_ids=criterion_ids)


def evidence_candidates(actor: Actor, document_id: int) -> pd.DataFrame:
    with session_scope() as session:
        return pardb_links.evidence_candidates(session, actor=actor, document_id=document_id)


def link_evidence(actor: Actor, document_id: int, evidence_id: int, linked: bool) -> None:
    with session_scope() as session:
        pardb_links.link_evidence(session, actor=actor, document_id=document_id, evidence_id=evidence_id, linked=linked)


def add_figure(actor: Actor, **values: Any) -> None:
    with session_scope() as session:
        pardb.add_figure(session, actor=actor, **values)


def officer_units(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return pardb_links.officer_units(session, actor=actor)


def evidence_shares(actor: Actor) -> pd.DataFrame:
    with session_scope() as session:
        return pardb_links.shares(session, actor=actor)


def share_evidence(actor: Actor, unit_id: int, year: int, allow: bool) -> None:
    with session_scope() as session:
        pardb_links.share_evidence(session, actor=actor, unit_id=unit_id, year=year, allow=allow)
