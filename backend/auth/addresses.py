"""Which network address a request comes from, for the per-address limits (login throttle, citizens' forms).

The connection's own address, or — only when that connection is a trusted reverse proxy (``TRUSTED_PROXIES``,
e.g. ``127.0.0.1`` behind the nginx front, which sets ``X-Forwarded-For`` to the address it was connected from)
— the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy: the left part of that header
is written by the client and can be forged. Without a trusted proxy every visitor behind nginx would share one
address, so one person's wrong passwords would lock out everyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from backend.settings import get_settings

#: address used when the connection has none (a local connection)
LOCAL_ADDRESS = "local"


def client_address(peer: str | None, forwarded_for: str | None, trusted: Iterable[str]) -> str:
    """The address to count a request against (see the module docstring); at most 64 characters."""
    proxies = {p.strip() for p in trusted if p.strip()}
    address = (peer or LOCAL_ADDRESS).strip()
    if address in proxies and forwarded_for:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in proxies:
                return hop[:64]
    return address[:64]


def trusted_proxies() -> list[str]:
    """The configured trusted reverse proxies (``TRUSTED_PROXIES``, comma-separated)."""
    return [p for p in get_settings().trusted_proxies.split(",") if p.strip()]
