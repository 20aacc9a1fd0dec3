"""Structured logs: one JSON object per line on stderr, without personal data.

``log_event("release.released", result_set_id=7, path="…")`` writes
``{"ts": "2026-…Z", "level": "info", "event": "release.released", "result_set_id": 7, "path": "…"}``.
Fields that could identify a person — user names, full names, e-mail addresses, phone numbers, passwords,
client addresses — are never written: :data:`PERSONAL` keys are dropped (their presence is noted as
``"redacted": [...]``), so a caller cannot leak them by mistake. Actors are logged by their roles only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, TextIO

PERSONAL = frozenset(
    {"username", "user", "actor", "full_name", "name", "email", "phone", "password", "ip", "client", "address"}
)


def event_line(event: str, level: str = "info", **fields: Any) -> str:
    """The JSON line of one event (personal fields dropped)."""
    record: dict[str, Any] = {
        "ts": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "level": level,
        "event": event,
    }
    redacted = sorted(k for k in fields if k.lower() in PERSONAL)
    record.update({k: v for k, v in fields.items() if k.lower() not in PERSONAL})
    if redacted:
        record["redacted"] = redacted
    return json.dumps(record, ensure_ascii=False, default=str, sort_keys=False)


def log_event(event: str, level: str = "info", *, stream: TextIO | None = None, **fields: Any) -> None:
    """Write one event to ``stream`` (default: stderr, collected by systemd's journal)."""
    print(event_line(event, level, **fields), file=stream or sys.stderr, flush=True)
