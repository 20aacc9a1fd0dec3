"""The nginx front: one configuration for this machine (`python -m backend serve`), the tests and production.

What it does (template ``nginx.conf.j2`` beside this module):

* serves the press kits from ``RELEASES_DIR`` at ``/releases/`` (immutable cache headers on 200, ``no-store`` on
  404 so that an embargoed URL is never cached), gzip;
* proxies the public app (several Streamlit processes, sticky by a random cookie nginx sets itself) at ``/``
  and the internal app at ``/internal/`` (optionally only from listed networks), with the websocket upgrade of
  ``/_stcore/stream``; ``/_stcore/metrics`` answers 404;
* ``/healthz`` → the store check of ``python -m backend health --serve``;
* security headers on every answer: X-Frame-Options SAMEORIGIN, ``frame-ancestors 'self'`` in the CSP,
  nosniff, a referrer policy, a permissions policy, and HSTS under TLS.

The apps' CSP (:data:`APP_CSP`) is the strictest Streamlit runs under, checked in a real browser by
tests/e2e/test_front.py (no violation on any public page): Streamlit's front end needs inline scripts (its page
and the map component), WebAssembly (``'wasm-unsafe-eval'``: its Arrow reader), inline styles and
``blob:``/``data:`` images and workers; it does not need ``'unsafe-eval'``.
The kit (:data:`KIT_CSP`) has no script at all.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

TEMPLATE_DIR = Path(__file__).resolve().parent

APP_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "frame-src 'self' blob: data:; worker-src 'self' blob:; media-src 'self' blob: data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
KIT_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@dataclass(frozen=True)
class Tls:
    certificate: str
    key: str


@dataclass(frozen=True)
class Site:
    """What the front serves and where things are."""

    port: int
    releases_dir: Path
    public_ports: tuple[int, ...]
    prefix: Path  # pid file (and logs, temp files when run without root's folders)
    internal_port: int | None = None
    health_port: int | None = None
    listen_address: str = "127.0.0.1"
    server_name: str = "localhost"
    tls: Tls | None = None
    http_port: int = 80
    internal_allow: tuple[str, ...] = ()
    workers: str = "auto"
    foreground: bool = False
    run_as: str | None = None
    access_log: str = "off"
    error_log: str | None = None
    temp_dir: Path | None = None
    debug_upstream: bool = False
    purpose: str = "Local front (make serve)."
    mime_types: str = field(default_factory=lambda: mime_types_path())


def mime_types_path() -> str:
    for candidate in ("/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types"):
        if Path(candidate).exists():
            return candidate
    return "/etc/nginx/mime.types"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render(site: Site) -> str:
    """The complete nginx.conf of ``site``."""
    environment = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), trim_blocks=True, lstrip_blocks=False)
    template = environment.get_template("nginx.conf.j2")
    return template.render(
        **{k: getattr(site, k) for k in site.__dataclass_fields__ if k != "error_log"},
        error_log=site.error_log or str(site.prefix / "error.log"),
        app_csp=APP_CSP,
        kit_csp=KIT_CSP,
    )


def production_example() -> str:
    """The example of docs/deploy/nginx.conf: TLS, the internal app only from the ministry's network."""
    return render(
        Site(
            port=443,
            releases_dir=Path("/srv/par/releases"),
            public_ports=(8511, 8512, 8513, 8514),
            prefix=Path("/run/nginx"),
            internal_port=8502,
            health_port=8590,
            server_name="chisocchc.example.gov.vn",
            tls=Tls("/etc/ssl/par/fullchain.pem", "/etc/ssl/par/privkey.pem"),
            internal_allow=("10.0.0.0/8", "127.0.0.1"),
            run_as="www-data",
            access_log="/var/log/nginx/par-access.log",
            error_log="/var/log/nginx/par-error.log",
            purpose="Production example (docs/deployment.md): TLS, 4 public app processes, internal app restricted.",
        )
    )
