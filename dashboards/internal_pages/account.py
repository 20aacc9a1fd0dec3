"""My account: who I am, my roles and units, and changing my password (every signed-in user)."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from dashboards import internal_access as ia
from dashboards.internal_pages.common import require_actor, show_error, t

actor = require_actor()
st.title(t("staff.account.title"))
st.write(t("staff.account.who", user=actor.username))
for role, scope in sorted(actor.grants):
    st.write(f"- {t(f'staff.role.{role}')}" + ("" if scope == "*" else f" ({scope})"))
with st.form("password"):
    old = st.text_input(t("staff.account.old"), type="password", key="old_password", max_chars=256)
    new = st.text_input(t("staff.account.new"), type="password", key="new_password", max_chars=256)
    again = st.text_input(t("staff.account.again"), type="password", key="again_password", max_chars=256)
    sent = st.form_submit_button(t("staff.account.change"), icon=":material/key:")
if sent:
    if new != again:
        st.error(t("staff.account.differ"))
    else:
        try:
            ia.change_password(actor, old, new)
        except DomainError as exc:
            show_error(exc)
        else:
            st.success(t("staff.account.changed"))
