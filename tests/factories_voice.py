"""Factory of citizens' voice and PAR database content for tests and the browser suite (issue 11).

On top of the result-set factory's store (reference data, frameworks with criteria), it makes everything through
the services and the anonymous submission path, as staff and citizens would:

* an open province survey (Hà Nội, template ``province_reform``) with ``RESPONSES`` answers from distinct
  addresses, its aggregates computed, approved and published (visible), plus a second version left a draft
  (hidden) after one more answer;
* an open service survey (template ``public_service``) without answers, and a draft survey (hidden);
* an open consultation with one approved comment carrying script and Markdown (``INJECTION``) and one pending
  comment (``PENDING_COMMENT``), and a consultation answered with its summary and response; a draft one (hidden);
* questions: ``PUBLISHED_QUESTIONS`` answered and published, one pending (``PENDING_QUESTION``);
* the PAR database: ``DEMO_DOCUMENTS`` demo documents and their figures, and one official document
  (``OFFICIAL_NUMBER``) linked to a criterion and to a self-assessment evidence record of its unit, which the
  unit shares for that year.

Submissions need PERSONAL_DATA_KEY: callers set it (``PERSONAL_KEY``) before building, and point DATABASE_URL
(on PostgreSQL also SUBMISSION_DATABASE_URL and its password) at the store: citizens' submissions go through
``get_submission_engine()``, as the public app's do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import select

from backend.db import get_engine, get_submission_engine, session_scope
from backend.demo.pardb import generate_pardb_demo
from backend.models import AssessmentScore, Criterion, Dataset, Evidence, Unit
from backend.services import (
    consultations,
    moderation,
    pardb,
    pardb_links,
    questions,
    submissions,
    voice_results,
    voice_surveys,
)
from backend.services import submission_rules as rules
from tests.factories import Staff

PERSONAL_KEY = "test personal-data key: 0123456789 abcdefghij"


EDITOR = Staff("editor", "content_editor")
LEADER = Staff("leader", "leader")
OFFICER = Staff("hanoi", "unit_officer", scope="province_34:01")
RESPONSES = 12
DEMO_DOCUMENTS = 300
INJECTION = "<script>alert('x')</script> **bold** [link](javascript:alert(1)) <img src=x onerror=alert(2)>"
PENDING_COMMENT = "PENDING COMMENT never shown"
PENDING_QUESTION = "PENDING QUESTION never shown to anyone"
DRAFT_SURVEY_TITLE = "DRAFT SURVEY never public"
DRAFT_CONSULTATION_TITLE = "DRAFT CONSULTATION never public"
OFFICIAL_NUMBER = "77/KH-UBND"
OFFICIAL_TITLE = "Kế hoạch cải cách hành chính năm 2024 của thành phố Hà Nội"
PUBLISHED_QUESTIONS = (
    (
        "digital",
        "Khi nào thủ tục đăng ký khai sinh được làm trực tuyến toàn trình?",
        "Từ năm 2024, thủ tục này đã được cung cấp trực tuyến toàn trình trên Cổng dịch vụ công quốc gia.",
    ),
    (
        "services",
        "Chỉ số hài lòng SIPAS được đo như thế nào?",
        "SIPAS được đo bằng điều tra xã hội học đối với hộ gia đình được chọn mẫu ở mọi tỉnh.",
    ),
)


@dataclass
class VoiceFactory:
    survey_code: str = ""
    service_code: str = ""
    draft_survey_code: str = ""
    consultation_code: str = ""
    answered_code: str = ""
    draft_consultation_code: str = ""
    published_result_id: int = 0
    draft_result_id: int = 0
    unit_id: int = 0
    official_document_id: int = 0
    evidence_id: int = 0
    question_ids: list[int] = field(default_factory=list)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def send(kind: str, target: str, call: object, address: str, **values: object) -> submissions.Outcome:
    """One citizen's submission through the anonymous path (a form shown 10 s earlier)."""
    token = rules.issue_token(kind, target, _now() - dt.timedelta(seconds=10))
    client = rules.Client(address=address, session=f"session-{address}")
    return call(client=client, token=token, consent=True, **values)  # type: ignore[operator, no-any-return]


def build_voice_store(url: str) -> VoiceFactory:
    """Everything of the module docstring in the store at ``url`` (already built by tests.factories_results)."""
    made = VoiceFactory()
    engine = get_engine(url)
    opens, closes = _now() - dt.timedelta(days=1), _now() + dt.timedelta(days=30)
    with session_scope(engine) as session:
        hanoi = session.exec(select(Unit).where(Unit.kind == "province_34", Unit.code == "01")).one()
        made.unit_id = int(hanoi.id or 0)
        survey = voice_surveys.create_survey(
            session,
            actor=EDITOR(session),
            template="province_reform",
            title_vi="Người dân Hà Nội đánh giá CCHC",
            title_en="Ha Noi citizens rate PAR",
            unit_id=made.unit_id,
            opens_at=opens,
            closes_at=closes,
        )
        voice_surveys.open_survey(session, actor=EDITOR(session), survey_id=survey.id or 0)
        service = voice_surveys.create_survey(
            session,
            actor=EDITOR(session),
            template="public_service",
            title_vi="Đánh giá dịch vụ cấp hộ chiếu",
            title_en="Rating passport issuance",
            service_vi="Cấp hộ chiếu phổ thông",
            service_en="Passport issuance",
            opens_at=opens,
            closes_at=closes,
        )
        voice_surveys.open_survey(session, actor=EDITOR(session), survey_id=service.id or 0)
        draft = voice_surveys.create_survey(
            session,
            actor=EDITOR(session),
            template="province_reform",
            title_vi=DRAFT_SURVEY_TITLE,
            unit_id=made.unit_id,
            opens_at=opens,
            closes_at=closes,
        )
        made.survey_code, made.service_code, made.draft_survey_code = survey.code, service.code, draft.code
        consultation = consultations.create_consultation(
            session,
            actor=EDITOR(session),
            title_vi="Dự thảo quy chế tiếp nhận phản ánh, kiến nghị",
            title_en="Draft rules on citizens' feedback",
            summary_vi="Dự thảo quy định cách tiếp nhận và trả lời phản ánh, kiến nghị.",
            topic_code="procedures",
            opens_at=opens,
            closes_at=closes,
        )
        consultations.add_document(
            session,
            actor=EDITOR(session),
            consultation_id=consultation.id or 0,
            title="Dự thảo quy chế",
            url="https://example.org/du-thao.pdf",
        )
        consultations.open_consultation(session, actor=EDITOR(session), consultation_id=consultation.id or 0)
        answered = consultations.create_consultation(
            session,
            actor=EDITOR(session),
            title_vi="Sáng kiến một cửa số",
            summary_vi="Sáng kiến về bộ phận một cửa số.",
            opens_at=opens - dt.timedelta(days=60),
            closes_at=opens,
        )
        consultations.open_consultation(session, actor=EDITOR(session), consultation_id=answered.id or 0)
        consultations.close_consultation(session, actor=EDITOR(session), consultation_id=answered.id or 0)
        consultations.publish_response(
            session,
            actor=EDITOR(session),
            consultation_id=answered.id or 0,
            comment_summary_vi="Đa số ý kiến ủng hộ.",
            response_vi="Bộ tiếp thu và hoàn thiện sáng kiến.",
        )
        draft_consultation = consultations.create_consultation(
            session,
            actor=EDITOR(session),
            title_vi=DRAFT_CONSULTATION_TITLE,
            summary_vi="x",
            opens_at=opens,
            closes_at=closes,
        )
        made.consultation_code, made.answered_code = consultation.code, answered.code
        made.draft_consultation_code = draft_consultation.code
    _citizens(made, url)
    _staff_after_citizens(made, url)
    _pardb(made, url)
    engine.dispose()
    get_submission_engine().dispose()
    return made


def _citizens(made: VoiceFactory, url: str) -> None:
    writer = get_submission_engine()
    for n in range(RESPONSES):
        answers = {
            "information": 1 + n % 5,
            "simpler": 5 - n % 3,
            "conduct": 4,
            "preferred": "portal" if n % 2 else "hotline",
        }
        if n == 0:
            answers["comment"] = "Thủ tục cần đơn giản hơn."
        outcome = send(
            "survey",
            made.survey_code,
            submissions.submit_survey,
            f"10.0.0.{n}",
            survey_code=made.survey_code,
            answers=answers,
            engine=writer,
        )
        assert outcome.status == "accepted", outcome
    for address, text in (("10.1.0.1", INJECTION), ("10.1.0.2", PENDING_COMMENT)):
        outcome = send(
            "comment",
            made.consultation_code,
            submissions.submit_comment,
            address,
            consultation_code=made.consultation_code,
            text_value=text,
            contact="0912 345 678",
            engine=writer,
        )
        assert outcome.status == "accepted", outcome
    for n, (topic, text, _) in enumerate(PUBLISHED_QUESTIONS):
        outcome = send(
            "question",
            "questions",
            submissions.submit_question,
            f"10.2.0.{n}",
            topic_code=topic,
            text_value=text,
            engine=writer,
        )
        assert outcome.status == "accepted", outcome
    outcome = send(
        "question",
        "questions",
        submissions.submit_question,
        "10.2.0.9",
        topic_code="general",
        text_value=PENDING_QUESTION,
        engine=writer,
    )
    assert outcome.status == "accepted", outcome


def _staff_after_citizens(made: VoiceFactory, url: str) -> None:
    with session_scope(get_engine(url)) as session:
        queue = moderation.queue(session, actor=EDITOR(session))
        for entry in queue.to_dict("records"):
            if entry["text"] in (PENDING_COMMENT, PENDING_QUESTION):
                continue
            moderation.decide(
                session, actor=EDITOR(session), kind=entry["kind"], item_id=int(entry["id"]), decision="approved"
            )
            if entry["kind"] == "question":
                answer = next(a for _, q, a in PUBLISHED_QUESTIONS if q == entry["text"])
                questions.answer_question(
                    session, actor=EDITOR(session), question_id=int(entry["id"]), answer_vi=answer
                )
                questions.publish_answer(session, actor=EDITOR(session), question_id=int(entry["id"]))
                made.question_ids.append(int(entry["id"]))
        survey_id = int(
            voice_surveys.list_surveys(session, actor=EDITOR(session)).set_index("code").loc[made.survey_code, "id"]
        )
        result = voice_results.compute(session, actor=EDITOR(session), survey_id=survey_id)
        voice_results.transition(session, actor=LEADER(session), result_id=result.id or 0, action="approve")
        voice_results.transition(
            session,
            actor=LEADER(session),
            result_id=result.id or 0,
            action="publish",
            publish_at=_now() - dt.timedelta(minutes=1),
        )
        made.published_result_id = int(result.id or 0)
    writer = get_submission_engine()
    extra = {"information": 5, "simpler": 5, "conduct": 5}
    assert (
        send(
            "survey",
            made.survey_code,
            submissions.submit_survey,
            "10.0.1.1",
            survey_code=made.survey_code,
            answers=extra,
            engine=writer,
        ).status
        == "accepted"
    )
    with session_scope(get_engine(url)) as session:
        made.draft_result_id = int(voice_results.compute(session, actor=EDITOR(session), survey_id=survey_id).id or 0)


def _pardb(made: VoiceFactory, url: str) -> None:
    with get_engine(url).begin() as connection:
        generate_pardb_demo(connection, documents=DEMO_DOCUMENTS, years=[2023, 2024, 2025], seed=7)
    with session_scope(get_engine(url)) as session:
        document = pardb.add_document(
            session,
            actor=EDITOR(session),
            kind="plan",
            issuer="Ủy ban nhân dân thành phố Hà Nội",
            number=OFFICIAL_NUMBER,
            issued_on=dt.date(2024, 1, 15),
            unit_id=made.unit_id,
            year=2024,
            topic_code="direction",
            title=OFFICIAL_TITLE,
            summary="Kế hoạch năm về cải cách hành chính.",
            url="https://example.org/kh-77.pdf",
        )
        made.official_document_id = int(document.id or 0)
        criterion = session.exec(select(Criterion).order_by(Criterion.id)).first()  # type: ignore[arg-type]
        assert criterion is not None
        pardb_links.set_criteria(
            session,
            actor=EDITOR(session),
            document_id=made.official_document_id,
            criterion_ids=[int(criterion.id or 0)],
        )
        dataset = session.exec(select(Dataset)).first()
        assert dataset is not None
        score = AssessmentScore(
            dataset_id=dataset.id or 0,
            year=2024,
            unit_id=made.unit_id,
            criterion_id=int(criterion.id or 0),
            self_score=5.0,
        )
        session.add(score)
        session.flush()
        evidence = Evidence(score_id=score.id or 0, ref_code="77/kh-UBND", title="Kế hoạch CCHC 2024")
        session.add(evidence)
        session.flush()
        made.evidence_id = int(evidence.id or 0)
        pardb_links.link_evidence(
            session, actor=EDITOR(session), document_id=made.official_document_id, evidence_id=made.evidence_id
        )
        pardb_links.share_evidence(session, actor=OFFICER(session), unit_id=made.unit_id, year=2024, allow=True)
