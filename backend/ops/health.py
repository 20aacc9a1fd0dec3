"""The health check that Streamlit's own ``/_stcore/health`` does not do: can the public side read the store?

:func:`check_store` opens the public, read-only connection (``backend.db.get_public_engine``) and lists the
visible result sets through the public views: it fails when the store is down, not migrated, or the public
login lost its grants. :func:`serve` answers ``GET /health`` on a loopback port with 200 ``{"status": "ok"}`` or
503 ``{"status": "unavailable"}``; the reason goes to the structured log, never to the caller. nginx proxies
``/healthz`` to it (backend/ops/nginx.py); ``python -m backend health`` runs the check once (exit status 0/1).
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from backend.logs import log_event


def check_store() -> dict[str, Any]:
    """``{"status": "ok", "visible_sets": n, "ms": …}`` or ``{"status": "unavailable", "error": type}``."""
    from backend.db import get_public_engine, session_scope
    from backend.services.public_query import visible_result_sets

    started = time.perf_counter()
    try:
        with session_scope(get_public_engine()) as session:
            count = len(visible_result_sets(session))
    except Exception as exc:  # any failure means "not healthy"; the type is logged, not shown
        return {"status": "unavailable", "error": type(exc).__name__}
    return {"status": "ok", "visible_sets": count, "ms": round((time.perf_counter() - started) * 1000, 1)}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] not in ("/health", "/healthz"):
            self.send_error(404)
            return
        result = check_store()
        ok = result["status"] == "ok"
        if not ok:
            log_event("health.unavailable", "error", error=result.get("error"))
        body = json.dumps({"status": result["status"]}).encode("utf-8")
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def make_server(port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), _Handler)


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Answer health checks until interrupted (bound to loopback: nginx is the only client)."""
    server = make_server(port, host)
    log_event("health.serving", host=host, port=port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
