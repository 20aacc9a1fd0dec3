"""Moderation and publication permissions of citizens' voice and the PAR database, for every role: each action
is tried by each role on a fresh object; the roles of the permission table succeed, every other role is refused
(PermissionDenied, nothing changed)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from backend import personal
from backend.auth.permissions import PERMISSIONS, Actor
from backend.db import get_engine, session_scope
from backend.errors import PermissionDenied
from backend.models import Consultation, ConsultationComment, Question, Unit, VoiceResult, VoiceSubmission, VoiceSurvey
from backend.models.users import ROLES
from backend.services import consultations, moderation, pardb, pardb_links, questions, voice_results, voice_surveys
from tests.conftest import clear_caches
from tests.factories_voice import EDITOR, LEADER, PERSONAL_KEY

ALL_ROLES = (*ROLES, "system")
NOW = dt.datetime.now(dt.UTC)
HANOI_SCOPE = "province_34:01"


@pytest.fixture
def url(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PERSONAL_DATA_KEY", PERSONAL_KEY)
    clear_caches()
    return store_url


def _actor(session: Session, role: str) -> Actor:
    """A stored user holding ``role`` (Hà Nội's for a unit officer), or the system."""
    if role == "system":
        return Actor.system()
    from tests.factories import Staff

    return Staff(f"u_{role}", role, scope=HANOI_SCOPE if role == "unit_officer" else "*")(session)


def _hanoi(session: Session) -> int:
    return int(session.exec(select(Unit).where(Unit.kind == "province_34", Unit.code == "01")).one().id or 0)


def _submission(session: Session) -> int:
    row = VoiceSubmission(
        at=NOW,
        kind="comment",
        target_id=0,
        source_hash="a" * 64,
        session_hash="b" * 64,
        token=secrets.token_hex(16),
        fingerprint="c" * 64,
    )
    session.add(row)
    session.flush()
    return int(row.id or 0)


def _consultation(session: Session, *, status: str = "open") -> Consultation:
    made = consultations.create_consultation(
        session,
        actor=EDITOR(session),
        title_vi="Dự thảo",
        summary_vi="Tóm tắt",
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=1),
    )
    made.status = status
    session.add(made)
    session.flush()
    return made


def _comment(session: Session) -> int:
    consultation = _consultation(session)
    comment = ConsultationComment(
        consultation_id=consultation.id or 0,
        submission_id=_submission(session),
        text="Ý kiến",
        submitted_at=NOW,
        contact_hash=personal.hash_contact("0912345678"),
        contact_encrypted=personal.encrypt("0912345678"),
    )
    session.add(comment)
    session.flush()
    return int(comment.id or 0)


def _survey(session: Session) -> VoiceSurvey:
    survey = voice_surveys.create_survey(
        session,
        actor=EDITOR(session),
        template="province_reform",
        title_vi="Khảo sát",
        unit_id=_hanoi(session),
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=1),
    )
    return voice_surveys.open_survey(session, actor=EDITOR(session), survey_id=survey.id or 0)  # type: ignore[no-any-return]


def _result(session: Session, status: str) -> int:
    result = voice_results.compute(session, actor=EDITOR(session), survey_id=_survey(session).id or 0)
    if status in ("approved", "published"):
        voice_results.transition(session, actor=LEADER(session), result_id=result.id or 0, action="approve")
    if status == "published":
        voice_results.transition(session, actor=LEADER(session), result_id=result.id or 0, action="publish")
    return int(result.id or 0)


def _answered_question(session: Session) -> int:
    question = Question(
        submission_id=_submission(session),
        topic_code="general",
        text="Câu hỏi về cải cách?",
        asked_at=NOW,
        moderation="approved",
    )
    session.add(question)
    session.flush()
    questions.answer_question(session, actor=EDITOR(session), question_id=question.id or 0, answer_vi="Trả lời.")
    return int(question.id or 0)


# action -> (permission, setup returning an id, the action as a role, what the store shows afterwards)
CASES: dict[
    str, tuple[str, Callable[[Session], Any], Callable[[Session, Actor, Any], Any], Callable[[Session, Any], Any]]
] = {
    "moderate": (
        "voice_moderate",
        _comment,
        lambda s, a, i: moderation.decide(s, actor=a, kind="comment", item_id=i, decision="approved"),
        lambda s, i: s.get(ConsultationComment, i).moderation,  # type: ignore[union-attr]
    ),
    "reveal_contact": (
        "voice_view_contacts",
        _comment,
        lambda s, a, i: moderation.reveal_contact(s, actor=a, kind="comment", item_id=i),
        lambda s, i: None,
    ),
    "create_survey": (
        "voice_edit",
        _hanoi,
        lambda s, a, i: voice_surveys.create_survey(
            s,
            actor=a,
            template="province_reform",
            title_vi="K",
            unit_id=i,
            opens_at=NOW,
            closes_at=NOW + dt.timedelta(days=1),
        ),
        lambda s, i: len(s.exec(select(VoiceSurvey)).all()),
    ),
    "compute_online_results": (
        "voice_edit",
        lambda s: _survey(s).id,
        lambda s, a, i: voice_results.compute(s, actor=a, survey_id=i),
        lambda s, i: len(s.exec(select(VoiceResult)).all()),
    ),
    "approve_online_results": (
        "approve",
        lambda s: _result(s, "draft"),
        lambda s, a, i: voice_results.transition(s, actor=a, result_id=i, action="approve"),
        lambda s, i: s.get(VoiceResult, i).status,  # type: ignore[union-attr]
    ),
    "publish_online_results": (
        "publish",
        lambda s: _result(s, "approved"),
        lambda s, a, i: voice_results.transition(
            s, actor=a, result_id=i, action="publish", publish_at=NOW + dt.timedelta(days=1)
        ),
        lambda s, i: s.get(VoiceResult, i).status,  # type: ignore[union-attr]
    ),
    "withdraw_online_results": (
        "withdraw",
        lambda s: _result(s, "published"),
        lambda s, a, i: voice_results.transition(s, actor=a, result_id=i, action="withdraw", reason="error"),
        lambda s, i: s.get(VoiceResult, i).status,  # type: ignore[union-attr]
    ),
    "see_online_results_before_publication": (
        "voice_view_results",
        lambda s: _result(s, "draft"),
        lambda s, a, i: voice_results.result_rows(s, actor=a, result_id=i),
        lambda s, i: None,
    ),
    "publish_consultation_response": (
        "voice_edit",
        lambda s: _consultation(s, status="closed").id,
        lambda s, a, i: consultations.publish_response(
            s, actor=a, consultation_id=i, comment_summary_vi="Tổng hợp", response_vi="Giải trình"
        ),
        lambda s, i: s.get(Consultation, i).status,  # type: ignore[union-attr]
    ),
    "publish_answer": (
        "voice_edit",
        _answered_question,
        lambda s, a, i: questions.publish_answer(s, actor=a, question_id=i),
        lambda s, i: s.get(Question, i).status,  # type: ignore[union-attr]
    ),
    "add_par_document": (
        "pardb_edit",
        _hanoi,
        lambda s, a, i: pardb.add_document(
            s,
            actor=a,
            kind="plan",
            issuer="UBND",
            number="1/KH",
            issued_on=dt.date(2024, 1, 1),
            unit_id=i,
            year=2024,
            topic_code="general",
            title="Kế hoạch",
        ),
        lambda s, i: len(pardb.staff_documents(s, actor=EDITOR(s))),
    ),
    "share_evidence": (
        "share_evidence",
        _hanoi,
        lambda s, a, i: pardb_links.share_evidence(s, actor=a, unit_id=i, year=2024, allow=True),
        lambda s, i: None,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_role_on_every_moderation_and_publication_action(url: str, case: str) -> None:
    permission, setup, act, observe = CASES[case]
    engine = get_engine(url)
    allowed_roles = []
    for role in ALL_ROLES:
        with session_scope(engine) as session:
            target = setup(session)
            before = observe(session, target)
        with session_scope(engine) as session:
            actor = _actor(session, role)
        try:
            with session_scope(engine) as session:
                act(session, actor, target)
        except PermissionDenied as denied:
            assert actor.username in denied.message("vi") and actor.username in denied.message("en")
            with session_scope(engine) as session:
                assert observe(session, target) == before, (case, role)  # nothing changed
        else:
            allowed_roles.append(role)
    assert set(allowed_roles) == set(PERMISSIONS[permission]) & set(ALL_ROLES), (case, allowed_roles)
