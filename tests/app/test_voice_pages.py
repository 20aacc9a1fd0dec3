"""AppTest of citizens' voice and the PAR database (issue 11): every new public and internal page in both
languages, answering a survey, commenting and asking through the forms, citizens' text shown as plain text,
moderation and approval through the internal pages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from backend.db import get_engine, session_scope
from backend.i18n import t
from backend.settings import REPO_ROOT
from tests.app.public_helpers import APP, PAGES, page_text, protos
from tests.app.test_public_pages import HEADERS
from tests.conftest import clear_caches
from tests.factories import PASSWORD
from tests.factories_results import build_store
from tests.factories_voice import (
    DRAFT_CONSULTATION_TITLE,
    DRAFT_SURVEY_TITLE,
    INJECTION,
    OFFICIAL_NUMBER,
    PENDING_COMMENT,
    PENDING_QUESTION,
    PERSONAL_KEY,
    Staff,
    VoiceFactory,
    build_voice_store,
)

INTERNAL = str(REPO_ROOT / "dashboards" / "internal_app.py")

VOICE_TITLES = {
    "survey": "voice.survey.title",
    "survey_results": "voice.results.title",
    "consultations": "voice.consult.title",
    "questions": "voice.qa.title",
    "par_database": "pardb.title",
}
USERS = (
    ("editor", ["content_editor"], "*"),
    ("leader", ["leader"], "*"),
    ("officer", ["unit_officer"], "province_34:01"),
    ("analyst", ["analyst"], "*"),
)


@pytest.fixture(scope="session")
def voice_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, VoiceFactory]:
    path = tmp_path_factory.mktemp("voice_app") / "voice.db"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("PERSONAL_DATA_KEY", PERSONAL_KEY)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.delenv("SUBMISSION_DATABASE_URL", raising=False)
        clear_caches()
        build_store(url, with_hidden=False)
        made = build_voice_store(url)
        with session_scope(get_engine(url)) as session:
            for name, roles, scope in USERS:  # stored users (the store already has the factory's editor and leader)
                Staff(name, roles[0], scope=scope)(session)
        get_engine(url).dispose()
    clear_caches()
    return path, made


@pytest.fixture
def voice(
    voice_file: tuple[Path, VoiceFactory], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[VoiceFactory]:
    """A private copy of the voice store; DATABASE_URL, the personal-data key and a form fill time of 0 s."""
    path = tmp_path / "voice.db"
    shutil.copy(voice_file[0], path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("PERSONAL_DATA_KEY", PERSONAL_KEY)
    monkeypatch.setenv("VOICE_MIN_FILL_SECONDS", "0")
    for name in ("PUBLIC_DATABASE_URL", "SUBMISSION_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    clear_caches()
    st.cache_data.clear()
    yield voice_file[1]
    st.cache_data.clear()
    clear_caches()


def _owner_count(sql: str) -> int:
    with get_engine().connect() as connection:
        return int(connection.execute(text(sql)).scalar() or 0)


def open_page(page: str, lang: str = "vi", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGES[page])
    return at.run()


def test_every_public_page_is_tested() -> None:
    from backend.services import consultations, voice_surveys

    assert set(PAGES) == set(HEADERS) | set(VOICE_TITLES)
    assert {voice_surveys.PUBLIC_PAGE, consultations.PUBLIC_PAGE} <= set(PAGES)  # the links staff publish


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", list(VOICE_TITLES))
def test_every_citizens_page_in_both_languages(voice: VoiceFactory, page: str, lang: str) -> None:
    at = open_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [h.value for h in at.title] == [t(VOICE_TITLES[page], lang)]  # the page's one h1
    other = t(VOICE_TITLES[page], "en" if lang == "vi" else "vi")
    text_of_page = page_text(at)
    assert other not in text_of_page
    for hidden in (DRAFT_SURVEY_TITLE, DRAFT_CONSULTATION_TITLE, PENDING_COMMENT, PENDING_QUESTION):
        assert hidden not in text_of_page, (page, hidden)


def test_answering_a_survey(voice: VoiceFactory) -> None:
    before = _owner_count("SELECT count(*) FROM voice_response")
    at = open_page("survey", "en", survey=voice.survey_code)
    assert not at.radio, "no question before the privacy notice is agreed to"
    assert any("Privacy notice" in s.value for s in at.subheader)
    at.checkbox(key=f"survey_{voice.survey_code}_consent").check().run()
    for item, value in (("information", 4), ("simpler", 5), ("conduct", 3), ("preferred", "portal")):
        at.radio(key=f"answer_{voice.survey_code}_{item}").set_value(value)
    at.text_area(key=f"answer_{voice.survey_code}_comment").input(INJECTION)
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("received" in s.value for s in at.success)
    assert _owner_count("SELECT count(*) FROM voice_response") == before + 1
    assert _owner_count("SELECT count(*) FROM voice_answer WHERE moderation = 'pending'") >= 1


def test_a_survey_form_reports_every_problem(voice: VoiceFactory) -> None:
    at = open_page("survey", "vi", survey=voice.survey_code)
    at.checkbox(key=f"survey_{voice.survey_code}_consent").check().run()
    at.button[0].click().run()
    assert not at.exception
    assert at.error and at.error[0].value.count("Vui lòng trả lời câu hỏi") == 3  # three required questions


def test_forms_say_when_submissions_are_not_configured(voice: VoiceFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAL_DATA_KEY", "")
    clear_caches()
    at = open_page("questions", "en")
    assert not at.exception and any("not available" in w.value for w in at.warning)
    assert not at.checkbox, "no form without the personal-data key"


def test_citizens_text_is_shown_as_plain_text(voice: VoiceFactory) -> None:
    at = open_page("consultations", "vi", consultation=voice.consultation_code)
    assert not at.exception and not at.error
    assert INJECTION in [e.value for e in at.text]  # exactly as typed, in a plain-text element
    for proto in protos(at._tree):  # never as markup (the page head's own script is the app's, not a citizen's)
        if proto.DESCRIPTOR.name in ("Markdown", "Html", "Alert", "Heading"):
            shown = str(proto)
            assert "alert('x')" not in shown and "**bold**" not in shown and "onerror" not in shown, proto
    at.checkbox(key=f"consult_{voice.consultation_code}_consent").check().run()
    at.text_area(key=f"comment_{voice.consultation_code}").input("Tôi ủng hộ dự thảo này.")
    at.button[0].click().run()
    assert any("Cảm ơn" in s.value for s in at.success)
    assert _owner_count("SELECT count(*) FROM consultation_comment WHERE moderation = 'pending'") == 2
    answered = open_page("consultations", "en", consultation=voice.answered_code)
    assert any("Response" in s.value for s in answered.subheader)


def test_questions_search_and_ask(voice: VoiceFactory) -> None:
    at = open_page("questions", "vi")
    assert len(at.text) == 2  # the two published questions, as plain text
    at.text_input(key="qa_query").input("khai sinh truc tuyen").run()
    assert not at.exception and len(at.text) == 1
    at.checkbox(key="question_consent").check().run()
    at.selectbox(key="ask_topic").set_value("digital")
    at.text_area(key="ask_text").input("Làm sao nộp hồ sơ trực tuyến cho người cao tuổi?")
    at.button[0].click().run()
    assert any("Cảm ơn" in s.value for s in at.success)
    assert _owner_count("SELECT count(*) FROM question WHERE moderation = 'pending'") == 2


def test_results_are_labelled_and_only_the_published_version_is_shown(voice: VoiceFactory) -> None:
    at = open_page("survey_results", "en")
    assert not at.exception and not at.error
    assert any("not comparable with SIPAS" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert "All provinces" in set(table["Province"]) and table["Answers"].max() == 12  # version 1: 12 responses


def test_par_database_search_and_figures(voice: VoiceFactory) -> None:
    at = open_page("par_database", "vi")
    assert any("MINH HỌA" in w.value for w in at.warning), "demo entries carry the demo banner"
    at.text_input(key="pardb_q").input("77/KH-UBND").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Số hiệu"].iloc[0] == OFFICIAL_NUMBER and table["Minh họa"].iloc[0] == ""
    at.text_input(key="pardb_q").input("ke hoach cai cach hanh chinh ha noi").run()
    assert OFFICIAL_NUMBER in set(at.dataframe[0].value["Số hiệu"])
    assert len(at.dataframe) >= 2, "the figures of the chosen unit"


# ---- internal pages ------------------------------------------------------------------------------------------

STAFF_PAGES = {
    "editor": [
        "internal_pages/voice_surveys.py",
        "internal_pages/voice_results.py",
        "internal_pages/moderation.py",
        "internal_pages/voice_consultations.py",
        "internal_pages/voice_questions.py",
        "internal_pages/par_database.py",
    ],
    "leader": ["internal_pages/voice_results.py"],
    "officer": ["internal_pages/evidence_sharing.py"],
}


def login(user: str, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(INTERNAL, default_timeout=60).run()
    if lang == "en":
        at.segmented_control(key="lang").set_value("en").run()
    at.text_input(key="login_username").input(user)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("user", list(STAFF_PAGES))
def test_every_internal_page_in_both_languages(voice: VoiceFactory, user: str, lang: str) -> None:
    at = login(user, lang)
    for page in STAFF_PAGES[user]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert len(at.title) == 1, page
        assert INJECTION not in [m.value for m in at.markdown]


def test_pages_follow_the_roles(voice: VoiceFactory) -> None:
    analyst = login("analyst")
    for page in ("internal_pages/moderation.py", "internal_pages/voice_surveys.py", "internal_pages/par_database.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            analyst.switch_page(page)
    officer = login("officer")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        officer.switch_page("internal_pages/moderation.py")


def test_moderating_a_comment_makes_it_public_and_is_audited(voice: VoiceFactory) -> None:
    at = login("editor", "en")
    at.switch_page("internal_pages/moderation.py").run()
    pending = _owner_count("SELECT id FROM consultation_comment WHERE moderation = 'pending'")
    at.selectbox(key="moderation_choice").set_value(f"comment:{pending}").run()
    assert PENDING_COMMENT in [e.value for e in at.text]
    at.button(key="moderate_approve").click().run()
    assert not at.exception
    assert _owner_count("SELECT count(*) FROM consultation_comment WHERE moderation = 'pending'") == 0
    assert _owner_count("SELECT count(*) FROM audit_log WHERE action = 'moderate' AND actor = 'editor'") >= 1
    st.cache_data.clear()
    public = open_page("consultations", "vi", consultation=voice.consultation_code)
    assert PENDING_COMMENT in [e.value for e in public.text]


def test_a_leader_approves_and_publishes_online_results(voice: VoiceFactory) -> None:
    at = login("leader", "en")
    at.switch_page("internal_pages/voice_results.py").run()
    at.selectbox(key="voice_result_id").set_value(voice.draft_result_id).run()
    at.button(key="voice_confirm").click().run()  # approve
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert (
        _owner_count(f"SELECT count(*) FROM voice_result WHERE id = {voice.draft_result_id} AND status = 'approved'")
        == 1
    )
    at.selectbox(key="voice_result_id").set_value(voice.draft_result_id).run()
    assert at.radio(key="voice_next").value == "publish"
    at.button(key="voice_confirm").click().run()
    assert (
        _owner_count(f"SELECT count(*) FROM voice_result WHERE id = {voice.draft_result_id} AND status = 'published'")
        == 1
    )


def test_an_editor_makes_a_survey(voice: VoiceFactory) -> None:
    at = login("editor")
    at.switch_page("internal_pages/voice_surveys.py").run()
    at.text_input(key="new_title_vi").input("Khảo sát mới về một cửa")
    at.button(key="create_survey").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _owner_count("SELECT count(*) FROM voice_survey WHERE title_vi = 'Khảo sát mới về một cửa'") == 1
    assert _owner_count("SELECT count(*) FROM audit_log WHERE action = 'voice_survey_create' AND actor = 'editor'") >= 1
