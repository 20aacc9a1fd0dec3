"""Passwords, the permission table for every role (unit officer included) and action, read from the store on
every action; the result-set workflow (compare-and-set, maker ≠ checker, schedule, publish, return, withdraw,
immutability); the audit trail of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from backend.audit import audited_scope, verify_chain
from backend.auth.access import authorize
from backend.auth.passwords import hash_password, verify_password
from backend.auth.permissions import PERMISSIONS, UNIT_SCOPED, Actor, require
from backend.auth.users import create_user, grant_role, revoke_role, set_active
from backend.db import get_engine, session_scope
from backend.errors import ConflictError, DomainError, PermissionDenied, ValidationError
from backend.models import AuditLog, ResultRow, ResultSet
from backend.models.users import ROLES
from backend.services import internal_query
from backend.services.workflow import TRANSITIONS, history, possible_actions, publish_demo, transition
from tests.factories import make_result_set, make_user

ALL_ROLES = (*ROLES, "system")
OWN, OTHER = "province_34:01", "province_34:04"


def test_password_hashing() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong password!")
    assert not verify_password("not-a-hash", "correct horse battery")
    with pytest.raises(ValidationError):
        hash_password("short")
    with pytest.raises(ValidationError):
        hash_password("x" * 10_000)  # no hashing of megabytes


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_permission_table(role: str, action: str) -> None:
    actor = Actor(username=f"u_{role}", roles=frozenset({role}))
    allowed = role in PERMISSIONS[action]
    assert actor.can(action) is allowed
    if allowed:
        require(actor, action)
    else:
        with pytest.raises(PermissionDenied) as info:
            require(actor, action)
        assert f"u_{role}" in info.value.message("vi") and f"u_{role}" in info.value.message("en")
        assert info.value.audit is not None and info.value.audit["action"] == "refused"


def test_phones_only_for_backcheck() -> None:
    assert [r for r in ALL_ROLES if Actor(username="x", roles=frozenset({r})).can("view_phones")] == ["backcheck"]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_every_role_every_action_from_the_store(session: Session, role: str) -> None:
    """A stored user of each role against every action: allowed exactly where the table says; a unit officer
    only for its own unit on unit-scoped actions, never for another unit."""
    actor = make_user(session, f"user_{role}", role, scope=OWN if role == "unit_officer" else "*")
    for action, roles in PERMISSIONS.items():
        allowed = role in roles
        for unit in (None, OWN, OTHER):
            expected = allowed and (unit != OTHER or role != "unit_officer" or action not in UNIT_SCOPED)
            if expected:
                assert authorize(session, actor, action, unit=unit).username == actor.username
            else:
                with pytest.raises(PermissionDenied):
                    authorize(session, actor, action, unit=unit)


def test_unit_officer_sees_no_set_list_no_rows_no_history(session: Session) -> None:
    officer = make_user(session, "officer", "unit_officer", scope=OWN)
    rs = make_result_set(session)
    for call in (
        lambda: internal_query.list_result_sets(session, actor=officer),
        lambda: internal_query.result_rows(session, actor=officer, result_set_id=int(rs.id or 0)),
        lambda: history(session, actor=officer, result_set_id=int(rs.id or 0)),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_unit_preview_only_own_unit_and_only_after_approval(session: Session) -> None:
    officer = make_user(session, "officer", "unit_officer", scope=OWN)
    rs = make_result_set(session, year=2025)
    for code, value in ((OWN, 80.0), (OTHER, 70.0)):
        session.add(
            ResultRow(result_set_id=int(rs.id or 0), scope="unit", scope_code=code, metric="SIPAS", value=value)
        )
    session.add(ResultRow(result_set_id=int(rs.id or 0), scope="national", scope_code="VN", metric="SIPAS", value=75.0))
    session.flush()
    assert internal_query.unit_preview(session, actor=officer).empty  # a draft: nothing to preview
    rs.status = "approved"
    session.add(rs)
    session.flush()
    preview = internal_query.unit_preview(session, actor=officer)
    assert set(preview["scope_code"]) == {OWN, "VN"}  # its own unit and the national figure, no other unit


def _actor(session: Session, role: str, name: str | None = None) -> Actor:
    return make_user(session, name or role, role)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_workflow_action(session: Session, role: str, action: str) -> None:
    rs = make_result_set(session, computed_by="ana")
    start = TRANSITIONS[action][1][0]
    rs.status = start
    if action == "withdraw":
        rs.publish_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    session.add(rs)
    session.flush()
    permission = TRANSITIONS[action][0]
    actor = _actor(session, role, name=f"someone_{role}")
    kwargs: dict[str, object] = {"reason": "ok"}
    if action == "schedule":
        kwargs["publish_at"] = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    allowed = role in PERMISSIONS[permission] and (action != "return" or actor.can("appraise"))
    if allowed:
        done = transition(session, actor=actor, result_set_id=int(rs.id or 0), action=action, **kwargs)  # type: ignore[arg-type]
        assert done.status == TRANSITIONS[action][2] and done.lock_version == 1
    else:
        with pytest.raises(PermissionDenied):
            transition(session, actor=actor, result_set_id=int(rs.id or 0), action=action, **kwargs)  # type: ignore[arg-type]
        assert session.get(ResultSet, rs.id).status == start  # type: ignore[union-attr]


def test_full_workflow_with_maker_checker_and_audit(session: Session) -> None:
    lan = make_user(session, "lan", "analyst", "leader")
    rs = make_result_set(session, computed_by="lan")
    binh, chi, dung = (
        _actor(session, "appraiser", "binh"),
        _actor(session, "council", "chi"),
        _actor(session, "leader", "dung"),
    )
    rid = int(rs.id or 0)
    transition(session, actor=binh, result_set_id=rid, action="appraise")
    transition(session, actor=chi, result_set_id=rid, action="agree")
    # the person who computed may not approve, even holding the leader role
    with pytest.raises(DomainError, match="maker"):
        transition(session, actor=lan, result_set_id=rid, action="approve")
    # nor the appraiser who passed it on, given the leader role later
    grant_role(session, actor=make_user(session, "root", "admin"), username="binh", role="leader")
    with pytest.raises(DomainError, match="maker"):
        transition(session, actor=binh, result_set_id=rid, action="approve")
    transition(session, actor=dung, result_set_id=rid, action="approve", reason="checked")
    # wrong order is refused with a clear message
    with pytest.raises(DomainError, match="status"):
        transition(session, actor=chi, result_set_id=rid, action="agree")
    later = dt.datetime(2030, 4, 6, 2, 0, tzinfo=dt.UTC)
    transition(session, actor=dung, result_set_id=rid, action="schedule", publish_at=later)
    transition(session, actor=dung, result_set_id=rid, action="publish")
    stored = session.get(ResultSet, rid)
    assert (
        stored is not None and stored.status == "published" and stored.publish_at == later and stored.lock_version == 5
    )
    with pytest.raises(ValidationError):
        transition(session, actor=dung, result_set_id=rid, action="withdraw", reason=" ")
    steps = [h["action"] for h in history(session, actor=dung, result_set_id=rid)]
    assert steps == ["appraise", "agree", "approve", "schedule", "publish"]
    approve = session.exec(select(AuditLog).where(AuditLog.action == "approve")).one()
    assert (approve.reason, approve.before_ref, approve.after_ref) == ("checked", "agreed@v2", "approved@v3")
    assert verify_chain(session) == []


def test_return_needs_a_reason_and_the_step_permission(session: Session) -> None:
    rs = make_result_set(session, status="agreed")
    leader, council = _actor(session, "leader"), _actor(session, "council")
    assert "return" in possible_actions(leader, "agreed") and "return" not in possible_actions(council, "agreed")
    with pytest.raises(ValidationError):
        transition(session, actor=leader, result_set_id=int(rs.id or 0), action="return", reason="")
    with pytest.raises(PermissionDenied):
        transition(session, actor=council, result_set_id=int(rs.id or 0), action="return", reason="wrong data")
    done = transition(session, actor=leader, result_set_id=int(rs.id or 0), action="return", reason="wrong data")
    assert done.status == "returned"


def test_stale_version_and_lost_race_get_a_clear_conflict(session: Session) -> None:
    rs = make_result_set(session, status="agreed")
    leader = _actor(session, "leader")
    with pytest.raises(ConflictError) as info:
        transition(session, actor=leader, result_set_id=int(rs.id or 0), action="approve", expected_version=7)
    assert "same moment" in info.value.message("en") and info.value.audit is not None
    transition(session, actor=leader, result_set_id=int(rs.id or 0), action="approve", expected_version=0)
    with pytest.raises(ConflictError):  # a page still showing version 0 cannot act again
        transition(
            session,
            actor=leader,
            result_set_id=int(rs.id or 0),
            action="schedule",
            expected_version=0,
            publish_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        )


def test_system_sets_are_never_approved_and_publish_rules(session: Session) -> None:
    leader = _actor(session, "leader")
    seeded = make_result_set(session, computed_by="system", status="agreed")
    with pytest.raises(DomainError, match="demo seeding"):
        transition(session, actor=leader, result_set_id=int(seeded.id or 0), action="approve")
    rs = make_result_set(session, status="approved")
    with pytest.raises(ValidationError):
        transition(
            session,
            actor=leader,
            result_set_id=int(rs.id or 0),
            action="schedule",
            publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationError):
        transition(
            session,
            actor=leader,
            result_set_id=int(rs.id or 0),
            action="publish",
            publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        )
    public = transition(session, actor=leader, result_set_id=int(rs.id or 0), action="publish")
    assert public.publish_at is not None and public.published_at is not None
    # a public set may still be withdrawn (with a reason): its figures, times and erratum stay as they were
    withdrawn = transition(session, actor=leader, result_set_id=int(rs.id or 0), action="withdraw", reason="oops")
    assert withdrawn.status == "withdrawn" and withdrawn.publish_at == public.publish_at


def test_published_sets_and_rows_are_immutable_in_the_store(session: Session) -> None:
    rs = make_result_set(
        session,
        kind="official",
        status="published",
        publish_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    session.add(ResultRow(result_set_id=int(rs.id or 0), scope="unit", scope_code=OWN, metric="SIPAS", value=1.0))
    session.commit()
    engine = session.get_bind()
    for statement in (
        f"UPDATE result_set SET erratum = 'x' WHERE id = {rs.id}",
        f"UPDATE result_set SET status = 'withdrawn', erratum = 'x' WHERE id = {rs.id}",
        f"UPDATE result_set SET publish_at = '2030-01-01' WHERE id = {rs.id}",
        f"UPDATE result_set SET inputs_hash = 'forged' WHERE id = {rs.id}",
        f"UPDATE result_row SET value = 99 WHERE result_set_id = {rs.id}",
        f"DELETE FROM result_row WHERE result_set_id = {rs.id}",
        f"DELETE FROM result_set WHERE id = {rs.id}",
    ):
        with pytest.raises(DBAPIError), engine.begin() as conn:  # type: ignore[union-attr]
            conn.execute(text(statement))
    with engine.begin() as conn:  # type: ignore[union-attr]
        conn.execute(text(f"UPDATE result_set SET status = 'withdrawn' WHERE id = {rs.id}"))  # only its status
        assert conn.execute(text(f"SELECT status FROM result_set WHERE id = {rs.id}")).scalar() == "withdrawn"


def test_publish_demo_refuses_official_data(session: Session) -> None:
    official = make_result_set(session, kind="official")
    with pytest.raises(DomainError, match="demo"):
        publish_demo(session, int(official.id or 0))
    demo = make_result_set(session, kind="demo", computed_by="x")
    assert publish_demo(session, int(demo.id or 0)).status == "published"


def test_revocation_takes_effect_on_the_next_action(store_url: str) -> None:
    """A leader signed in (its Actor held by a page) loses the role: its very next step is refused and the
    refusal is audited, though the step's own work is rolled back."""
    engine = get_engine(store_url)
    with session_scope(engine) as session:
        admin = make_user(session, "root", "admin")
        leader = make_user(session, "dung", "leader")
        rs = make_result_set(session, status="agreed")
        rid = int(rs.id or 0)
    with session_scope(engine) as session:
        revoke_role(session, actor=admin, username="dung", role="leader", reason="left the post")
    with pytest.raises(PermissionDenied), audited_scope(engine) as session:
        transition(session, actor=leader, result_set_id=rid, action="approve")
    with session_scope(engine) as session:
        assert session.get(ResultSet, rid).status == "agreed"  # type: ignore[union-attr]
        refused = session.exec(select(AuditLog).where(AuditLog.action == "refused")).all()
        assert [r.actor for r in refused] == ["dung"] and "approve" in refused[0].detail
        grant_role(session, actor=admin, username="dung", role="leader")
        set_active(session, actor=admin, username="dung", active=False, reason="account closed")
    with pytest.raises(PermissionDenied, match="disabled"), session_scope(engine) as session:
        transition(session, actor=leader, result_set_id=rid, action="approve")


def test_accounts_rules(session: Session) -> None:
    system = Actor.system()
    with pytest.raises(ValidationError):  # the first account of an empty store must be an administrator
        create_user(session, actor=system, username="x", password="a long enough pw", roles=["leader"])
    create_user(session, actor=system, username="root", password="a long enough pw", roles=["admin"])
    with pytest.raises(PermissionDenied):  # the system may not add anyone once an administrator exists
        create_user(session, actor=system, username="y", password="a long enough pw", roles=["admin"])
    root = authorize(session, make_user(session, "root2", "admin"), "manage_users")
    create_user(session, actor=root, username="lan", password="a long enough pw", roles=["leader", "council"])
    with pytest.raises(ValidationError):
        create_user(session, actor=root, username="lan", password="another long pw", roles=["leader"])
    with pytest.raises(ValidationError, match="Unknown role"):
        create_user(session, actor=root, username="x", password="another long pw", roles=["king"])
    with pytest.raises(ValidationError, match="existing unit"):
        create_user(
            session, actor=root, username="u", password="another long pw", roles=["unit_officer"], scope="nowhere"
        )
    with pytest.raises(ValidationError, match="national"):
        create_user(session, actor=root, username="v", password="another long pw", roles=["leader"], scope=OWN)
    with pytest.raises(PermissionDenied):
        create_user(
            session, actor=_actor(session, "leader", "boss"), username="y", password="another long pw", roles=["admin"]
        )
    set_active(session, actor=root, username="root", active=False)
    with pytest.raises(ValidationError, match="last active administrator"):
        revoke_role(session, actor=root, username="root2", role="admin")
