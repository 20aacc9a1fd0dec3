"""AppTest for the internal app: login, role-based pages, workflow actions through the UI, audit log."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from backend.auth.permissions import Actor
from backend.auth.users import create_user
from backend.db import get_engine, session_scope
from backend.models import ResultRow, ResultSet
from backend.settings import REPO_ROOT
from tests.factories import make_result_set

APP = str(REPO_ROOT / "dashboards" / "internal_app.py")
PASSWORD = "test password 123"


@pytest.fixture
def internal_store(store_url: str) -> dict[str, int]:
    with session_scope(get_engine(store_url)) as session:
        for name, roles in (("lan", ["analyst"]), ("binh", ["appraiser"]), ("dung", ["leader"]), ("an", ["admin"])):
            create_user(session, actor=Actor.system(), username=name, password=PASSWORD, roles=roles)
        rs = make_result_set(session, kind="demo", computed_by="lan")
        session.add(
            ResultRow(
                result_set_id=rs.id,
                scope="unit",
                scope_code="province_63:01",
                unit_id=1,
                metric="SIPAS",
                value=84.5,
                rank=1,
            )
        )  # type: ignore[arg-type]
        return {"rs": rs.id}  # type: ignore[dict-item]


def _login(user: str, password: str = PASSWORD, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if lang == "en":
        at.segmented_control(key="lang").set_value("en").run()
    at.text_input(key="login_username").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_login_page_and_wrong_password(internal_store: dict[str, int], lang: str) -> None:
    at = _login("lan", "not the password", lang=lang)
    assert not at.exception
    assert at.error and ("Wrong username" in at.error[0].value if lang == "en" else "không đúng" in at.error[0].value)


def test_analyst_sees_result_sets_but_cannot_act(internal_store: dict[str, int]) -> None:
    at = _login("lan")
    assert not at.exception and not at.error
    assert at.title[0].value == "Bộ kết quả"
    assert at.dataframe, "result sets table shown"
    assert not [r for r in at.radio if r.key == "next_action"], "an analyst has no workflow action"
    assert any("minh họa" in w.value for w in at.warning), "demo data is labelled"


def test_appraiser_moves_draft_on_and_it_is_audited(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("binh")
    radio = next(r for r in at.radio if r.key == "next_action")
    assert radio.options == ["thẩm định"] and radio.value == "appraise"  # the one step an appraiser may take
    at.text_area(key="action_reason").input("evidence checked")
    at.button(key="confirm_action").click().run()
    assert not at.exception
    with Session(get_engine(store_url)) as session:
        assert session.get(ResultSet, internal_store["rs"]).status == "appraised"  # type: ignore[union-attr]


def test_audit_page_for_admin_only(internal_store: dict[str, int]) -> None:
    at = _login("an")
    assert at.session_state["actor"].roles == {"admin"}
    at.switch_page("internal_pages/audit.py").run()
    assert not at.exception
    assert "toàn vẹn" in at.success[0].value
    assert any("login" in str(v) for v in at.dataframe[0].value["action"].tolist())
    # an appraiser's navigation has no audit page at all
    appraiser = _login("binh")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        appraiser.switch_page("internal_pages/audit.py")


def test_unmigrated_store_shows_a_message(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from backend.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "python -m backend migrate" in at.error[0].value
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_leader_drafts_the_annual_report_of_an_approved_set(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("dung")
    assert not [b for b in at.button if b.key == "draft_report"], "no report of a draft"
    with session_scope(get_engine(store_url)) as session:
        stored = session.get(ResultSet, internal_store["rs"])
        assert stored is not None
        stored.status = "approved"
        session.add(stored)
    at = _login("dung")
    at.button(key="draft_report").click().run()
    assert not at.exception and not at.error
    downloads = [e for e in at.get("download_button") if "DOCX" in str(e.proto.label)]
    assert downloads, "the report is offered as a DOCX download"
