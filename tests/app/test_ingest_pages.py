"""AppTest of the data-in pages of the internal app (upload, quality and review, back-checks, fieldwork progress),
each in Vietnamese and English, for the roles that see them: an import through the page with its summary and
error report; the contact list offered only to the back-check role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from backend.db import get_engine
from backend.demo import generate_demo
from backend.services.demo_checks import demo_backcheck
from backend.settings import REPO_ROOT
from tests.conftest import clear_caches
from tests.factories import PASSWORD, make_user
from tests.ingest_helpers import build_store

APP = str(REPO_ROOT / "dashboards" / "internal_app.py")
PAGES = {
    "upload": ("internal_pages/upload.py", "analyst", ("Nhập dữ liệu khảo sát", "Import survey data")),
    "quality": ("internal_pages/quality.py", "analyst", ("Chất lượng khảo sát", "Survey quality")),
    "backchecks": ("internal_pages/backchecks.py", "backcheck", ("Phúc tra", "Back-checks (phúc tra)")),
    "fieldwork": ("internal_pages/fieldwork.py", "leader", ("Tiến độ điều tra", "Fieldwork progress")),
}


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest_app") / "app.db"
    engine = build_store(f"sqlite:///{path}")
    with Session(engine) as session:
        generate_demo(session, years="2024", scale="small", seed=20251)
        for role in ("analyst", "data_officer", "backcheck", "leader"):
            make_user(session, role, role)
        session.commit()
    with Session(engine) as session:
        survey = session.connection().exec_driver_sql("SELECT id FROM survey WHERE index_code = 'SIPAS'").scalar_one()
        demo_backcheck(session, int(survey), seed=1)
        session.commit()
    engine.dispose()
    get_engine.cache_clear()
    return path


@pytest.fixture
def app_store(store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{store_file}")
    clear_caches()
    yield store_file
    clear_caches()


def _open(user: str, page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if lang == "en":
        at.segmented_control(key="lang").set_value("en").run()
    at.text_input(key="login_username").input(user)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    return at.switch_page(page).run()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_in_both_languages(app_store: Path, name: str, lang: str) -> None:
    page, user, titles = PAGES[name]
    at = _open(user, page, lang)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == titles[0 if lang == "vi" else 1]
    if name != "upload":
        assert at.dataframe, "tables shown"


def test_upload_page_offers_the_templates_and_the_modes(app_store: Path) -> None:
    at = _open("analyst", PAGES["upload"][0], "en")
    assert [b for b in at.get("download_button")], "templates offered"
    assert at.radio(key="mode").value == "all_or_nothing"


def test_only_the_back_check_role_gets_the_contact_list(app_store: Path) -> None:
    with_phones = _open("backcheck", PAGES["backchecks"][0], "vi")
    label = "Danh sách liên hệ có số điện thoại (CSV)"
    assert label in [b.proto.label for b in with_phones.get("download_button")]
    without = _open("analyst", PAGES["backchecks"][0], "vi")
    assert not without.exception and without.dataframe
    assert label not in [b.proto.label for b in without.get("download_button")]


def test_pages_are_hidden_from_roles_without_the_permission(app_store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_username").input("leader")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    with pytest.raises(Exception, match="navigation page"):
        at.switch_page(PAGES["upload"][0]).run()
