"""The one settings object of the project.

Every setting can be given as an environment variable (upper case, e.g. ``DATABASE_URL``) or in a
``.env`` file at the repository root. Nothing secret has a default: settings that need a secret
refuse to start without one, with a hint saying what to set.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Typed configuration, read once per process (see :func:`get_settings`)."""

    model_config = SettingsConfigDict(env_file=REPO_ROOT / ".env", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the store; empty means the embedded SQLite file data/app.db.",
    )
    database_password: SecretStr = Field(
        default=SecretStr(""),
        description="Password of DATABASE_URL's user, kept out of the URL (any characters, no escaping).",
    )
    public_database_url: str = Field(
        default="",
        description=(
            "URL the public app reads with: a login role that is a member of par_public (PostgreSQL). "
            "Empty on SQLite: the store's file, opened read-only with the public authorizer."
        ),
    )
    public_database_password: SecretStr = Field(
        default=SecretStr(""),
        description="Password of PUBLIC_DATABASE_URL's user, kept out of the URL (any characters).",
    )
    data_dir: Path = Field(
        default=REPO_ROOT / "data",
        description="Folder of reference CSVs, frameworks, published record.",
    )
    geo_dir: Path = Field(default=REPO_ROOT / "geo", description="Folder of boundary files.")
    demo_years: str = Field(
        default="2022-2025",
        description="Years the demo generator fills, e.g. 2022-2025.",
    )
    demo_scale: Literal["full", "small"] = Field(default="small", description="Demo size used by `make run`.")
    demo_seed: int = Field(default=20251, description="Seed of the demo generator: same seed, same data.")
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh",
        description="Time zone for publication times and display.",
    )
    public_port: int = Field(default=8501, description="Port of the public app.")
    internal_port: int = Field(default=8502, description="Port of the internal app.")
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")
    releases_dir: Path = Field(
        default=REPO_ROOT / "data" / "releases",
        description="Where the web server reads the press kits (served as /releases/); kits arrive here only at "
        "their publication time.",
    )
    releases_private_dir: Path = Field(
        default=REPO_ROOT / "data" / "releases-private",
        description="Where press kits are built before their publication time; never served. Must be on the same "
        "file system as RELEASES_DIR (a release is one atomic rename).",
    )
    public_base_url: str = Field(
        default="",
        description="Public address of the site (https://…) as readers reach it: the press kits' citations "
        "(…/releases/…) and the links of online surveys; empty: relative links.",
    )
    open_data_licence: str = Field(default="CC-BY-4.0", description="Licence id of the open data (SPDX).")
    open_data_licence_title: str = Field(
        default="Creative Commons Attribution 4.0", description="Licence title of the open data."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins of one account before it is locked (backend/auth/throttle.py)."
    )
    login_max_failures_address: int = Field(
        default=20, ge=1, description="Failed logins from one client address before it is locked."
    )
    login_lock_seconds: int = Field(
        default=30, ge=1, description="First lock; each further failure doubles it, up to login_lock_max_seconds."
    )
    login_lock_max_seconds: int = Field(default=3600, ge=1, description="Longest lock after repeated failures.")
    login_window_minutes: int = Field(
        default=15, ge=1, description="Failures older than this (since the last one) are forgotten."
    )
    session_idle_minutes: int = Field(default=30, ge=1, description="The internal app signs out after this idle time.")
    evidence_dir: Path = Field(
        default=REPO_ROOT / "data" / "evidence",
        description="Folder of uploaded evidence files (random names; never inside a served folder).",
    )
    evidence_max_mb: float = Field(default=20, gt=0, description="Largest evidence file accepted (MB).")
    audit_check_minutes: int = Field(
        default=60, ge=1, description="The internal app re-checks the audit hash chain this often (and at start-up)."
    )
    submission_database_url: str = Field(
        default="",
        description=(
            "URL citizens' anonymous submissions are written with: a login role that is a member of par_submit "
            "(PostgreSQL). Empty on SQLite: the store's file, opened with the submission authorizer."
        ),
    )
    submission_database_password: SecretStr = Field(
        default=SecretStr(""),
        description="Password of SUBMISSION_DATABASE_URL's user, kept out of the URL (any characters).",
    )
    personal_data_key: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "Secret (no default) from which the keys of personal data are derived: the salted hashes and the "
            "encrypted copies of respondents' phone numbers and citizens' contact details, and the hashes of "
            "citizens' network addresses. Urlsafe base64 of 32 bytes (`python -m backend personal-key` makes one) "
            "or a passphrase of at least 32 characters. Empty: the key file (PERSONAL_DATA_KEY_FILE) is used; "
            "without either, phones can be neither imported nor read and the public forms accept nothing "
            "(backend/personal.py)."
        ),
    )
    personal_data_key_file: Path | None = Field(
        default=None,
        description="File holding that secret when PERSONAL_DATA_KEY is empty; empty means data/personal_data.key.",
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Comma-separated addresses of reverse proxies (e.g. 127.0.0.1 behind nginx) whose X-Forwarded-For "
            "header names the visitor's address for the login throttle and the citizens' forms; empty: the "
            "connection's own address is used (make serve sets 127.0.0.1 for its apps)."
        ),
    )
    voice_limit_per_address: int = Field(
        default=30, ge=1, description="Submissions accepted from one network address per window (all forms)."
    )
    voice_limit_per_session: int = Field(
        default=5, ge=1, description="Submissions accepted from one browser session per window (all forms)."
    )
    voice_window_minutes: int = Field(default=60, ge=1, description="Length of the rate-limit window (minutes).")
    voice_min_fill_seconds: float = Field(
        default=3.0, ge=0, description="A form sent sooner than this after it was shown is taken for a robot's."
    )
    voice_form_max_age_minutes: int = Field(
        default=180, ge=1, description="A form older than this is refused (shown again with a fresh token)."
    )
    voice_min_cell: int = Field(
        default=10, ge=1, description="Online-survey figures from fewer answers than this are not published."
    )
    ingest_max_bytes: int = Field(default=200 * 1024 * 1024, description="Largest file an import accepts (bytes).")
    ingest_max_rows: int = Field(default=300_000, description="Most data rows an imported file may have.")
    ingest_max_columns: int = Field(default=400, description="Most columns an imported file may have.")
    ingest_max_xlsx_expanded: int = Field(
        default=1024 * 1024 * 1024,
        description="Most bytes an XLSX file may expand to when unzipped (zip-bomb guard).",
    )

    @field_validator("database_url", "public_database_url", "submission_database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "DATABASE_URL and PUBLIC_DATABASE_URL must start with sqlite:// or postgresql+psycopg:// "
                f"(got {value.split(':', 1)[0]!r}). Hint: leave DATABASE_URL empty for the embedded SQLite store."
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """The URL actually used: DATABASE_URL (with DATABASE_PASSWORD, if set), or the embedded SQLite file."""
        if self.database_url:
            return with_password(self.database_url, self.database_password.get_secret_value())
        return f"sqlite:///{self.data_dir / 'app.db'}"

    @property
    def effective_public_database_url(self) -> str:
        """The URL the public app reads with: PUBLIC_DATABASE_URL (with PUBLIC_DATABASE_PASSWORD), else the
        store itself when it is SQLite (opened read-only by ``backend.db.get_public_engine``), else empty:
        a PostgreSQL store has no public URL until an administrator has created the login role."""
        if self.public_database_url:
            return with_password(self.public_database_url, self.public_database_password.get_secret_value())
        store = self.effective_database_url
        return store if store.startswith("sqlite") else ""

    @property
    def effective_submission_database_url(self) -> str:
        """The URL anonymous submissions are written with: SUBMISSION_DATABASE_URL (with its password), else
        the store itself when it is SQLite (opened with the submission authorizer by
        ``backend.db.get_submission_engine``), else empty: never the owner's PostgreSQL login."""
        if self.submission_database_url:
            return with_password(self.submission_database_url, self.submission_database_password.get_secret_value())
        store = self.effective_database_url
        return store if store.startswith("sqlite") else ""

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def frameworks_dir(self) -> Path:
        return self.data_dir / "frameworks"


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` set as its password, correctly escaped (``@ : / # % ? &`` and spaces are
    safe). An empty password leaves the URL as written (a password may also be percent-encoded in it)."""
    if not password:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True) if url else ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (environment read once). Tests call ``get_settings.cache_clear()``."""
    return Settings()
