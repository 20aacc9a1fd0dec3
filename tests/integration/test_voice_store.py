"""Citizens' voice and the PAR database on SQLite and on PostgreSQL (issue 11): what the public connection may see,
what the anonymous submission connection may do, the abuse controls (1,000 submissions from one address among
them), the audit of staff actions, the embargo of online results, and Vietnamese full-text search with and
without diacritics — the same queries on both stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from backend.audit import verify_chain
from backend.db import get_engine, get_public_engine, get_submission_engine, session_scope
from backend.errors import DomainError
from backend.models import AuditLog, VoiceSubmission
from backend.personal import hash_address
from backend.published import pardb as public_pardb
from backend.published import voice
from backend.services import pardb, submissions, voice_results
from backend.services.submissions import FormRefused
from tests.conftest import clear_caches, public_login
from tests.factories_results import build_store
from tests.factories_voice import (
    DRAFT_CONSULTATION_TITLE,
    DRAFT_SURVEY_TITLE,
    EDITOR,
    INJECTION,
    LEADER,
    OFFICIAL_NUMBER,
    PENDING_COMMENT,
    PENDING_QUESTION,
    PERSONAL_KEY,
    VoiceFactory,
    build_voice_store,
    send,
)

SUBMIT_LOGIN, SUBMIT_PASSWORD = "par_form", "f0rm p@ss:w/o#rd%"


@dataclass
class Store:
    owner_url: str
    made: VoiceFactory
    dialect: str

    @property
    def public(self) -> Engine:
        return get_public_engine()

    @property
    def writer(self) -> Engine:
        return get_submission_engine()


def _submission_login(server: object, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The submission login ``par_form`` (member of par_submit) as an administrator creates it."""
    from psycopg import sql

    from tests.pg import PostgresServer

    assert isinstance(server, PostgresServer)
    for statement in ("CREATE ROLE par_submit NOLOGIN", f"CREATE ROLE {SUBMIT_LOGIN} LOGIN IN ROLE par_submit"):
        server.execute(f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    server.execute(
        sql.SQL("ALTER ROLE {} PASSWORD {}")
        .format(sql.Identifier(SUBMIT_LOGIN), sql.Literal(SUBMIT_PASSWORD))
        .as_string()
    )
    monkeypatch.setenv("SUBMISSION_DATABASE_URL", server.url(url.rsplit("/", 1)[1], user=SUBMIT_LOGIN))
    monkeypatch.setenv("SUBMISSION_DATABASE_PASSWORD", SUBMIT_PASSWORD)
    clear_caches()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store per kind for the module, built as staff and citizens would (tests/factories_voice.py)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PERSONAL_DATA_KEY", PERSONAL_KEY)
        for name in ("PUBLIC_DATABASE_URL", "SUBMISSION_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)
        server = None
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('voice') / 'store.db'}"
        else:
            server = request.getfixturevalue("pg_server")
            url = server.create_database()
        monkeypatch.setenv("DATABASE_URL", url)
        clear_caches()
        build_store(url, with_hidden=False)
        if server is not None:
            _submission_login(server, url, monkeypatch)
            public_login(server, url, monkeypatch)
        made = build_voice_store(url)
        yield Store(url, made, "sqlite" if server is None else "postgresql")
        for engine in (get_public_engine(), get_submission_engine(), get_engine(url)):
            engine.dispose()
        clear_caches()
        if server is not None:
            server.drop_database(url)


def _refused(engine: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql(statement)


# ---- what the public sees -----------------------------------------------------------------------------------


def test_the_public_sees_what_is_public_and_nothing_else(store: Store) -> None:
    made = store.made
    with session_scope(store.public) as session:
        assert set(voice.surveys(session)["code"]) == {made.survey_code, made.service_code}
        assert voice.survey_form(session, made.draft_survey_code) is None
        form = voice.survey_form(session, made.survey_code)
        assert form is not None and form.is_open() and [i.code for i in form.items][:2] == ["information", "simpler"]
        results = voice.published_results(session)
        assert results["id"].tolist() == [made.published_result_id]
        assert not voice.result_rows(session, made.published_result_id).empty
        assert voice.result_rows(session, made.draft_result_id).empty
        listed = voice.consultations(session)
        assert set(listed["code"]) == {made.consultation_code, made.answered_code}
        assert DRAFT_CONSULTATION_TITLE not in set(listed["title_vi"])
        open_one = voice.consultation(session, made.consultation_code)
        answered = voice.consultation(session, made.answered_code)
        assert open_one is not None and answered is not None
        assert open_one.row["response_vi"] == "" and answered.row["response_vi"].startswith("Bộ tiếp thu")
        assert open_one.comments["text"].tolist() == [INJECTION]
        assert len(open_one.documents) == 1
        asked = voice.answered_questions(session)
        assert sorted(asked["id"]) == sorted(made.question_ids) and PENDING_QUESTION not in set(asked["text"])
        page = public_pardb.search_documents(session, public_pardb.DocumentQuery(text=OFFICIAL_NUMBER))
        assert page.documents["id"].tolist()[:1] == [made.official_document_id]
        evidence = public_pardb.evidence_of(session, [made.official_document_id])
        assert evidence["evidence_id"].tolist() == [made.evidence_id]
        assert len(public_pardb.criteria_of(session, [made.official_document_id])) == 1
        assert not public_pardb.figures(session, unit_id=made.unit_id).empty
        assert public_pardb.facets(session).demo


def test_rows_the_public_must_not_see_are_there(store: Store) -> None:
    """The hidden rows exist (so the test above would have seen a leak)."""
    with get_engine(store.owner_url).connect() as connection:
        texts = set(connection.execute(text("SELECT text FROM consultation_comment")).scalars())
        assert PENDING_COMMENT in texts
        assert (
            connection.execute(
                text(f"SELECT count(*) FROM voice_survey WHERE title_vi = '{DRAFT_SURVEY_TITLE}'")
            ).scalar()
            == 1
        )
        assert connection.execute(
            text(f"SELECT count(*) FROM voice_result_row WHERE result_id = {store.made.draft_result_id}")
        ).scalar()


PUBLIC_REFUSED = [
    "SELECT * FROM voice_survey",
    "SELECT text FROM voice_answer",
    "SELECT contact_encrypted FROM voice_response",
    "SELECT count(*) FROM voice_response",
    "SELECT text FROM consultation_comment",
    "SELECT text FROM question",
    "SELECT * FROM voice_result",
    "SELECT value FROM voice_result_row",
    "SELECT * FROM par_document",
    "SELECT * FROM par_figure",
    "SELECT source_hash FROM voice_submission",
    "SELECT * FROM submission_grant",
    "SELECT * FROM evidence_share",
    "SELECT * FROM par_document_evidence",
    "DELETE FROM public_search",
    "INSERT INTO par_topic (code, name_vi, name_en, position) VALUES ('x', 'x', 'x', 1)",
    "UPDATE public_voice_survey SET title_vi = 'x'",
    "INSERT INTO voice_submission (at, kind, target_id, source_hash, session_hash, token, fingerprint) "
    "VALUES (CURRENT_TIMESTAMP, 'comment', 1, 'a', 'b', 'c', 'd')",
]


def test_the_public_connection_reads_no_private_voice_table_and_writes_nothing(store: Store) -> None:
    for statement in PUBLIC_REFUSED:
        _refused(store.public, statement)


# ---- the submission connection ---------------------------------------------------------------------------

WRITER_REFUSED = [
    "SELECT text FROM voice_answer",
    "SELECT contact_encrypted FROM voice_response",
    "SELECT text FROM consultation_comment",
    "SELECT text, contact_encrypted FROM question",
    "SELECT token FROM voice_submission",
    "SELECT * FROM app_user",
    "SELECT * FROM audit_log",
    "SELECT * FROM result_set",
    "SELECT * FROM par_document",
    "SELECT * FROM voice_survey",
    "UPDATE voice_response SET status = 'excluded'",
    "UPDATE consultation_comment SET moderation = 'approved'",
    "UPDATE voice_survey SET status = 'open'",
    "DELETE FROM voice_submission",
    "DELETE FROM voice_answer",
    "INSERT INTO par_topic (code, name_vi, name_en, position) VALUES ('x', 'x', 'x', 1)",
    "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash) "
    "VALUES (CURRENT_TIMESTAMP, 'x', 'x', 'x', '', '{}', '', 'x')",
    "DELETE FROM public_search",
    "DROP TABLE voice_answer",
    "CREATE TABLE leak (a integer)",
    "ALTER TABLE voice_answer ADD COLUMN x integer",
]
WRITER_REFUSED_SQLITE = [
    "ATTACH DATABASE ':memory:' AS other",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA writable_schema = ON",
]


def test_the_submission_connection_can_do_nothing_else(store: Store) -> None:
    extra = WRITER_REFUSED_SQLITE if store.dialect == "sqlite" else []
    with get_engine(store.owner_url).connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM voice_answer")).scalar()
    for statement in [*WRITER_REFUSED, *extra]:
        _refused(store.writer, statement)
    with get_engine(store.owner_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM voice_answer")).scalar() == before


def test_the_owner_login_is_refused_as_the_submission_login(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    if store.dialect == "sqlite":
        pytest.skip("SQLite has no logins: the submission authorizer is the guard")
    with monkeypatch.context() as patch:
        patch.setenv("SUBMISSION_DATABASE_URL", store.owner_url)
        patch.setenv("SUBMISSION_DATABASE_PASSWORD", "")
        clear_caches()
        with pytest.raises(DomainError, match="par_submit"), get_submission_engine().connect():
            pass
    clear_caches()


# ---- abuse controls ---------------------------------------------------------------------------------------


def _accepted_from(store: Store, address: str) -> int:
    s = VoiceSubmission.__table__.c  # type: ignore[attr-defined]
    with get_engine(store.owner_url).connect() as connection:
        return len(connection.execute(select(s.id).where(s.source_hash == hash_address(address))).all())


def test_one_thousand_submissions_from_one_address_meet_the_rate_limit(store: Store) -> None:
    """1,000 comments from one address (each from a new browser session, each different, so that only the
    address limit applies): exactly VOICE_LIMIT_PER_ADDRESS (default 30) are accepted, the rest are refused
    as too many, and nothing of them is stored."""
    code = store.made.consultation_code
    outcomes = [
        send(
            "comment",
            code,
            _comment(n),
            "198.51.100.7",
            consultation_code=code,
            text_value=f"Ý kiến số {n}",
            engine=store.writer,
        ).status
        for n in range(1000)
    ]
    assert outcomes.count("accepted") == 30 and outcomes.count("limited") == 970
    assert outcomes[:30] == ["accepted"] * 30
    assert _accepted_from(store, "198.51.100.7") == 30


def _comment(n: int) -> object:
    """submit_comment from a new session for every call (``send`` derives the session from the address)."""

    def call(**values: object) -> submissions.Outcome:
        client = values.pop("client")
        return submissions.submit_comment(client=type(client)(client.address, f"s{n}"), **values)  # type: ignore[attr-defined, arg-type]

    return call


def test_a_session_is_limited_across_addresses(store: Store) -> None:
    code = store.made.consultation_code

    def same_session(**values: object) -> submissions.Outcome:
        client = values.pop("client")
        return submissions.submit_comment(client=type(client)(client.address, "one-session"), **values)  # type: ignore[attr-defined, arg-type]

    outcomes = [
        send(
            "comment",
            code,
            same_session,
            f"203.0.113.{n}",
            consultation_code=code,
            text_value=f"Ý kiến khác {n}",
            engine=store.writer,
        ).status
        for n in range(8)
    ]
    assert outcomes == ["accepted"] * 5 + ["limited"] * 3


def test_duplicates_replays_honeypots_and_bad_input(store: Store) -> None:
    from backend.services import submission_rules as rules

    made, writer = store.made, store.writer
    code = made.consultation_code
    client = rules.Client("192.0.2.50", "dup-session")
    token = rules.issue_token("comment", code, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=10))
    first = submissions.submit_comment(
        client=client, token=token, consultation_code=code, text_value="Một ý kiến", consent=True, engine=writer
    )
    replay = submissions.submit_comment(
        client=client, token=token, consultation_code=code, text_value="Ý kiến khác hẳn", consent=True, engine=writer
    )
    again = send(
        "comment",
        code,
        submissions.submit_comment,
        "192.0.2.50",
        consultation_code=code,
        text_value="  MỘT   ý kiến ",
        engine=writer,
    )
    assert (first.status, replay.status, again.status) == ("accepted", "duplicate", "duplicate")
    robot = send(
        "comment",
        code,
        submissions.submit_comment,
        "192.0.2.51",
        consultation_code=code,
        text_value="spam",
        honeypot="http://spam",
        engine=writer,
    )
    assert robot.status == "accepted" and _accepted_from(store, "192.0.2.51") == 0
    with pytest.raises(FormRefused, match="2000"):
        send(
            "comment",
            code,
            submissions.submit_comment,
            "192.0.2.52",
            consultation_code=code,
            text_value="x" * 2001,
            engine=writer,
        )
    with pytest.raises(FormRefused):
        submissions.submit_comment(
            client=client,
            token=rules.issue_token("comment", code),
            consultation_code=code,
            text_value="quá nhanh",
            consent=True,
            engine=writer,
        )
    with pytest.raises(FormRefused) as refused:
        send(
            "survey",
            made.survey_code,
            submissions.submit_survey,
            "192.0.2.53",
            survey_code=made.survey_code,
            answers={"information": 9, "nope": 1},
            engine=writer,
        )
    assert {key for key, _ in refused.value.issues} == {
        "voice.submit.bad_rating",
        "voice.submit.unknown_item",
        "voice.submit.required",
    }
    for closed in (made.draft_survey_code, "no-such-code"):
        with pytest.raises(DomainError, match="not take answers"):
            send(
                "survey", closed, submissions.submit_survey, "192.0.2.54", survey_code=closed, answers={}, engine=writer
            )
    with pytest.raises(FormRefused):
        send(
            "survey",
            made.service_code,
            submissions.submit_survey,
            "192.0.2.55",
            survey_code=made.service_code,
            answers={"access": 3, "procedure": 3, "officials": 3, "results": 3, "channel": "online"},
            unit_id=1,
            engine=writer,
        )  # a province of the 63 list, no longer valid
    answers = {"information": 3, "simpler": 3, "conduct": 3}
    assert (
        send(
            "survey",
            made.survey_code,
            submissions.submit_survey,
            "192.0.2.56",
            survey_code=made.survey_code,
            answers=answers,
            contact="x@example.vn",
            engine=writer,
        ).status
        == "accepted"
    )
    twice = send(
        "survey",
        made.survey_code,
        submissions.submit_survey,
        "192.0.2.57",
        survey_code=made.survey_code,
        answers={**answers, "simpler": 4},
        contact="X@Example.vn",
        engine=writer,
    )
    assert twice.status == "duplicate"  # the same contact answers a survey once


# ---- staff side on the store ---------------------------------------------------------------------------------


def test_every_staff_action_is_audited_and_the_chain_holds(store: Store) -> None:
    with session_scope(get_engine(store.owner_url)) as session:
        actions = set(session.exec(select(AuditLog.action)).all())
        assert not verify_chain(session)
    expected = {
        "voice_survey_create",
        "voice_survey_open",
        "consultation_create",
        "consultation_document",
        "consultation_open",
        "consultation_close",
        "consultation_respond",
        "moderate",
        "question_answer",
        "question_publish",
        "voice_result_compute",
        "voice_result_approve",
        "voice_result_publish",
        "pardb_add",
        "pardb_criteria",
        "pardb_link_evidence",
        "evidence_share",
    }
    assert expected <= actions


def test_online_results_follow_the_embargo_and_withdrawal(store: Store) -> None:
    made = store.made
    with session_scope(get_engine(store.owner_url)) as session:
        voice_results.transition(session, actor=LEADER(session), result_id=made.draft_result_id, action="approve")
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        voice_results.transition(
            session, actor=LEADER(session), result_id=made.draft_result_id, action="publish", publish_at=later
        )
    with session_scope(store.public) as session:
        assert voice.published_results(session)["id"].tolist() == [made.published_result_id]  # embargoed
        assert voice.result_rows(session, made.draft_result_id).empty
    with session_scope(get_engine(store.owner_url)) as session:
        voice_results.transition(
            session, actor=LEADER(session), result_id=made.published_result_id, action="withdraw", reason="test"
        )
    with session_scope(store.public) as session:
        assert voice.published_results(session).empty
        assert voice.result_rows(session, made.published_result_id).empty


# ---- full-text search, the same queries on both stores -------------------------------------------------------

CORPUS = {  # name -> title of a document of year 2031 (no demo document has that year)
    "A": "Đề án số hóa hồ sơ lưu trữ xã Phượng Hoàng",
    "B": "Quy chế phối hợp tiếp nhận phản ánh ở Phượng Hoàng",
    "C": "Kế hoạch luân chuyển công chức huyện Ngọc Hiển",
    "D": "Đồng Tháp điều động cán bộ Đắk Lắk",
}
QUERIES = [  # query, expected documents (with and without diacritics, any case, word prefixes)
    ("Phượng Hoàng", {"A", "B"}),
    ("phuong hoang", {"A", "B"}),
    ("PHƯỢNG", {"A", "B"}),
    ("phuong hoang so hoa", {"A"}),
    ("số hóa", {"A"}),
    ("so hoa ho so", {"A"}),
    ("Ngọc Hiển", {"C"}),
    ("ngoc hie", {"C"}),
    ("luan chuyen cong chuc", {"C"}),
    ("đồng tháp", {"D"}),
    ("dong thap dak lak", {"D"}),
    ("Đắk", {"D"}),
    ("phượng ngọc", set()),
    ("zzzz", set()),
]


@pytest.fixture(scope="module")
def corpus(store: Store) -> dict[str, int]:
    ids = {}
    with session_scope(get_engine(store.owner_url)) as session:
        for name, title in CORPUS.items():
            document = pardb.add_document(
                session, actor=EDITOR(session), kind="report", issuer="Bộ Nội vụ", number=f"{name}/BC-BNV", issued_on=dt.date(2031, 3, 1),
                unit_id=None, year=2031, topic_code="general", title=title,
            )  # fmt: skip
            ids[name] = int(document.id or 0)
        withdrawn = pardb.add_document(
            session, actor=EDITOR(session), kind="report", issuer="Bộ Nội vụ", number="W/BC-BNV", issued_on=dt.date(2031, 3, 1),
            unit_id=None, year=2031, topic_code="general", title="Phượng Hoàng đã thu hồi",
        )  # fmt: skip
        pardb.set_document_status(
            session, actor=EDITOR(session), document_id=withdrawn.id or 0, status="withdrawn", reason="sai"
        )
    return ids


@pytest.mark.parametrize("query,expected", QUERIES)
def test_the_same_search_finds_the_same_documents(
    store: Store, corpus: dict[str, int], query: str, expected: set[str]
) -> None:
    with session_scope(store.public) as session:
        page = public_pardb.search_documents(session, public_pardb.DocumentQuery(text=query, year=2031, limit=50))
    assert set(page.documents["id"]) == {corpus[name] for name in expected}, (store.dialect, query)


def test_a_correction_is_found_by_its_new_words_only(store: Store, corpus: dict[str, int]) -> None:
    with session_scope(get_engine(store.owner_url)) as session:
        pardb.correct_document(
            session, actor=EDITOR(session), document_id=corpus["D"], title="Điều động cán bộ tỉnh Cà Mau"
        )
        entry = session.exec(
            select(AuditLog).where(AuditLog.action == "pardb_correct").order_by(AuditLog.id.desc())
        ).first()  # type: ignore[union-attr]
        assert entry is not None and "Đồng Tháp" in entry.detail  # the old value is kept in the audit log
    with session_scope(store.public) as session:

        def search(q: str) -> set[int]:
            return set(
                public_pardb.search_documents(session, public_pardb.DocumentQuery(text=q, year=2031)).documents["id"]
            )

        assert search("ca mau") == {corpus["D"]} and search("dong thap") == set()
    with session_scope(get_engine(store.owner_url)) as session:
        pardb.correct_document(session, actor=EDITOR(session), document_id=corpus["D"], title=CORPUS["D"])


def test_questions_are_searchable_with_and_without_diacritics(store: Store) -> None:
    with session_scope(store.public) as session:
        for query in ("khai sinh", "KHAI SINH trực tuyến", "khai sinh truc tuyen"):
            assert len(voice.answered_questions(session, query)) == 1, query
        assert voice.answered_questions(session, "sipas")["topic_code"].tolist() == ["services"]
        assert voice.answered_questions(session, "khai sinh", topic="services").empty
        assert voice.answered_questions(session, PENDING_QUESTION).empty
