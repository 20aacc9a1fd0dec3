"""AppTest for the internal app: login (lockout, idle timeout), navigation by role with Material icons, every page
for the roles that see it, workflow steps through the UI, revocation at the next run, the audit page."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from backend.auth.access import actor_for
from backend.auth.users import revoke_role
from backend.db import get_engine, session_scope
from backend.models import AuditLog, ResultSet, User
from backend.settings import REPO_ROOT
from tests.factories import PASSWORD, make_user
from tests.factories_results import make_results

APP = str(REPO_ROOT / "dashboards" / "internal_app.py")
ROLES = {
    "lan": ("analyst",),
    "binh": ("appraiser",),
    "chi": ("council",),
    "dung": ("leader",),
    "an": ("admin",),
    "phuc": ("backcheck",),
    "hanoi": ("unit_officer",),
}


@pytest.fixture(scope="session")
def internal_template(reference_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A store with the users above and the factory's result sets, built once; each test gets a copy."""
    path = tmp_path_factory.mktemp("internal") / "template.db"
    shutil.copy(reference_store, path)
    url = f"sqlite:///{path}"
    with session_scope(get_engine(url)) as session:
        for name, roles in ROLES.items():
            make_user(session, name, *roles, scope="province_63:01" if "unit_officer" in roles else "*")
        made = make_results(session)
        status = {i: session.get(ResultSet, i).status for i in made.hidden_ids}  # type: ignore[union-attr]
    get_engine(url).dispose()
    get_engine.cache_clear()
    return path, {
        "draft": next(i for i, s in status.items() if s == "draft"),
        "approved": next(i for i, s in status.items() if s == "approved"),
    }


@pytest.fixture
def internal_store(internal_template: tuple[Path, dict[str, int]], store_url: str) -> dict[str, int]:
    """The template copied over this test's store (``store_url``: settings and engines point at it)."""
    template, ids = internal_template
    get_engine(store_url).dispose()
    shutil.copy(template, store_url.removeprefix("sqlite:///"))
    return ids


def _login(user: str, password: str = PASSWORD, lang: str = "vi") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if lang == "en":
        at.segmented_control(key="lang").set_value("en").run()
    at.text_input(key="login_username").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def _pages(at: AppTest) -> set[str]:
    """The pages of the current navigation (by url path), found by trying to switch to each."""
    found = set()
    for url in ("result_sets", "approval", "assessment", "appraisal", "preview", "users", "audit", "account"):
        try:
            at.switch_page(f"internal_pages/{url}.py")
        except ValueError:
            continue
        found.add(url)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_login_page_and_wrong_password(internal_store: dict[str, int], lang: str) -> None:
    at = _login("lan", "not the password", lang=lang)
    assert not at.exception
    assert at.error and ("Wrong username" in at.error[0].value if lang == "en" else "không đúng" in at.error[0].value)


def test_lockout_through_the_page(internal_store: dict[str, int]) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(5):
        at.text_input(key="login_username").input("lan")
        at.text_input(key="login_password").input("wrong password")
        at.button[0].click().run()
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Đăng nhập sai quá nhiều lần" in at.error[0].value and "actor" not in at.session_state


def test_navigation_icons_are_material_not_emoji() -> None:
    tree = ast.parse((REPO_ROOT / "dashboards" / "internal_app.py").read_text(encoding="utf-8"))
    icons = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and n.value.startswith(":")
        and n.value.endswith(":")
    ]
    assert len(icons) >= 10 and all(i.startswith(":material/") for i in icons)
    for path in (REPO_ROOT / "dashboards").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not any(0x1F300 <= ord(ch) <= 0x1FAFF for ch in text), path  # no emoji anywhere in the apps


@pytest.mark.parametrize(
    "user,expected",
    [
        ("lan", {"result_sets", "approval", "assessment", "account"}),
        ("binh", {"result_sets", "approval", "assessment", "appraisal", "account"}),
        ("chi", {"result_sets", "approval", "assessment", "account"}),
        ("dung", {"result_sets", "approval", "assessment", "audit", "account"}),
        ("an", {"result_sets", "approval", "assessment", "appraisal", "users", "audit", "account"}),
        ("phuc", {"account"}),
        ("hanoi", {"assessment", "preview", "account"}),
    ],
)
def test_each_role_sees_its_pages_and_each_page_renders(
    internal_store: dict[str, int], user: str, expected: set[str]
) -> None:
    at = _login(user)
    assert not at.exception and "actor" in at.session_state
    assert _pages(at) == expected
    for page in sorted(expected):
        at.switch_page(f"internal_pages/{page}.py").run()
        assert not at.exception, (user, page, at.exception)
        assert not at.error, (user, page, [e.value for e in at.error])


def test_analyst_sees_result_sets_but_cannot_act(internal_store: dict[str, int]) -> None:
    at = _login("lan")
    at.switch_page("internal_pages/result_sets.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Bộ kết quả"
    assert at.dataframe, "result sets table shown"
    assert not [r for r in at.radio if r.key == "sets_step_action"], "an analyst has no workflow action"
    assert any("minh họa" in w.value for w in at.warning), "demo data is labelled"


def test_appraiser_moves_draft_on_and_it_is_audited(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("binh")
    at.switch_page("internal_pages/result_sets.py").run()
    at.selectbox(key="result_set_id").set_value(internal_store["draft"]).run()
    radio = next(r for r in at.radio if r.key == "sets_step_action")
    assert radio.options == ["chuyển bước đã thẩm định", "trả lại kèm lý do"]  # the appraiser's steps only
    at.text_area(key="sets_step_reason").input("evidence checked")
    at.button(key="sets_step_confirm").click().run()
    assert not at.exception
    with Session(get_engine(store_url)) as session:
        assert session.get(ResultSet, internal_store["draft"]).status == "appraised"  # type: ignore[union-attr]
        entry = session.exec(select(AuditLog).where(AuditLog.action == "appraise")).one()
        assert entry.actor == "binh" and entry.reason == "evidence checked"


def test_leader_approval_panel_and_schedule(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("dung")
    at.switch_page("internal_pages/approval.py").run()
    at.selectbox(key="panel_set").set_value(internal_store["approved"]).run()
    assert not at.exception and not at.error
    assert len(at.tabs) == 8 and at.dataframe
    at.radio(key="panel_step_action").set_value("schedule").run()
    at.date_input(key="panel_step_day").set_value(dt.date.today() + dt.timedelta(days=3)).run()
    at.button(key="panel_step_confirm").click().run()
    assert not at.exception and not at.error
    with Session(get_engine(store_url)) as session:
        rs = session.get(ResultSet, internal_store["approved"])
        assert rs is not None and rs.status == "approved" and rs.publish_at is not None
        assert rs.publish_at.astimezone(dt.timezone(dt.timedelta(hours=7))).hour == 9  # 09:00 Vietnam time


def test_revoked_role_leaves_the_navigation_at_the_next_run(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("dung")
    assert "approval" in _pages(at)
    with session_scope(get_engine(store_url)) as session:
        admin = actor_for(session, session.exec(select(User).where(User.username == "an")).one())
        revoke_role(session, actor=admin, username="dung", role="leader", reason="moved")
    at.run()
    assert "approval" not in _pages(at) and _pages(at) == {"account"}


def test_idle_timeout_signs_out_and_is_audited(internal_store: dict[str, int], store_url: str) -> None:
    at = _login("lan")
    at.session_state["last_activity"] = 0.0
    at.run()
    assert "actor" not in at.session_state and at.text_input(key="login_username")
    with Session(get_engine(store_url)) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "idle_timeout")).one().actor == "lan"


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


def test_leader_drafts_the_annual_report_of_an_approved_set(internal_store: dict[str, int]) -> None:
    at = _login("dung")
    at.switch_page("internal_pages/approval.py").run()
    at.selectbox(key="panel_set").set_value(internal_store["draft"]).run()
    assert not [b for b in at.button if b.key == "draft_report"], "no report of a draft"
    at.selectbox(key="panel_set").set_value(internal_store["approved"]).run()
    at.button(key="draft_report").click().run()
    assert not at.exception and not at.error
    downloads = [e for e in at.get("download_button") if "DOCX" in str(e.proto.label)]
    assert downloads, "the report is offered as a DOCX download"


def test_oidc_button_when_a_provider_is_configured(internal_store: dict[str, int]) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8502/oauth2callback",
        "cookie_secret": "x" * 32,
        "moha": {"client_id": "par", "client_secret": "s", "server_metadata_url": "https://sso.example/.well-known"},
    }
    at.run()
    assert not at.exception
    assert any(b.label == "Đăng nhập bằng hệ thống định danh của Bộ" for b in at.button)
