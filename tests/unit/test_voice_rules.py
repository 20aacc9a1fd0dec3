"""Rules of citizens' voice and the PAR database that need no store: personal data (backend/personal.py),
Vietnamese folding and search queries (backend/search.py), abuse controls (submission_rules), templates and
answers (voice_templates), aggregation (voice_results.aggregate) and the public tables (voice_tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from backend import personal, search
from backend.auth import addresses
from backend.errors import DomainError, ValidationError
from backend.published.voice import FormItem, SurveyForm
from backend.published.voice_tables import figures_table, results_table
from backend.services import submission_rules as rules
from backend.services.voice_common import InputRefused, accepting, province_valid, require_text
from backend.services.voice_results import AggregateItem, aggregate
from backend.services.voice_templates import StoredItem, check_answers, load_templates, parse_items
from tests.conftest import clear_caches

KEY = "a personal-data key of more than 32 characters"


@pytest.fixture(autouse=True)
def _forget_changed_settings() -> Iterator[None]:
    """Tests here change PERSONAL_DATA_KEY and read the settings: forget what they read, so a later test in the
    same process reads the restored key (a cached "too short" one refused every phone of the ingest tests)."""
    yield
    clear_caches()


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAL_DATA_KEY", KEY)
    clear_caches()


# ---- personal data ----------------------------------------------------------------------------------------


def test_contacts_are_hashed_salted_and_encrypted(key: None, monkeypatch: pytest.MonkeyPatch) -> None:
    same = {personal.hash_contact(v) for v in ("0912 345 678", "+84 912-345-678", "84912345678", "0912345678")}
    assert len(same) == 1 and len(next(iter(same))) == 64
    assert personal.hash_contact("A.Nguyen@Example.VN ") == personal.hash_contact("a.nguyen@example.vn")
    assert personal.hash_contact("0912345678") != personal.hash_contact("0912345679")
    assert personal.hash_contact("0912345678") != personal.hash_address("0912345678")  # one key per purpose
    token = personal.encrypt("0912 345 678")
    assert "0912" not in token and personal.decrypt(token) == "0912 345 678"
    assert personal.encrypt("x") != personal.encrypt("x")  # random IV: equal values look different
    hashed = personal.hash_contact("0912345678")
    monkeypatch.setenv("PERSONAL_DATA_KEY", KEY + " rotated")
    clear_caches()
    assert personal.hash_contact("0912345678") != hashed  # the salt is the secret: no key, no comparison
    with pytest.raises(DomainError, match="cannot be read"):
        personal.decrypt(token)


def test_without_a_key_nothing_personal_is_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("", "too short"):
        monkeypatch.setenv("PERSONAL_DATA_KEY", value)
        clear_caches()
        assert not personal.available()
        with pytest.raises(DomainError) as info:
            personal.hash_contact("0912345678")
        assert "PERSONAL_DATA_KEY" in info.value.message("en") and "PERSONAL_DATA_KEY" in info.value.message("vi")
        with pytest.raises(DomainError):
            personal.encrypt("x")


# ---- folding and search queries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Quyết định số 12/QĐ-UBND", "quyet dinh so 12 qd ubnd"),
        ("ĐỒNG THÁP, Đắk Lắk", "dong thap dak lak"),
        ("Chuyển đổi số — chính quyền số!", "chuyen doi so chinh quyen so"),
        ("  ", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert search.fold(text) == folded


def test_query_words_and_parameters() -> None:
    words = search.query_words("Kế hoạch  CHUYỂN đổi số " + "x" * 100 + " a b c d e f g h")
    assert words[:4] == ["ke", "hoach", "chuyen", "doi"] and len(words) == search.MAX_QUERY_WORDS
    assert all(len(w) <= search.MAX_WORD for w in words)
    assert search.match_param("sqlite", ["ke", "hoach"]) == '"ke" AND "hoach"*'
    assert search.match_param("postgresql", ["ke", "hoach"]) == "ke & hoach:*"
    assert search.match_param("sqlite", ["so"]) == '"so"*' and search.match_param("postgresql", ["so"]) == "so:*"
    assert search.query_words("\"'*:&|!()") == []  # nothing of the query language gets through
    assert search.entry_key("question", 7) % search.KEY_KINDS == search.KINDS["question"]
    assert search.ref_id(search.entry_key("document", 12345)) == 12345


# ---- abuse controls -----------------------------------------------------------------------------------------

LIMITS = rules.Limits(
    per_address=3,
    per_session=2,
    window=dt.timedelta(hours=1),
    min_fill=dt.timedelta(seconds=3),
    max_age=dt.timedelta(hours=2),
)


def test_form_tokens() -> None:
    shown = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    token = rules.issue_token("survey", "abc", shown)
    assert len(token) <= 64
    assert rules.check_token(token, "survey", "abc", LIMITS, shown + dt.timedelta(seconds=30)) is None
    assert rules.check_token(token, "survey", "abc", LIMITS, shown + dt.timedelta(seconds=1)) == "voice.submit.too_fast"
    assert rules.check_token(token, "survey", "abc", LIMITS, shown + dt.timedelta(hours=3)) == "voice.submit.expired"
    assert (
        rules.check_token(token, "survey", "other", LIMITS, shown + dt.timedelta(seconds=30))
        == "voice.submit.bad_token"
    )
    assert (
        rules.check_token(token, "comment", "abc", LIMITS, shown + dt.timedelta(seconds=30)) == "voice.submit.bad_token"
    )
    stamp, nonce, signature = token.split(".")
    forged = f"{int(stamp) - 60_000}.{nonce}.{signature}"  # an older stamp to pass the time trap
    assert (
        rules.check_token(forged, "survey", "abc", LIMITS, shown + dt.timedelta(seconds=1)) == "voice.submit.bad_token"
    )
    for junk in ("", "x", "1.2", "a.b.c", "1" * 200):
        assert rules.check_token(junk, "survey", "abc", LIMITS, shown) == "voice.submit.bad_token"


def test_client_address_trusts_only_configured_proxies() -> None:
    assert addresses.client_address("203.0.113.5", "1.1.1.1", []) == "203.0.113.5"  # header ignored without a proxy
    assert addresses.client_address(None, None, []) == addresses.LOCAL_ADDRESS
    proxies = ["127.0.0.1"]
    assert addresses.client_address("127.0.0.1", "6.6.6.6, 203.0.113.9", proxies) == "203.0.113.9"  # forged left part
    assert addresses.client_address("127.0.0.1", "203.0.113.9, 127.0.0.1", proxies) == "203.0.113.9"
    assert addresses.client_address("198.51.100.1", "6.6.6.6", proxies) == "198.51.100.1"  # not from the proxy


def test_texts_and_contacts() -> None:
    assert rules.clean_text("  a\x00b\r\nc\x1b  ") == ("ab\nc", True)
    assert rules.clean_text("x" * (rules.TEXT_MAX + 1))[1] is False
    for good in ("a@b.vn", "0912 345 678", "+84 (912) 345-678"):
        assert rules.contact_ok(good), good
    for bad in ("hello", "a@b", "<script>@x.vn", "1" * 30, "a" * 250 + "@b.vn", "(((...)))---", "+1 2 3"):
        assert not rules.contact_ok(bad), bad
    assert rules.fingerprint_text("comment", "c", "Xin  CHÀO") == rules.fingerprint_text("comment", "c", "xin chào")


# ---- templates, items and answers -------------------------------------------------------------------------


def test_templates_load_and_follow_the_rules() -> None:
    templates = load_templates()
    assert set(templates) >= {"public_service", "province_reform"}
    service = templates["public_service"]
    assert service.scope == "service" and [i.kind for i in service.items].count("rating") == 5
    assert all(len(i.options) >= 2 for i in service.items if i.kind == "choice")


@pytest.mark.parametrize(
    "rows",
    [
        [{"code": "Bad Code", "kind": "rating", "text_vi": "x"}],
        [{"code": "a", "kind": "choice", "text_vi": "x", "options": '[{"code": "o", "vi": "O"}]'}],
        [
            {
                "code": "a",
                "kind": "text",
                "text_vi": "x",
                "options": '[{"code": "o", "vi": "O"}, {"code": "p", "vi": "P"}]',
            }
        ],
        [{"code": "a", "kind": "rating", "text_vi": "x"}, {"code": "a", "kind": "text", "text_vi": "y"}],
        [{"code": "a", "kind": "stars", "text_vi": "x"}],
        [{"code": "a", "kind": "rating", "text_vi": ""}],
        [{"code": "a", "kind": "choice", "text_vi": "x", "options": "not json"}],
        [],
    ],
)
def test_bad_items_are_refused(rows: list[dict[str, object]]) -> None:
    with pytest.raises(ValidationError) as info:
        parse_items(rows)
    assert info.value.problems


ITEMS = [
    StoredItem(1, "r", "rating", True, ()),
    StoredItem(2, "c", "choice", False, ("a", "b")),
    StoredItem(3, "t", "text", False, ()),
]


def test_answers() -> None:
    clean, problems = check_answers(ITEMS, {"r": 4, "c": "b", "t": "  ý kiến  "})
    assert not problems and [(i.code, v) for i, v in clean] == [("r", 4), ("c", "b"), ("t", "ý kiến")]
    _, problems = check_answers(ITEMS, {"r": 6, "c": "z", "t": "x" * 3000, "extra": 1})
    assert sorted(problems) == sorted(
        [
            ("voice.submit.unknown_item", "extra"),
            ("voice.submit.bad_rating", "r"),
            ("voice.submit.bad_choice", "c"),
            ("voice.submit.too_long", "t"),
        ]
    )
    assert check_answers(ITEMS, {})[1] == [("voice.submit.required", "r")]
    for rating in (True, 2.5, "4", 0):
        assert check_answers(ITEMS, {"r": rating})[1] == [("voice.submit.bad_rating", "r")], rating


def test_periods_provinces_and_staff_texts() -> None:
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    assert accepting("open", now - day, now + day, now)
    assert not accepting("open", now, now + day, now - day) and not accepting("open", now - day, now, now)
    assert not accepting("closed", now - day, now + day, now)
    assert accepting("open", (now - day).replace(tzinfo=None), (now + day).replace(tzinfo=None), now)
    assert province_valid("province_34", dt.date(2025, 7, 1), None, dt.date(2026, 1, 1))
    assert not province_valid("province_63", dt.date(2008, 8, 1), dt.date(2025, 6, 30), dt.date(2026, 1, 1))
    assert not province_valid("ministry", dt.date(2025, 3, 1), None, dt.date(2026, 1, 1))
    with pytest.raises(InputRefused) as info:
        require_text({"title_vi": " ", "summary": "x" * 600}, ["title_vi"], {})
    assert len(info.value.issues) == 2
    assert "title_vi" in info.value.message("vi") and "600" not in info.value.message("en")


# ---- aggregation and tables ------------------------------------------------------------------------------


def test_aggregate_per_province_and_item_with_suppression() -> None:
    answers = pd.DataFrame(
        {
            "unit_id": [1] * 10 + [2] * 3,
            "item_code": ["r"] * 13,
            "rating": [5, 5, 4, 4, 3, 3, 2, 1, 5, 4, 1, 1, 1],
            "choice": [None] * 13,
        }
    )
    choices = pd.DataFrame(
        {"unit_id": [1] * 10, "item_code": ["c"] * 10, "rating": [None] * 10, "choice": ["a"] * 4 + ["b"] * 6}
    )
    rows = aggregate(
        pd.concat([answers, choices]), [AggregateItem("r", "rating", ()), AggregateItem("c", "choice", ("a", "b"))], 10
    )

    def get(unit: int, code: str, metric: str, option: str = "") -> pd.Series:
        return rows[
            (rows["unit_id"].fillna(0) == unit)
            & (rows["item_code"] == code)
            & (rows["metric"] == metric)
            & (rows["option"] == option)
        ].iloc[0]

    assert get(1, "r", "mean")["value"] == 3.6 and get(1, "r", "share_high")["value"] == 60.0
    assert get(2, "r", "mean")["n"] == 3 and pd.isna(get(2, "r", "mean")["value"])  # 3 answers: not shown
    assert get(0, "r", "mean")["n"] == 13 and get(0, "r", "mean")["value"] == 3.0  # all provinces: 39 / 13
    assert get(1, "c", "option", "a")["value"] == 40.0 and get(1, "c", "option", "b")["value"] == 60.0
    assert set(rows["metric"]) == {"mean", "share_high", "option"}


def test_public_tables() -> None:
    form = SurveyForm(
        id=1,
        code="s",
        row={"title_vi": "T", "title_en": ""},
        items=(
            FormItem("r", "rating", "Câu r", "Item r", True, ()),
            FormItem("c", "choice", "Câu c", "", False, (("a", "Có", "Yes"),)),
        ),
    )
    rows = pd.DataFrame(
        [
            {"unit_id": 5, "item_code": "r", "metric": "mean", "option": "", "value": 4.2, "n": 12},
            {"unit_id": None, "item_code": "c", "metric": "option", "option": "a", "value": None, "n": 3},
        ]
    )
    units = pd.DataFrame({"unit_id": [5], "name_vi": ["Hà Nội"], "name_en": ["Ha Noi"]})
    table = results_table(rows, form, units, "en")
    first = table.iloc[0].tolist()
    assert first[:3] == ["All provinces", "Câu c", "Chose “Yes” (%)"] and pd.isna(first[3]) and first[4] == 3
    assert table.iloc[1].tolist()[:3] == ["Ha Noi", "Item r", "Mean rating (1–5)"]
    figures = pd.DataFrame(
        {
            "name_vi": ["Tỷ lệ"] * 2,
            "name_en": ["Share"] * 2,
            "measure": ["%"] * 2,
            "year": [2023, 2024],
            "value": [50.0, 60.0],
        }
    )
    wide = figures_table(figures, "en")
    assert list(wide.columns) == ["Indicator", "2023", "2024"] and wide.iloc[0].tolist() == ["Share (%)", 50.0, 60.0]


def test_online_surveys_never_reach_the_sipas_figures() -> None:
    """SIPAS is computed from the sampled survey's tables only: nothing that reads answers for scoring names the
    online-survey tables (they have their own results, labelled and published apart)."""
    from backend.settings import REPO_ROOT

    readers = [
        REPO_ROOT / "backend" / "services" / "inputs.py",
        *sorted((REPO_ROOT / "backend" / "scoring").glob("*.py")),
    ]
    for path in readers:
        source = path.read_text(encoding="utf-8")
        for name in ("voice_answer", "voice_response", "VoiceAnswer", "VoiceResponse", "voice_result"):
            assert name not in source, (path.name, name)
