"""Template labels come from the catalogue (backend/i18n/<lang>/ingest.yaml) and stay headers a file may use:
a header row written with the Vietnamese or the English labels of a layout reads back, and so does one written
with the wording of the templates handed out before the labels moved into the catalogue."""

from __future__ import annotations

import pytest

from backend.ingest import templates
from backend.ingest.columns import match_header
from backend.ingest.layout import Layout, layout
from backend.services.reports import template_layout

YEAR = 2024


def _layouts() -> list[Layout]:
    return [
        layout("sipas", YEAR),
        layout("official", YEAR),
        layout("plan", YEAR),
        template_layout("self_assessment", YEAR, "province"),
        template_layout("self_assessment", YEAR, "ministry"),
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_header_of_labels_in_either_language_reads_back(lang: str) -> None:
    for lay in _layouts():
        header = [c.vi if lang == "vi" else c.en for c in lay.columns]
        match = match_header(header, lay)
        assert match.positions == {c.code: i for i, c in enumerate(lay.columns)}, lay.kind
        assert not match.missing and not match.unknown


def test_every_label_and_note_is_a_text_not_a_missing_key() -> None:
    for lay in _layouts():
        for c in lay.columns:
            assert c.vi and c.en, c.code
            texts = [c.vi, c.en, c.note_vi, c.note_en, *(x for ch in c.choices for x in (ch.vi, ch.en))]
            assert not any(text.startswith("ingest.") for text in texts), c.code


#: headers of templates generated before the move (same wording): files filled in from them still import
OLDER_HEADERS = {
    "sipas": [
        "Mã phiếu",
        "Tỉnh, thành phố",
        "Mã huyện",
        "Mã xã",
        "Mã thôn, tổ dân phố",
        "Mã điều tra viên",
        "Ngày phỏng vấn",
        "Giờ bắt đầu",
        "Giờ kết thúc",
        "Số điện thoại người trả lời",
    ],
    "official": ["Mã phiếu", "Tỉnh/bộ được đánh giá", "Nhóm người trả lời", "Ngày phỏng vấn"],
    "plan": ["Tỉnh/bộ", "Cuộc khảo sát", "Mã xã (để trống = cả tỉnh)", "Nhóm người trả lời", "Số phiếu kế hoạch"],
    "self_assessment": [
        "Tỉnh/bộ tự chấm",
        "Mã tiêu chí",
        "Điểm tự chấm",
        "Giải trình",
        "Số hiệu tài liệu kiểm chứng",
        "Trích yếu tài liệu",
        "Ngày ban hành",
    ],
}


def test_headers_of_older_templates_still_match() -> None:
    for lay in _layouts():
        header = OLDER_HEADERS[lay.kind]
        match = match_header(header, lay)
        assert sorted(match.positions.values()) == list(range(len(header))), (lay.kind, match.unknown)
        assert not match.unknown
    plan = layout("plan", YEAR).column("survey")
    assert [(c.code, c.vi, c.en) for c in plan.choices][1] == ("PAR_SURVEY", "Điều tra XHH", "Sociological survey")


def test_template_texts_in_both_languages() -> None:
    """The explanation sheet's head, the required flags and the XLSForm language names (ODK projects already
    deployed refer to ``label::Tiếng Việt (vi)``) keep their wording."""
    lay = layout("plan", YEAR)
    rows = templates.explanation_rows(lay, ["Hà Nội"])
    assert rows[0] == [
        "cột / column",
        "tên (vi)",
        "name (en)",
        "kiểu / type",
        "bắt buộc / required",
        "giá trị (vi)",
        "values (en)",
        "ghi chú / note",
    ]
    assert {row[4] for row in rows[1:]} == {"có / yes", "không / no"}
    assert rows[1][5:7] == ["tên hoặc mã đơn vị của năm (danh sách chọn)", "the year's unit names or codes (dropdown)"]
    assert templates.xlsform_languages() == ("Tiếng Việt (vi)", "English (en)")
    sheets = templates.xlsform_sheets(layout("sipas", YEAR), [("01", "Hà Nội", "Ha Noi")])
    scale = [c for c in sheets["choices"] if c["list_name"] == "scale"]
    assert scale[-1]["label::English (en)"] == "Không biết / Don't know"
    assert sheets["settings"][0]["default_language"] == "Tiếng Việt (vi)"
    groups = {r["name"]: r["label::English (en)"] for r in sheets["survey"] if r["type"] == "begin_group"}
    assert groups == {
        "identification": "Form",
        "profile": "Respondent",
        "policy": "Policies",
        "service": "Public services",
        "overall": "Overall",
    }
