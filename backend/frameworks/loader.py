"""Read and validate framework files (data/frameworks/*.yaml) into :class:`FrameworkSpec`.

Pure: reads the file it is given, nothing else. Every problem found is collected with its YAML path
and reported at once in one bilingual :class:`backend.errors.ValidationError`.

The file format is described in data/frameworks/README.md. Checks made on load:

* header: code, version, index, unit scope, years (from ≤ to), status (a provisional framework says why);
* criteria tree: unique codes, both names, a scoring mode on every leaf (allowed modes per index and
  scope), no mode on inner nodes, maxima ≥ 0; an unknown (null) maximum must be marked provisional
  with a basis and be filled by a working assumption;
* sums, with the maxima actually used: children add up to their parent, areas to ``total_max``, every
  ``constraints`` entry holds, each grouping covers every leaf mode once and each part adds up to its
  maximum;
* settings: known names only, every required setting has a value (official or working assumption),
  grade thresholds strictly decreasing, every survey-fed leaf has a survey mapping (and only those);
* working assumptions: each fills an official null (never overrides a given value), has a value and
  a bilingual basis, and is provisional.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from backend.errors import ValidationError
from backend.frameworks.spec import (
    INDEX_CODES,
    LEAF_MODES,
    SURVEY_MODES,
    UNIT_SCOPES,
    CriterionSpec,
    FrameworkSpec,
    Grade,
    Grouping,
    GroupingPart,
    ProvisionalItem,
    SipasItem,
    SipasNode,
    SipasSpec,
    SurveyMapping,
    SurveyScoring,
)

SCHEMA_VERSION = 1
#: libyaml's safe loader when PyYAML was built with it (60× faster), else the pure-Python one
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_TOL = 1e-6

PAR_SETTINGS_REQUIRED = (
    "grades",
    "unranked_units",
    "tie_rule",
    "national_average",
    "region_average",
    "survey_mapping",
    "survey_scoring",
    "display_decimals",
)
PAR_SETTINGS_OPTIONAL = ("sipas_points",)
SIPAS_SETTINGS_REQUIRED = (
    "answer_scale",
    "positive_categories",
    "node_aggregation",
    "overall_method",
    "national_method",
    "region_average",
    "unranked_units",
    "tie_rule",
    "display_decimals",
)
SIPAS_SETTINGS_OPTIONAL = ("grades",)
TIE_RULES = ("competition",)
NATIONAL_AVERAGES = ("mean_of_ranked_units", "mean_of_units")
REGION_AVERAGES = ("mean_of_units", "none")
ITEM_AGGREGATIONS = ("mean_of_items", "pooled")
NODE_AGGREGATIONS = ("pooled", "mean_of_children")
OVERALL_METHODS = ("item", "mean_of_areas")
NATIONAL_METHODS = ("mean_of_units", "pooled")
SIPAS_POINTS_RULES = ("percent_of_max",)


class _Problems:
    """Collects problems as ``path: vi / en`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, path: str, vi: str, en: str) -> None:
        self.lines.append(f"{path}: {vi} / {en}")

    def __bool__(self) -> bool:
        return bool(self.lines)


def _num(value: Any) -> float | None:
    """A finite number from YAML (bools are not numbers), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fmt(x: float) -> str:
    return f"{x:g}"


def _text(raw: Any, path: str, problems: _Problems, *, required: bool = True) -> tuple[str, str]:
    """A bilingual text given as ``{vi: ..., en: ...}``."""
    if raw is None:
        if required:
            problems.add(path, "thiếu giải thích (vi, en)", "basis text (vi, en) is missing")
        return "", ""
    if not isinstance(raw, Mapping):
        problems.add(path, "phải có dạng {vi: ..., en: ...}", "must be {vi: ..., en: ...}")
        return "", ""
    vi, en = raw.get("vi"), raw.get("en")
    if not (isinstance(vi, str) and vi.strip() and isinstance(en, str) and en.strip()):
        problems.add(path, "cần cả tiếng Việt (vi) và tiếng Anh (en)", "needs both Vietnamese (vi) and English (en)")
        return str(vi or ""), str(en or "")
    return vi.strip(), en.strip()


def _names(raw: Mapping[str, Any], path: str, problems: _Problems) -> tuple[str, str]:
    vi, en = raw.get("name_vi"), raw.get("name_en")
    if not (isinstance(vi, str) and vi.strip()):
        problems.add(f"{path}.name_vi", "thiếu tên tiếng Việt", "Vietnamese name is missing")
    if not (isinstance(en, str) and en.strip()):
        problems.add(f"{path}.name_en", "thiếu tên tiếng Anh", "English name is missing")
    return str(vi or "").strip(), str(en or "").strip()


def _year(value: Any, path: str, problems: _Problems) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(path, "năm phải là số nguyên", "year must be an integer")
        return None
    return value


class _Assumptions:
    """The ``working_assumptions`` section: key → (value, basis vi, basis en); tracks which were used."""

    def __init__(self, raw: Any, problems: _Problems) -> None:
        self.entries: dict[str, tuple[Any, str, str]] = {}
        self.used: list[str] = []
        if raw is None:
            return
        if not isinstance(raw, Mapping):
            problems.add("working_assumptions", "phải là một bảng khóa → giá trị", "must be a mapping of key → entry")
            return
        for key, entry in raw.items():
            path = f"working_assumptions.{key}"
            if not isinstance(entry, Mapping) or "value" not in entry:
                problems.add(path, "cần có value, provisional và basis", "needs value, provisional and basis")
                continue
            if entry.get("provisional", True) is not True:
                problems.add(
                    f"{path}.provisional",
                    "giả định làm việc luôn là tạm thời (provisional: true)",
                    "a working assumption is always provisional (provisional: true)",
                )
            if entry["value"] is None:
                problems.add(f"{path}.value", "giả định làm việc phải có giá trị", "a working assumption needs a value")
            vi, en = _text(entry.get("basis"), f"{path}.basis", problems)
            self.entries[str(key)] = (entry["value"], vi, en)

    def take(self, key: str) -> tuple[Any, str, str] | None:
        entry = self.entries.get(key)
        if entry is not None and key not in self.used:
            self.used.append(key)
        return entry

    def unused(self) -> list[str]:
        return [key for key in self.entries if key not in self.used]


# --------------------------------------------------------------------------------------------------
# criteria tree (PAR)
# --------------------------------------------------------------------------------------------------


class _TreeBuilder:
    def __init__(self, index_code: str, unit_scope: str, assumptions: _Assumptions, problems: _Problems) -> None:
        self.allowed_modes = LEAF_MODES.get((index_code, unit_scope), ())
        self.assumptions = assumptions
        self.problems = problems
        self.nodes: list[CriterionSpec] = []
        self.provisional: list[ProvisionalItem] = []
        self.seen: set[str] = set()

    def build(self, raw_list: Any, parent: str | None, area: str | None, depth: int, path: str) -> list[str]:
        if not isinstance(raw_list, list) or not raw_list:
            self.problems.add(path, "phải là một danh sách không rỗng", "must be a non-empty list")
            return []
        codes: list[str] = []
        for i, raw in enumerate(raw_list):
            code = self._node(raw, parent, area, depth, f"{path}[{i}]")
            if code is not None:
                codes.append(code)
        return codes

    def _node(self, raw: Any, parent: str | None, area: str | None, depth: int, where: str) -> str | None:
        problems = self.problems
        if not isinstance(raw, Mapping):
            problems.add(where, "mỗi tiêu chí phải là một bảng", "each criterion must be a mapping")
            return None
        code = raw.get("code")
        if not isinstance(code, str) or not _CODE_RE.match(code):
            problems.add(
                f"{where}.code",
                "mã không hợp lệ (chữ, số, . _ -; tối đa 64)",
                "invalid code (letters, digits, . _ -; max 64)",
            )
            return None
        path = f"criteria.{code}"
        if code in self.seen:
            problems.add(path, "mã bị trùng", "duplicate code")
            return None
        self.seen.add(code)
        name_vi, name_en = _names(raw, path, problems)
        level = raw.get("level") or ("area" if depth == 0 else "criterion" if depth == 1 else "sub")
        if level not in ("area", "criterion", "sub", "content", "item"):
            problems.add(f"{path}.level", f"cấp '{level}' không hợp lệ", f"unknown level '{level}'")
        area_code = area or code
        index = len(self.nodes)
        self.nodes.append(  # placeholder; replaced below once children are known
            CriterionSpec(code, parent, str(level), name_vi, name_en, None, None, None, False, area_code, index)
        )
        children: list[str] = []
        if raw.get("children") is not None:
            children = self.build(raw["children"], code, area_code, depth + 1, f"{path}.children")
        mode = raw.get("mode")
        if children and mode is not None:
            problems.add(f"{path}.mode", "chỉ tiêu chí lá mới có cách chấm", "only leaf criteria have a scoring mode")
        if not children:
            if mode is None:
                problems.add(f"{path}.mode", "tiêu chí lá phải có cách chấm (mode)", "a leaf criterion needs a mode")
            elif mode not in self.allowed_modes:
                problems.add(
                    f"{path}.mode",
                    f"cách chấm '{mode}' không dùng được ở đây (được: {', '.join(self.allowed_modes)})",
                    f"mode '{mode}' is not allowed here (allowed: {', '.join(self.allowed_modes)})",
                )
        official = raw.get("max_points")
        official_max = _num(official)
        if official is not None and (official_max is None or official_max < 0):
            problems.add(
                f"{path}.max_points", "điểm tối đa phải là số ≥ 0 hoặc null", "max_points must be a number ≥ 0 or null"
            )
        provisional = raw.get("provisional", False) is True
        basis_vi, basis_en = "", ""
        if provisional or official is None:
            basis_vi, basis_en = _text(raw.get("basis"), f"{path}.basis", problems)
        if official is None and not provisional:
            problems.add(
                f"{path}.max_points",
                "điểm tối đa chưa biết (null) phải đánh dấu provisional: true kèm basis",
                "an unknown (null) maximum must be marked provisional: true with a basis",
            )
        effective = official_max
        key = f"criteria.{code}.max_points"
        assumed = self.assumptions.take(key)
        used_assumption = False
        if official is not None and assumed is not None:
            problems.add(
                f"working_assumptions.{key}",
                "giả định làm việc chỉ thay cho giá trị chưa biết (null), không thay giá trị đã có",
                "a working assumption may only fill an unknown (null) value, not replace a given one",
            )
        elif official is None:
            if assumed is None:
                problems.add(
                    f"{path}.max_points",
                    f"chưa biết và không có giả định làm việc '{key}'",
                    f"unknown and no working assumption '{key}' is given",
                )
            else:
                effective = _num(assumed[0])
                used_assumption = True
                if effective is None or effective < 0:
                    problems.add(f"working_assumptions.{key}.value", "phải là số ≥ 0", "must be a number ≥ 0")
                    effective = None
        if provisional or used_assumption:
            self.provisional.append(
                ProvisionalItem(
                    path=key,
                    value=effective,
                    basis_vi=basis_vi,
                    basis_en=basis_en,
                    from_working_assumption=used_assumption,
                    assumption_basis_vi=assumed[1] if used_assumption and assumed else "",
                    assumption_basis_en=assumed[2] if used_assumption and assumed else "",
                )
            )
        self.nodes[index] = CriterionSpec(
            code=code,
            parent=parent,
            level=str(level),
            name_vi=name_vi,
            name_en=name_en,
            official_max=official_max,
            max_points=effective,
            mode=None if children else (str(mode) if mode is not None else None),
            provisional=provisional or used_assumption,
            area=area_code,
            sort_order=index,
            children=tuple(children),
            confidence=str(raw.get("confidence") or ""),
            source=str(raw.get("source") or ""),
            basis_vi=basis_vi,
            basis_en=basis_en,
            from_year=_year(raw.get("from_year"), f"{path}.from_year", problems),
            to_year=_year(raw.get("to_year"), f"{path}.to_year", problems),
        )
        return code


def _check_sums(nodes: list[CriterionSpec], total_max: float, problems: _Problems) -> None:
    by_code = {node.code: node for node in nodes}
    for node in nodes:
        if node.is_leaf or node.max_points is None:
            continue
        child_max = [by_code[c].max_points for c in node.children]
        if any(m is None for m in child_max):
            continue
        total = math.fsum(m for m in child_max if m is not None)
        if abs(total - node.max_points) > _TOL:
            problems.add(
                f"criteria.{node.code}.max_points",
                f"các tiêu chí con cộng lại {_fmt(total)}, khác điểm tối đa {_fmt(node.max_points)}",
                f"children add up to {_fmt(total)}, not the parent's maximum {_fmt(node.max_points)}",
            )
    area_max = [node.max_points for node in nodes if node.parent is None]
    if all(m is not None for m in area_max):
        total = math.fsum(m for m in area_max if m is not None)
        if abs(total - total_max) > _TOL:
            problems.add(
                "criteria",
                f"các lĩnh vực cộng lại {_fmt(total)}, khác tổng điểm {_fmt(total_max)}",
                f"areas add up to {_fmt(total)}, not total_max {_fmt(total_max)}",
            )


def _check_constraints(raw: Any, nodes: list[CriterionSpec], problems: _Problems) -> list[ProvisionalItem]:
    out: list[ProvisionalItem] = []
    if raw is None:
        return out
    if not isinstance(raw, list):
        problems.add("constraints", "phải là một danh sách", "must be a list")
        return out
    by_code = {node.code: node for node in nodes}
    for i, entry in enumerate(raw):
        path = f"constraints[{i}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("codes"), list) or _num(entry.get("sum")) is None:
            problems.add(
                path, "cần codes (danh sách mã) và sum (số)", "needs codes (a list of codes) and sum (a number)"
            )
            continue
        target = _num(entry["sum"])
        assert target is not None
        missing = [c for c in entry["codes"] if c not in by_code]
        if missing:
            problems.add(
                f"{path}.codes",
                f"mã không có: {', '.join(map(str, missing))}",
                f"unknown codes: {', '.join(map(str, missing))}",
            )
            continue
        values = [by_code[c].max_points for c in entry["codes"]]
        if any(v is None for v in values):
            continue
        total = math.fsum(v for v in values if v is not None)
        if abs(total - target) > _TOL:
            codes = " + ".join(entry["codes"])
            problems.add(
                path,
                f"{codes} = {_fmt(total)}, phải bằng {_fmt(target)}",
                f"{codes} = {_fmt(total)}, must equal {_fmt(target)}",
            )
        if entry.get("provisional") is True:
            vi, en = _text(entry.get("basis"), f"{path}.basis", problems)
            out.append(ProvisionalItem(path, target, vi, en, False))
    return out


def _groupings(raw: Any, nodes: list[CriterionSpec], problems: _Problems) -> tuple[Grouping, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        problems.add("groupings", "phải là một bảng", "must be a mapping")
        return ()
    leaves = [node for node in nodes if node.is_leaf and node.mode is not None]
    modes_present = {node.mode for node in leaves}
    out: list[Grouping] = []
    for gcode, graw in raw.items():
        path = f"groupings.{gcode}"
        if not isinstance(graw, Mapping) or not isinstance(graw.get("parts"), Mapping):
            problems.add(path, "cần name_vi, name_en và parts", "needs name_vi, name_en and parts")
            continue
        name_vi, name_en = _names(graw, path, problems)
        parts: list[GroupingPart] = []
        covered: dict[str, str] = {}
        for pcode, praw in graw["parts"].items():
            ppath = f"{path}.parts.{pcode}"
            if not isinstance(praw, Mapping) or not isinstance(praw.get("modes"), list):
                problems.add(ppath, "cần modes (danh sách) và max_points", "needs modes (a list) and max_points")
                continue
            pvi, pen = _names(praw, ppath, problems)
            modes = tuple(str(m) for m in praw["modes"])
            for mode in modes:
                if mode in covered:
                    problems.add(
                        f"{ppath}.modes",
                        f"cách chấm '{mode}' đã thuộc phần '{covered[mode]}'",
                        f"mode '{mode}' is already in part '{covered[mode]}'",
                    )
                covered[mode] = str(pcode)
            pmax = _num(praw.get("max_points"))
            if pmax is None:
                problems.add(f"{ppath}.max_points", "phải là số", "must be a number")
                continue
            leaf_max = [node.max_points for node in leaves if node.mode in modes]
            if all(m is not None for m in leaf_max):
                total = math.fsum(m for m in leaf_max if m is not None)
                if abs(total - pmax) > _TOL:
                    problems.add(
                        f"{ppath}.max_points",
                        f"các tiêu chí có cách chấm {', '.join(modes)} cộng lại {_fmt(total)}, khác {_fmt(pmax)}",
                        f"leaves with modes {', '.join(modes)} add up to {_fmt(total)}, not {_fmt(pmax)}",
                    )
            parts.append(GroupingPart(str(pcode), pvi, pen, modes, pmax))
        uncovered = sorted(m for m in modes_present if m is not None and m not in covered)
        if uncovered:
            problems.add(
                path,
                f"các cách chấm không thuộc phần nào: {', '.join(uncovered)}",
                f"modes not in any part: {', '.join(uncovered)}",
            )
        out.append(Grouping(str(gcode), name_vi, name_en, tuple(parts)))
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# settings
# --------------------------------------------------------------------------------------------------


def _settings(
    raw: Any,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    assumptions: _Assumptions,
    problems: _Problems,
) -> tuple[dict[str, Any], list[ProvisionalItem]]:
    values: dict[str, Any] = {}
    provisional: list[ProvisionalItem] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.add("settings", "phải là một bảng", "must be a mapping")
        return values, provisional
    for name in raw:
        if name not in required and name not in optional:
            problems.add(f"settings.{name}", "thiết lập không được biết đến", "unknown setting")
    for name in (*required, *optional):
        path = f"settings.{name}"
        entry = raw.get(name)
        if entry is None:
            if name in required:
                problems.add(path, "thiếu thiết lập bắt buộc", "required setting is missing")
            continue
        if not isinstance(entry, Mapping) or "value" not in entry:
            problems.add(path, "cần có value (và provisional, basis)", "needs value (and provisional, basis)")
            continue
        official = entry["value"]
        is_provisional = entry.get("provisional", False) is True
        basis_vi, basis_en = "", ""
        if is_provisional or official is None:
            basis_vi, basis_en = _text(entry.get("basis"), f"{path}.basis", problems)
        if official is None and not is_provisional:
            problems.add(
                path,
                "giá trị chưa biết (null) phải đánh dấu provisional: true kèm basis",
                "an unknown (null) value must be marked provisional: true with a basis",
            )
        assumed = assumptions.take(path)
        value = official
        used = False
        if official is not None and assumed is not None:
            problems.add(
                f"working_assumptions.{path}",
                "giả định làm việc chỉ thay cho giá trị chưa biết (null), không thay giá trị đã có",
                "a working assumption may only fill an unknown (null) value, not replace a given one",
            )
        elif official is None:
            if assumed is None:
                problems.add(
                    path,
                    f"chưa biết và không có giả định làm việc '{path}'",
                    f"unknown and no working assumption '{path}' is given",
                )
                continue
            value, used = assumed[0], True
        values[name] = value
        if is_provisional or used:
            provisional.append(
                ProvisionalItem(
                    path=path,
                    value=value,
                    basis_vi=basis_vi,
                    basis_en=basis_en,
                    from_working_assumption=used,
                    assumption_basis_vi=assumed[1] if used and assumed else "",
                    assumption_basis_en=assumed[2] if used and assumed else "",
                )
            )
    return values, provisional


def _grades(value: Any, problems: _Problems) -> tuple[Grade, ...]:
    path = "settings.grades"
    if not isinstance(value, list) or not value:
        problems.add(
            path,
            "phải là danh sách các nhóm {code, min, name_vi, name_en}",
            "must be a list of {code, min, name_vi, name_en}",
        )
        return ()
    grades: list[Grade] = []
    for i, raw in enumerate(value):
        gpath = f"{path}[{i}]"
        if not isinstance(raw, Mapping):
            problems.add(gpath, "phải là một bảng", "must be a mapping")
            continue
        code, minimum = raw.get("code"), _num(raw.get("min"))
        if not isinstance(code, str) or not 0 < len(code) <= 8:
            problems.add(f"{gpath}.code", "mã nhóm 1-8 ký tự", "group code must have 1-8 characters")
            continue
        if minimum is None or not 0 <= minimum <= 100:
            problems.add(f"{gpath}.min", "ngưỡng phải là số từ 0 đến 100", "threshold must be a number from 0 to 100")
            continue
        vi, en = _names(raw, gpath, problems)
        grades.append(Grade(code, minimum, vi, en))
    codes = [g.code for g in grades]
    if len(set(codes)) != len(codes):
        problems.add(path, "mã nhóm bị trùng", "duplicate group codes")
    for upper, lower in itertools.pairwise(grades):
        if not lower.min < upper.min:
            problems.add(
                path,
                f"ngưỡng phải giảm dần: {upper.code} ({_fmt(upper.min)}) rồi {lower.code} ({_fmt(lower.min)})",
                f"thresholds must be strictly decreasing: {upper.code} ({_fmt(upper.min)}) then {lower.code} ({_fmt(lower.min)})",
            )
    return tuple(grades)


def _choice(settings: Mapping[str, Any], name: str, allowed: tuple[str, ...], problems: _Problems) -> str:
    value = settings.get(name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        problems.add(
            f"settings.{name}",
            f"'{value}' không hợp lệ (được: {', '.join(allowed)})",
            f"'{value}' is not one of {', '.join(allowed)}",
        )
    return str(value)


def _survey_scoring(value: Any, problems: _Problems) -> SurveyScoring | None:
    path = "settings.survey_scoring"
    if not isinstance(value, Mapping) or not isinstance(value.get("answer_weights"), Mapping):
        problems.add(
            path, "cần answer_weights (giá trị → trọng số 0-1)", "needs answer_weights (answer value → weight 0-1)"
        )
        return None
    weights: dict[int, float] = {}
    for key, weight in value["answer_weights"].items():
        w = _num(weight)
        if isinstance(key, bool) or not isinstance(key, int) or w is None or not 0 <= w <= 1:
            problems.add(
                f"{path}.answer_weights.{key}",
                "khóa là số nguyên, trọng số từ 0 đến 1",
                "keys are integers, weights from 0 to 1",
            )
            continue
        weights[key] = w
    aggregation = value.get("item_aggregation", "mean_of_items")
    if aggregation not in ITEM_AGGREGATIONS:
        problems.add(
            f"{path}.item_aggregation", f"phải là một trong {ITEM_AGGREGATIONS}", f"must be one of {ITEM_AGGREGATIONS}"
        )
    groups = value.get("respondent_groups", "pooled")
    group_weights: dict[str, float] = {}
    if isinstance(groups, Mapping):
        for g, w in groups.items():
            wn = _num(w)
            if wn is None or wn <= 0:
                problems.add(f"{path}.respondent_groups.{g}", "trọng số nhóm phải > 0", "group weight must be > 0")
                continue
            group_weights[str(g)] = wn
    elif groups != "pooled":
        problems.add(
            f"{path}.respondent_groups",
            "phải là 'pooled' hoặc bảng nhóm → trọng số",
            "must be 'pooled' or a mapping group → weight",
        )
    return SurveyScoring(weights, str(aggregation), group_weights)


def _survey_mapping(value: Any, nodes: list[CriterionSpec], problems: _Problems) -> dict[str, SurveyMapping]:
    path = "settings.survey_mapping"
    leaves = {node.code: node for node in nodes if node.is_leaf}
    survey_leaves = {code for code, node in leaves.items() if node.mode in SURVEY_MODES}
    out: dict[str, SurveyMapping] = {}
    if not isinstance(value, Mapping):
        problems.add(
            path, "phải là bảng mã tiêu chí → nguồn khảo sát", "must be a mapping criterion code → survey source"
        )
        return out
    for code, raw in value.items():
        mpath = f"{path}.{code}"
        if code not in leaves:
            problems.add(mpath, "không có tiêu chí lá với mã này", "no leaf criterion has this code")
            continue
        if code not in survey_leaves:
            problems.add(mpath, "tiêu chí này không chấm qua khảo sát", "this criterion is not scored by a survey")
            continue
        if not isinstance(raw, Mapping):
            problems.add(mpath, "phải là một bảng", "must be a mapping")
            continue
        survey = raw.get("survey")
        mode = leaves[code].mode
        if mode == "survey_citizens_sipas":
            metric = raw.get("metric")
            if survey != "SIPAS" or not isinstance(metric, str) or not metric.startswith("SIPAS"):
                problems.add(
                    mpath,
                    "tiêu chí SIPAS cần survey: SIPAS và metric (vd. SIPAS)",
                    "a SIPAS criterion needs survey: SIPAS and a metric (e.g. SIPAS)",
                )
                continue
            out[str(code)] = SurveyMapping(str(code), "SIPAS", metric=metric)
        else:
            items = raw.get("items")
            if (
                survey != "PAR_SURVEY"
                or not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                problems.add(
                    mpath,
                    "cần survey: PAR_SURVEY và danh sách câu hỏi items",
                    "needs survey: PAR_SURVEY and a list of items",
                )
                continue
            groups = raw.get("respondent_groups") or []
            if not isinstance(groups, list):
                problems.add(f"{mpath}.respondent_groups", "phải là danh sách", "must be a list")
                groups = []
            out[str(code)] = SurveyMapping(str(code), "PAR_SURVEY", tuple(items), tuple(str(g) for g in groups))
    for code in sorted(survey_leaves - set(out)):
        problems.add(
            f"criteria.{code}",
            "tiêu chí chấm qua khảo sát nhưng không có trong survey_mapping",
            "survey-fed criterion has no entry in survey_mapping",
        )
    return out


# --------------------------------------------------------------------------------------------------
# SIPAS structure
# --------------------------------------------------------------------------------------------------


def _sipas_nodes(raw: Any, path: str, problems: _Problems, *, with_contents: bool = False) -> tuple[SipasNode, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(path, "phải là một danh sách không rỗng", "must be a non-empty list")
        return ()
    out: list[SipasNode] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        npath = f"{path}[{i}]"
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("code"), str)
            or not _CODE_RE.match(entry["code"])
        ):
            problems.add(npath, "cần code hợp lệ", "needs a valid code")
            continue
        code = entry["code"]
        if code in seen:
            problems.add(npath, f"mã {code} bị trùng", f"duplicate code {code}")
        seen.add(code)
        vi, en = _names(entry, npath, problems)
        contents: tuple[SipasNode, ...] = ()
        if with_contents:
            contents = _sipas_nodes(entry.get("contents"), f"{npath}.contents", problems)
        provisional = entry.get("provisional") is True
        if provisional:
            _text(entry.get("basis"), f"{npath}.basis", problems)
        out.append(
            SipasNode(
                code,
                vi,
                en,
                _year(entry.get("from_year"), f"{npath}.from_year", problems),
                _year(entry.get("to_year"), f"{npath}.to_year", problems),
                contents,
                provisional,
            )
        )
    return tuple(out)


def _sipas(
    raw: Any, settings: Mapping[str, Any], problems: _Problems
) -> tuple[SipasSpec | None, list[CriterionSpec], list[ProvisionalItem]]:
    if not isinstance(raw, Mapping):
        problems.add(
            "structure",
            "SIPAS cần structure (policy, services, overall)",
            "SIPAS needs structure (policy, services, overall)",
        )
        return None, [], []
    policy, services, overall = raw.get("policy"), raw.get("services"), raw.get("overall")
    for name, part in (("policy", policy), ("services", services), ("overall", overall)):
        if not isinstance(part, Mapping):
            problems.add(f"structure.{name}", "thiếu phần này", "this part is missing")
    if not (isinstance(policy, Mapping) and isinstance(services, Mapping) and isinstance(overall, Mapping)):
        return None, [], []
    groups = _sipas_nodes(policy.get("groups"), "structure.policy.groups", problems)
    contents = _sipas_nodes(policy.get("contents"), "structure.policy.contents", problems)
    elements = _sipas_nodes(services.get("elements"), "structure.services.elements", problems, with_contents=True)
    pol_pattern = str(policy.get("item_code") or "")
    srv_pattern = str(services.get("item_code") or "")
    if "{group}" not in pol_pattern or "{content}" not in pol_pattern:
        problems.add(
            "structure.policy.item_code",
            "mẫu mã phải chứa {group} và {content}",
            "pattern must contain {group} and {content}",
        )
    if "{element}" not in srv_pattern or "{content}" not in srv_pattern:
        problems.add(
            "structure.services.item_code",
            "mẫu mã phải chứa {element} và {content}",
            "pattern must contain {element} and {content}",
        )
    pol_vi, pol_en = _names(policy, "structure.policy", problems)
    srv_vi, srv_en = _names(services, "structure.services", problems)
    ov_vi, ov_en = _names(overall, "structure.overall", problems)
    codes = {
        "policy": str(policy.get("code") or "POL"),
        "services": str(services.get("code") or "SRV"),
        "overall": str(overall.get("code") or "OVERALL"),
    }
    overall_item = str(overall.get("item") or codes["overall"])

    items: list[SipasItem] = []
    nodes: list[CriterionSpec] = []
    provisional: list[ProvisionalItem] = []

    def add(
        code: str,
        parent: str | None,
        level: str,
        vi: str,
        en: str,
        mode: str | None,
        area: str,
        children: tuple[str, ...] = (),
        prov: bool = False,
        y0: int | None = None,
        y1: int | None = None,
    ) -> None:
        nodes.append(
            CriterionSpec(
                code,
                parent,
                level,
                vi,
                en,
                100.0,
                100.0,
                mode,
                prov,
                area,
                len(nodes),
                children,
                from_year=y0,
                to_year=y1,
            )
        )

    pol_children = tuple(f"{codes['policy']}.{g.code}" for g in groups)
    add(codes["policy"], None, "area", pol_vi, pol_en, None, codes["policy"], pol_children)
    for g in groups:
        gcode = f"{codes['policy']}.{g.code}"
        item_codes = tuple(pol_pattern.format(group=g.code, content=c.code) for c in contents)
        add(
            gcode,
            codes["policy"],
            "criterion",
            g.name_vi,
            g.name_en,
            None,
            codes["policy"],
            item_codes,
            g.provisional,
            g.from_year,
            g.to_year,
        )
        for c, icode in zip(contents, item_codes, strict=True):
            add(
                icode,
                gcode,
                "item",
                f"{g.name_vi}: {c.name_vi}",
                f"{g.name_en}: {c.name_en}",
                "sipas",
                codes["policy"],
                prov=g.provisional or c.provisional,
                y0=g.from_year,
                y1=g.to_year,
            )
            items.append(SipasItem(icode, "policy", g.code, c.code, g.from_year, g.to_year))
    srv_children = tuple(f"{codes['services']}.{e.code}" for e in elements)
    add(codes["services"], None, "area", srv_vi, srv_en, None, codes["services"], srv_children)
    for e in elements:
        ecode = f"{codes['services']}.{e.code}"
        item_codes = tuple(srv_pattern.format(element=e.code, content=c.code) for c in e.contents)
        add(
            ecode,
            codes["services"],
            "criterion",
            e.name_vi,
            e.name_en,
            None,
            codes["services"],
            item_codes,
            e.provisional,
            e.from_year,
            e.to_year,
        )
        for c, icode in zip(e.contents, item_codes, strict=True):
            add(
                icode,
                ecode,
                "item",
                f"{e.name_vi}: {c.name_vi}",
                f"{e.name_en}: {c.name_en}",
                "sipas",
                codes["services"],
                prov=e.provisional or c.provisional,
                y0=e.from_year,
                y1=e.to_year,
            )
            items.append(SipasItem(icode, "services", e.code, c.code, e.from_year, e.to_year))
        if e.provisional:
            entry = next(x for x in services["elements"] if isinstance(x, Mapping) and x.get("code") == e.code)
            vi, en = _text(entry.get("basis"), f"structure.services.{e.code}.basis", _Problems())
            provisional.append(
                ProvisionalItem(f"structure.services.{e.code}.contents", [c.code for c in e.contents], vi, en, False)
            )
    add(codes["overall"], None, "area", ov_vi, ov_en, "sipas", codes["overall"])
    items.append(SipasItem(overall_item, "overall", None, None))

    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            problems.add("structure", f"mã câu hỏi {item.code} bị trùng", f"item code {item.code} is duplicated")
        seen.add(item.code)

    scale = settings.get("answer_scale")
    scale_min, scale_max = 1, 5
    if isinstance(scale, Mapping) and isinstance(scale.get("min"), int) and isinstance(scale.get("max"), int):
        scale_min, scale_max = int(scale["min"]), int(scale["max"])
        if scale_min >= scale_max:
            problems.add("settings.answer_scale", "min phải nhỏ hơn max", "min must be below max")
    elif "answer_scale" in settings:
        problems.add(
            "settings.answer_scale", "cần {min: số nguyên, max: số nguyên}", "needs {min: integer, max: integer}"
        )
    positive = settings.get("positive_categories")
    positive_t: tuple[int, ...] = ()
    if (
        isinstance(positive, list)
        and positive
        and all(isinstance(p, int) and not isinstance(p, bool) and scale_min <= p <= scale_max for p in positive)
    ):
        positive_t = tuple(sorted(set(positive)))
    elif "positive_categories" in settings:
        problems.add(
            "settings.positive_categories",
            f"phải là danh sách không rỗng các giá trị trong thang {scale_min}..{scale_max}",
            f"must be a non-empty list of values within the scale {scale_min}..{scale_max}",
        )
    spec = SipasSpec(
        policy_code=codes["policy"],
        policy_name_vi=pol_vi,
        policy_name_en=pol_en,
        services_code=codes["services"],
        services_name_vi=srv_vi,
        services_name_en=srv_en,
        overall_code=codes["overall"],
        overall_item=overall_item,
        overall_name_vi=ov_vi,
        overall_name_en=ov_en,
        policy_groups=groups,
        policy_contents=contents,
        service_elements=elements,
        items=tuple(items),
        scale_min=scale_min,
        scale_max=scale_max,
        positive_categories=positive_t,
        node_aggregation=_choice(settings, "node_aggregation", NODE_AGGREGATIONS, problems),
        overall_method=_choice(settings, "overall_method", OVERALL_METHODS, problems),
        national_method=_choice(settings, "national_method", NATIONAL_METHODS, problems),
    )
    return spec, nodes, provisional


# --------------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------------


def _fail(source_name: str, problems: _Problems) -> ValidationError:
    n = len(problems.lines)
    return ValidationError(
        f"Tệp phương pháp {source_name} không hợp lệ ({n} lỗi).",
        f"Framework file {source_name} is invalid ({n} problem{'s' if n != 1 else ''}).",
        problems=list(problems.lines),
        hint_vi="Sửa các mục được liệt kê (đường dẫn YAML ở đầu mỗi dòng) rồi chạy lại.",
        hint_en="Fix the entries listed (YAML path at the start of each line) and run again.",
    )


def parse_framework_text(text: str, source_name: str = "<text>") -> FrameworkSpec:
    """Parse and validate the text of one framework file. Raises ValidationError listing every problem."""
    problems = _Problems()
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (C or pure Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        problems.add(where, f"YAML không đọc được: {exc}", f"YAML could not be read: {exc}")
        raise _fail(source_name, problems) from None
    if not isinstance(raw, Mapping):
        problems.add("(file)", "tệp phải là một bảng YAML", "the file must be a YAML mapping")
        raise _fail(source_name, problems)

    if raw.get("schema") != SCHEMA_VERSION:
        problems.add("schema", f"phải là {SCHEMA_VERSION}", f"must be {SCHEMA_VERSION}")
    code = raw.get("code")
    if not isinstance(code, str) or not re.match(r"^[A-Z0-9_]{1,64}$", code):
        problems.add(
            "code", "mã khung phải gồm chữ in hoa, số, _", "framework code must be upper-case letters, digits, _"
        )
        code = str(code)
    version = raw.get("version")
    if not isinstance(version, str) or not 0 < len(version) <= 16:
        problems.add(
            "version",
            "phiên bản là chuỗi 1-16 ký tự (đặt trong ngoặc kép)",
            "version is a string of 1-16 characters (quote it)",
        )
        version = str(version)
    index_code = raw.get("index_code")
    if index_code not in INDEX_CODES:
        problems.add("index_code", f"phải là một trong {INDEX_CODES}", f"must be one of {INDEX_CODES}")
    unit_scope = raw.get("unit_scope")
    if unit_scope not in UNIT_SCOPES:
        problems.add("unit_scope", f"phải là một trong {UNIT_SCOPES}", f"must be one of {UNIT_SCOPES}")
    years = raw.get("years")
    year_from = year_to = 0
    if isinstance(years, Mapping) and isinstance(years.get("from"), int) and isinstance(years.get("to"), int):
        year_from, year_to = int(years["from"]), int(years["to"])
        if year_from > year_to:
            problems.add("years", "năm bắt đầu sau năm kết thúc", "'from' is after 'to'")
    else:
        problems.add("years", "cần {from: năm, to: năm}", "needs {from: year, to: year}")
    status = raw.get("status")
    provisional_items: list[ProvisionalItem] = []
    if status not in ("official", "provisional"):
        problems.add("status", "phải là official hoặc provisional", "must be official or provisional")
    elif status == "provisional":
        vi, en = _text(raw.get("status_basis"), "status_basis", problems)
        provisional_items.append(ProvisionalItem("status", "provisional", vi, en, False))
    title_vi, title_en = raw.get("title_vi"), raw.get("title_en")
    if not (isinstance(title_vi, str) and title_vi.strip() and isinstance(title_en, str) and title_en.strip()):
        problems.add("title_vi/title_en", "cần tiêu đề tiếng Việt và tiếng Anh", "needs Vietnamese and English titles")

    assumptions = _Assumptions(raw.get("working_assumptions"), problems)
    nodes: list[CriterionSpec] = []
    groupings: tuple[Grouping, ...] = ()
    sipas: SipasSpec | None = None
    survey_mapping: dict[str, SurveyMapping] = {}
    survey_scoring: SurveyScoring | None = None
    grades: tuple[Grade, ...] = ()
    total_max = 100.0

    if index_code == "SIPAS":
        settings, set_prov = _settings(
            raw.get("settings"), SIPAS_SETTINGS_REQUIRED, SIPAS_SETTINGS_OPTIONAL, assumptions, problems
        )
        sipas, nodes, struct_prov = _sipas(raw.get("structure"), settings, problems)
        provisional_items += struct_prov + set_prov
        if raw.get("criteria") is not None:
            problems.add(
                "criteria",
                "khung SIPAS khai báo cấu trúc trong structure",
                "a SIPAS framework declares its tree under structure",
            )
    else:
        total = _num(raw.get("total_max"))
        if total is None or total <= 0:
            problems.add("total_max", "phải là số > 0", "must be a number > 0")
        else:
            total_max = total
        tree = _TreeBuilder(str(index_code), str(unit_scope), assumptions, problems)
        tree.build(raw.get("criteria"), None, None, 0, "criteria")
        nodes = tree.nodes
        provisional_items += tree.provisional
        _check_sums(nodes, total_max, problems)
        provisional_items += _check_constraints(raw.get("constraints"), nodes, problems)
        groupings = _groupings(raw.get("groupings"), nodes, problems)
        optional = PAR_SETTINGS_OPTIONAL if unit_scope == "province" else ()
        settings, set_prov = _settings(raw.get("settings"), PAR_SETTINGS_REQUIRED, optional, assumptions, problems)
        provisional_items += set_prov
        if "survey_mapping" in settings:
            survey_mapping = _survey_mapping(settings["survey_mapping"], nodes, problems)
        if "survey_scoring" in settings:
            survey_scoring = _survey_scoring(settings["survey_scoring"], problems)
        sipas_points = settings.get("sipas_points")
        has_sipas_leaf = any(n.mode == "survey_citizens_sipas" for n in nodes)
        sipas_points_ok = isinstance(sipas_points, Mapping) and sipas_points.get("rule") in SIPAS_POINTS_RULES
        if has_sipas_leaf and not sipas_points_ok:
            rule = SIPAS_POINTS_RULES[0]
            problems.add("settings.sipas_points", f"cần {{metric, rule: {rule}}}", f"needs {{metric, rule: {rule}}}")
        _choice(settings, "national_average", NATIONAL_AVERAGES, problems)
    if "grades" in settings:
        grades = _grades(settings["grades"], problems)
    _choice(settings, "tie_rule", TIE_RULES, problems)
    _choice(settings, "region_average", REGION_AVERAGES, problems)
    unranked = settings.get("unranked_units", [])
    if not isinstance(unranked, list) or not all(isinstance(u, str) for u in unranked):
        problems.add("settings.unranked_units", "phải là danh sách mã đơn vị", "must be a list of unit codes")
        unranked = []
    decimals = settings.get("display_decimals", 2)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        problems.add("settings.display_decimals", "số nguyên từ 0 đến 6", "an integer from 0 to 6")

    for key in assumptions.unused():
        problems.add(
            f"working_assumptions.{key}",
            "không ứng với mục nào trong phần chính thức",
            "matches no entry of the official part",
        )

    if problems:
        raise _fail(source_name, problems)

    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return FrameworkSpec(
        code=str(code),
        version=str(version),
        index_code=str(index_code),
        unit_scope=str(unit_scope),
        year_from=year_from,
        year_to=year_to,
        status=str(status),
        title_vi=str(title_vi).strip(),
        title_en=str(title_en).strip(),
        legal_basis=str(raw.get("legal_basis") or ""),
        total_max=total_max,
        criteria=tuple(nodes),
        groupings=groupings,
        grades=grades,
        unranked_units=tuple(unranked),
        settings=dict(settings),
        survey_mapping=survey_mapping,
        survey_scoring=survey_scoring,
        sipas=sipas,
        provisional_items=tuple(provisional_items),
        working_assumptions_used=tuple(assumptions.used),
        content_hash=content_hash,
        source_text=text,
        source_name=source_name,
    )


def load_framework_file(path: str | Path) -> FrameworkSpec:
    """Read, validate and return one framework file. ``content_hash`` is the sha256 of the file's bytes."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"Không đọc được tệp phương pháp {path}: {exc.strerror}.",
            f"Cannot read framework file {path}: {exc.strerror}.",
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            f"Tệp phương pháp {path.name} không phải UTF-8.", f"Framework file {path.name} is not UTF-8."
        ) from None
    spec = parse_framework_text(text, path.name)
    assert spec.content_hash == hashlib.sha256(data).hexdigest()
    return spec


def check_overlaps(specs: Iterable[FrameworkSpec]) -> list[str]:
    """Problems with a set of frameworks: duplicate codes, or two frameworks for the same index, unit
    scope and year (then :func:`framework_for` could not choose)."""
    specs = list(specs)
    problems = _Problems()
    by_code: dict[str, str] = {}
    for spec in specs:
        if spec.code in by_code:
            problems.add(
                spec.source_name,
                f"mã {spec.code} đã dùng trong {by_code[spec.code]}",
                f"code {spec.code} is already used by {by_code[spec.code]}",
            )
        by_code[spec.code] = spec.source_name
    for i, a in enumerate(specs):
        for b in specs[i + 1 :]:
            if (a.index_code, a.unit_scope) != (b.index_code, b.unit_scope):
                continue
            if a.year_from <= b.year_to and b.year_from <= a.year_to:
                problems.add(
                    b.source_name,
                    f"trùng năm với {a.source_name} ({a.index_code}, {a.unit_scope})",
                    f"years overlap with {a.source_name} ({a.index_code}, {a.unit_scope})",
                )
    return problems.lines


def load_all(directory: str | Path) -> list[FrameworkSpec]:
    """Load every ``*.yaml`` in ``directory`` (sorted by name); one ValidationError lists all problems."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ValidationError(
            f"Không có tệp phương pháp (*.yaml) trong {directory}.",
            f"No framework files (*.yaml) in {directory}.",
        )
    specs: list[FrameworkSpec] = []
    lines: list[str] = []
    for path in files:
        try:
            specs.append(load_framework_file(path))
        except ValidationError as exc:
            lines += [f"{path.name}: {p}" for p in exc.problems] or [
                f"{path.name}: {exc.message('vi')} / {exc.message('en')}"
            ]
    lines += check_overlaps(specs)
    if lines:
        raise ValidationError(
            f"Có {len(lines)} lỗi trong các tệp phương pháp ở {directory}.",
            f"{len(lines)} problem(s) in the framework files in {directory}.",
            problems=lines,
            hint_vi="Sửa các mục được liệt kê rồi chạy lại.",
            hint_en="Fix the entries listed and run again.",
        )
    return specs
