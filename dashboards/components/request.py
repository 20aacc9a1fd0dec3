"""The current request's network address, for the per-address limits of both apps (login throttle, citizens'
forms): Streamlit's view of the connection plus its ``X-Forwarded-For`` header, judged by the one rule in
backend/auth/addresses.py."""

from __future__ import annotations

import streamlit as st

from backend.auth.addresses import client_address, trusted_proxies


def request_address() -> str:
    """The address this session's requests come from (the visitor's, behind a trusted proxy)."""
    try:
        peer: object = st.context.ip_address
        forwarded: object = st.context.headers.get("X-Forwarded-For")
    except Exception:  # outside a Streamlit run (AppTest has no connection)
        peer, forwarded = None, None
    return client_address(
        peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None, trusted_proxies()
    )
