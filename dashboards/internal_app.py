"""Internal app (staff and unit officers): login, then pages by role — result sets and their workflow, the
self-assessment cycle, data in (upload, quality and review, back-checks, fieldwork progress), citizens' voice and
the PAR database, users and the audit log.

Run: ``streamlit run dashboards/internal_app.py`` (``make run`` starts it on port 8502).

* Login by password (argon2id; locked with a growing delay after repeated failures per account and per
  address), or through an OIDC provider with ``st.login`` when ``.streamlit/secrets.toml`` configures one
  (see ``.streamlit/secrets.example.toml``). Every login, failure, lockout and sign-out is audited.
* The page only holds who is signed in: its roles are re-read from the store on every run (navigation) and
  by every service (the actions), so a revoked role or a disabled account stops at the next click.
* Idle timeout: ``SESSION_IDLE_MINUTES`` (settings). The audit chain is checked at start-up and then on a
  schedule (``AUDIT_CHECK_MINUTES``); administrators see a warning when it is broken.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from backend.errors import DomainError  # noqa: E402
from dashboards import internal_access as ia  # noqa: E402
from dashboards.components.request import request_address  # noqa: E402
from dashboards.internal_pages.common import current_actor, lang, show_error, sign_out, t  # noqa: E402

st.set_page_config(page_title=t("internal.app_title"), page_icon=":material/lock:", layout="wide")
# tables' own CSV button would export non-public data unseen by the server: exports go through the pages'
# download buttons, which the backend records (what is on screen stays in the browser, as with any page)
st.html('<style>button[aria-label="Download as CSV"]{display:none !important}</style>')

# url path -> (file, title key, Material icon, permissions any of which shows the page; () = everyone)
PAGES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "results": ("internal_pages/result_sets.py", "internal.nav.results", ":material/table_chart:", ("view_drafts",)),
    "approval": ("internal_pages/approval.py", "staff.nav.approval", ":material/gavel:", ("view_drafts",)),
    "assessment": (
        "internal_pages/assessment.py",
        "staff.nav.assessment",
        ":material/assignment:",
        ("self_assess", "view_assessments"),
    ),
    "appraisal": (
        "internal_pages/appraisal.py",
        "staff.nav.appraisal",
        ":material/fact_check:",
        ("appraise_unit", "open_round"),
    ),
    "preview": ("internal_pages/preview.py", "staff.nav.preview", ":material/visibility:", ("preview_own_unit",)),
    # data in (issue 8)
    "upload": ("internal_pages/upload.py", "internal.nav.upload", ":material/upload_file:", ("ingest",)),
    "quality": ("internal_pages/quality.py", "internal.nav.quality", ":material/rule:", ("view_quality",)),
    "backchecks": (
        "internal_pages/backchecks.py",
        "internal.nav.backchecks",
        ":material/phone_callback:",
        ("view_backchecks",),
    ),
    "fieldwork": ("internal_pages/fieldwork.py", "internal.nav.fieldwork", ":material/map:", ("view_fieldwork",)),
    "users": ("internal_pages/users.py", "staff.nav.users", ":material/manage_accounts:", ("manage_users",)),
    # citizens' voice and the PAR database (issue 11)
    "voice_surveys": (
        "internal_pages/voice_surveys.py",
        "voice.staff.nav.surveys",
        ":material/rate_review:",
        ("voice_edit",),
    ),
    "voice_results": (
        "internal_pages/voice_results.py",
        "voice.staff.nav.results",
        ":material/insights:",
        ("voice_view_results",),
    ),
    "moderation": (
        "internal_pages/moderation.py",
        "voice.staff.nav.moderation",
        ":material/shield:",
        ("voice_moderate",),
    ),
    "consultations": (
        "internal_pages/voice_consultations.py",
        "voice.staff.nav.consultations",
        ":material/forum:",
        ("voice_edit",),
    ),
    "questions": (
        "internal_pages/voice_questions.py",
        "voice.staff.nav.questions",
        ":material/contact_support:",
        ("voice_edit",),
    ),
    "par_database": (
        "internal_pages/par_database.py",
        "voice.staff.nav.pardb",
        ":material/library_books:",
        ("pardb_edit",),
    ),
    "evidence_sharing": (
        "internal_pages/evidence_sharing.py",
        "voice.staff.nav.sharing",
        ":material/share:",
        ("share_evidence",),
    ),
    "audit": ("internal_pages/audit.py", "internal.nav.audit", ":material/receipt_long:", ("view_audit",)),
    "account": ("internal_pages/account.py", "staff.nav.account", ":material/person:", ()),
}

with st.sidebar:
    st.segmented_control(
        t("internal.lang_label"),
        ["vi", "en"],
        default="vi",
        key="lang",
        format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x],
    )


@st.cache_resource(show_spinner=False)
def audit_watch() -> ia.AuditWatch:
    """The audit chain check of this server process: at start-up, then on a schedule."""
    return ia.AuditWatch().start()


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file: password login only
        return False


def oidc_provider() -> tuple[str, ...]:
    """The provider to sign in with: the first named one (``[auth.<name>]``), or none for a single ``[auth]``."""
    names = [k for k, v in st.secrets["auth"].items() if hasattr(v, "keys")]
    return (names[0],) if names else ()


def _signed_in(actor: Any) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_activity"] = time.time()
    st.session_state.pop("signed_out_idle", None)
    st.rerun()


def login_page() -> None:
    st.title(t("internal.login.title"))
    st.caption(t("internal.login.caption"))
    if st.session_state.get("signed_out_idle"):
        st.info(t("internal.idle", minutes=ia.idle_seconds() // 60))
    with st.form("login"):
        username = st.text_input(t("internal.login.username"), key="login_username", max_chars=64)
        password = st.text_input(t("internal.login.password"), type="password", key="login_password", max_chars=256)
        submitted = st.form_submit_button(t("internal.login.submit"), icon=":material/login:")
    if submitted:
        try:
            actor = ia.login(username, password, request_address())
        except DomainError as exc:
            show_error(exc)
        else:
            _signed_in(actor)
    if oidc_configured():
        st.divider()
        if getattr(st.user, "is_logged_in", False):
            try:
                actor = ia.login_oidc(st.user.to_dict(), request_address())
            except DomainError as exc:
                show_error(exc)
                st.button(t("staff.login.oidc_logout"), on_click=st.logout)
            else:
                _signed_in(actor)
        else:
            st.button(t("staff.login.oidc"), icon=":material/badge:", on_click=st.login, args=oidc_provider())


def logout_page() -> None:
    sign_out("logout")
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


try:
    ia.check_store()
    watch = audit_watch()
except DomainError as exc:
    st.error(exc.message(lang()))
    st.stop()


actor = current_actor()
if actor is None:
    pages = [st.Page(login_page, title=t("internal.nav.login"), icon=":material/login:", url_path="login")]
else:
    st.session_state["last_activity"] = time.time()
    with st.sidebar:
        st.caption(f"{actor.username} — {', '.join(sorted(t(f'staff.role.{r}') for r in actor.roles))}")
        st.caption(t("staff.idle_note", minutes=ia.idle_seconds() // 60))
    if actor.can("view_audit") and watch.last is not None and not watch.last.intact:
        st.error(t("internal.audit.broken", ids=list(watch.last.broken)[:10] or [watch.last.head_entries]))
    pages = []
    for url, (file, title, icon, needs) in PAGES.items():
        if not needs or any(actor.can(n) for n in needs):
            pages.append(st.Page(file, title=t(title), icon=icon, url_path=url, default=not pages))
    pages.append(st.Page(logout_page, title=t("internal.nav.logout"), icon=":material/logout:", url_path="logout"))

st.navigation(pages, position="sidebar").run()
