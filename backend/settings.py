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
    personal_data_key: SecretStr = Field(
        default=SecretStr(""),
        description="Secret (urlsafe base64 of 32 bytes) that hashes and encrypts respondents' phone numbers; "
        "no default: `python -m backend personal-key` makes one (backend/personal.py).",
    )
    personal_data_key_file: Path | None = Field(
        default=None,
        description="File holding that secret when PERSONAL_DATA_KEY is empty; empty means data/personal_data.key.",
    )
    ingest_max_bytes: int = Field(default=200 * 1024 * 1024, description="Largest file an import accepts (bytes).")
    ingest_max_rows: int = Field(default=300_000, description="Most data rows an imported file may have.")
    ingest_max_columns: int = Field(default=400, description="Most columns an imported file may have.")
    ingest_max_xlsx_expanded: int = Field(
        default=1024 * 1024 * 1024,
        description="Most bytes an XLSX file may expand to when unzipped (zip-bomb guard).",
    )

    @field_validator("database_url", "public_database_url")
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
