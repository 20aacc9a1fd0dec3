"""Real browser (Debian chromium via Playwright) on citizens' pages: a citizen agrees to the privacy notice and
answers an online survey (the answer reaches the store through the submission path; the honeypot field stays out
of sight), and a visitor searches the PAR database without diacritics and downloads what was found."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import free_port, start_public_app, stop, wait_ready
from tests.factories_voice import OFFICIAL_NUMBER, PERSONAL_KEY, VoiceFactory, build_voice_store

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("voice_browser")]


@pytest.fixture(scope="module")
def voice_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[tuple[str, str, VoiceFactory]]:
    """(base URL, store URL, what the factory made) of the public app serving a citizens' voice store."""
    from backend.db import get_engine
    from tests.conftest import clear_caches
    from tests.factories_results import build_store

    folder = tmp_path_factory.mktemp("voice_e2e")
    url = f"sqlite:///{folder / 'voice.db'}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PERSONAL_DATA_KEY", PERSONAL_KEY)
        monkeypatch.setenv("VOICE_MIN_FILL_SECONDS", "1")
        for name in ("PUBLIC_DATABASE_URL", "SUBMISSION_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)
        clear_caches()
        build_store(url, with_hidden=False)
        made = build_voice_store(url)
        get_engine(url).dispose()
        process = start_public_app(url, free_port_for := free_port(), folder / "streamlit.log")
    clear_caches()
    try:
        yield f"http://127.0.0.1:{free_port_for}", url, made
    finally:
        stop(process)


def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def test_a_citizen_answers_a_survey(page: Any, voice_server: tuple[str, str, VoiceFactory]) -> None:
    base, url, made = voice_server
    before = _count(url, "SELECT count(*) FROM voice_response")
    page.goto(f"{base}/survey?survey={made.survey_code}&lang=en")
    wait_ready(page)
    page.wait_for_selector("h1:has-text('Online survey of citizens')")
    assert page.locator('[data-testid="stRadio"]').count() == 0, "no question before consent"
    page.get_by_text("I have read the privacy notice and agree to send my answers").click()
    page.wait_for_selector('[data-testid="stRadio"]')
    answers = {
        "1. Information on the province's policies": "4 — good",
        "2. The province's administrative procedures": "5 — very good",
        "4. The province's officials serve citizens": "3 — fair",
    }
    for question, label in answers.items():
        group = page.locator('[data-testid="stRadio"]').filter(has_text=question)
        group.get_by_text(label, exact=True).click()
    page.locator('[data-testid="stRadio"]').filter(has_text="5. How would you most like").get_by_text(
        "Web portal or online public services"
    ).click()
    honeypot = page.get_by_label("Leave this field empty")
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] < 0, "the honeypot field is out of sight"
    page.wait_for_timeout(1200)  # a person takes longer than the robot check (VOICE_MIN_FILL_SECONDS=1)
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("text=Thank you: your submission has been received.", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _count(url, "SELECT count(*) FROM voice_response") == before + 1


def test_searching_the_par_database(page: Any, voice_server: tuple[str, str, VoiceFactory]) -> None:
    base, _, _ = voice_server
    page.goto(f"{base}/par_database?lang=en")
    wait_ready(page)
    page.wait_for_selector("h1:has-text('PAR database')")
    assert page.get_by_text("generated demo data").count() >= 1
    search = page.get_by_label("Search documents")
    search.fill("ke hoach nam 2024 cua thanh pho ha noi")
    search.press("Enter")
    page.get_by_text("1 documents.", exact=True).wait_for(timeout=30_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV (on screen)").first.click()
    data = Path(info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["Number"] for row in rows] == [OFFICIAL_NUMBER]
    assert rows[0]["Unit"] == "Ha Noi" and rows[0]["Demo"] == ""
