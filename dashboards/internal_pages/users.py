"""Users (administrators): every account and its roles; add a user, disable or enable, reset a password, grant
or revoke a role (unit officers: for one unit). Every change is audited; new passwords are shown once."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from backend.models.users import ROLES
from dashboards import internal_access as ia
from dashboards.internal_pages.common import labels, require_actor, show_error, t

actor = require_actor()
st.title(t("staff.users.title"))
try:
    users = ia.user_list(actor)
except DomainError as exc:
    show_error(exc)
    st.stop()
st.dataframe(users, hide_index=True, width="stretch", column_config=labels("staff.users.col", list(users.columns)))


def run(operation: str, done: str, **values: object) -> None:
    try:
        ia.manage_user(actor, operation, **values)
    except DomainError as exc:
        show_error(exc)
    else:
        st.session_state["users_done"] = done
        st.rerun()


if st.session_state.get("users_done"):
    st.success(st.session_state.pop("users_done"))

with st.expander(t("staff.users.add"), icon=":material/person_add:"):
    username = st.text_input(t("staff.users.col.username"), key="new_username", max_chars=64)
    full_name = st.text_input(t("staff.users.col.full_name"), key="new_full_name")
    email = st.text_input(t("staff.users.col.email"), key="new_email")
    roles = st.multiselect(
        t("staff.users.roles"), ROLES, key="new_roles", format_func={r: t(f"staff.role.{r}") for r in ROLES}.get
    )
    scope = st.text_input(t("staff.users.scope"), value="*", key="new_scope", help=t("staff.users.scope_help"))
    if st.button(t("staff.users.create"), key="create_user", type="primary"):
        password = ia.generated_password()
        run(
            "create_user",
            t("staff.users.created", user=username, password=password),
            username=username,
            password=password,
            roles=roles,
            full_name=full_name,
            scope=scope,
            email=email or None,
        )

if not users.empty:
    st.subheader(t("staff.users.change"))
    who = st.selectbox(t("staff.users.col.username"), users["username"].tolist(), key="target_user")
    reason = st.text_input(t("internal.sets.reason"), key="user_reason", max_chars=2000)
    cols = st.columns(3)
    active = bool(users.loc[users["username"] == who, "active"].iloc[0])
    if cols[0].button(t("staff.users.disable" if active else "staff.users.enable"), key="toggle_user"):
        run("set_active", t("internal.sets.done"), username=who, active=not active, reason=reason)
    if cols[1].button(t("staff.users.reset"), key="reset_user"):
        password = ia.generated_password()
        run(
            "reset_password",
            t("staff.users.reset_done", user=who, password=password),
            username=who,
            password=password,
            reason=reason,
        )
    role = st.selectbox(
        t("staff.users.role"), ROLES, key="grant_role", format_func={r: t(f"staff.role.{r}") for r in ROLES}.get
    )
    unit = st.text_input(t("staff.users.scope"), value="*", key="grant_scope", help=t("staff.users.scope_help"))
    grant, revoke = st.columns(2)
    if grant.button(t("staff.users.grant"), key="grant_go"):
        run("grant_role", t("internal.sets.done"), username=who, role=role, scope=unit, reason=reason)
    if revoke.button(t("staff.users.revoke"), key="revoke_go"):
        run(
            "revoke_role",
            t("internal.sets.done"),
            username=who,
            role=role,
            scope=None if unit == "*" else unit,
            reason=reason,
        )
