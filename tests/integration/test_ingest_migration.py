"""Migration 0009 on SQLite and PostgreSQL: plain phones of an older store become a keyed hash and an encrypted
copy (readable with the configured key), existing forms count as accepted, and the downgrade gives the numbers
back; a store with phones and no key refuses the upgrade and stays as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from backend.db import downgrade, get_engine, migrate, schema_state, session_scope
from backend.errors import DomainError
from backend.personal import vault
from backend.reference.loader import load_reference
from backend.settings import REPO_ROOT, get_settings
from tests.conftest import clear_caches

PHONE = "0000123456"


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/m.db"  # type: ignore[str-bytes-safe]
    else:
        server = request.getfixturevalue("pg_server")
        made = server.create_database()
        yield made
        get_engine(made).dispose()
        server.drop_database(made)


def _old_store(url: str) -> None:
    migrate(url, "0008")
    with session_scope(get_engine(url)) as session:  # unit and year tables are the same before and after 0009
        load_reference(session, REPO_ROOT / "data" / "reference")
    with get_engine(url).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO dataset (name, kind, description, parameters, created_at) VALUES ('d', 'demo', '', '{}', '2024-01-01')"
            )
        )
        unit = conn.execute(text("SELECT min(id) FROM unit")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO survey (dataset_id, index_code, year, name_vi, name_en) VALUES (1, 'SIPAS', 2024, 's', 's')"
            )
        )
        for code, status, phone in (("A", "valid", PHONE), ("B", "pending", None)):
            conn.execute(
                text(
                    "INSERT INTO survey_form (survey_id, form_code, respondent_group, unit_id, collected_on, status, respondent_phone) VALUES (1, :c, 'household', :u, '2024-09-01', :s, :p)"
                ),
                {"c": code, "s": status, "p": phone, "u": unit},
            )


def test_phones_are_sealed_and_given_back(url: str) -> None:
    _old_store(url)
    migrate(url)
    with get_engine(url).connect() as conn:
        rows = conn.execute(
            text("SELECT form_code, review_state, phone_hash, phone_encrypted FROM survey_form ORDER BY form_code")
        ).all()
        columns = {
            c[1] if url.startswith("sqlite") else c[0]
            for c in conn.execute(
                text(
                    "PRAGMA table_info(survey_form)"
                    if url.startswith("sqlite")
                    else "SELECT column_name FROM information_schema.columns WHERE table_name = 'survey_form'"
                )
            )
        }
    assert "respondent_phone" not in columns
    assert rows[0][1] == "accepted" and rows[1][1] == "received"
    assert rows[0][2] == vault().hash(PHONE) and vault().decrypt(rows[0][3]) == PHONE and rows[1][2] is None
    downgrade(url, "0008")
    with get_engine(url).connect() as conn:
        assert (
            conn.execute(text("SELECT respondent_phone FROM survey_form WHERE form_code = 'A'")).scalar_one() == PHONE
        )


def test_no_key_no_upgrade(url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    _old_store(url)
    monkeypatch.setenv("PERSONAL_DATA_KEY", "")
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", f"{tmp_path}/none.key")
    get_settings.cache_clear()
    with pytest.raises(DomainError):
        migrate(url)
    assert schema_state(url)[0] == "0008"
    with get_engine(url).connect() as conn:
        assert (
            conn.execute(text("SELECT respondent_phone FROM survey_form WHERE form_code = 'A'")).scalar_one() == PHONE
        )
    clear_caches()
