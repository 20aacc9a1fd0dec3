"""The two questionnaires (data/questionnaires/*.yaml) as the program reads them: items asked in a year,
respondent groups, the respondent profile (facts), skip logic, the answer scale and the fieldwork window.

Item codes are the contract with the framework files: ``POL.<group>.<content>``, ``SRV.<element>.<content>`` and
``OVERALL`` for SIPAS; ``PRV.<area>.Q<k>`` (asked to province respondent groups) and ``MIN.<area>.Q<k>`` (asked to
ministry respondent groups) for the PAR sociological survey. The demo generator, the import templates, the
XLSForm and the validators all read the questionnaires through this module (one home).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from backend.errors import ValidationError
from backend.i18n import both, t

#: File of each survey family (``survey.index_code``).
FILES = {"SIPAS": "sipas.yaml", "PAR_SURVEY": "par_survey.yaml"}


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text_vi: str
    text_en: str
    groups: tuple[str, ...]
    #: the block the item belongs to (POL.C2, SRV.E3, OVERALL, PRV.A4 …): items of a block share an effect.
    block: str


@dataclass(frozen=True)
class GroupSpec:
    code: str
    vi: str
    en: str
    share: float
    scope: str  # province | ministry


@dataclass(frozen=True)
class Choice:
    code: str
    vi: str
    en: str


@dataclass(frozen=True)
class FactSpec:
    """A profile question (asked once per form, stored with the form, re-asked by back-checks as a fact)."""

    code: str
    type: str  # select_one | select_multiple | integer
    vi: str
    en: str
    required: bool
    backcheck: str  # fact | opinion
    choices: tuple[Choice, ...] = ()
    exclusive: str | None = None  # select_multiple: the choice that excludes every other (e.g. "none")
    age: tuple[int, int] | None = None  # integer birth years: allowed age range in the evaluation year

    def bounds(self, year: int) -> tuple[int, int] | None:
        """Allowed integer range in ``year`` (birth years from the age range)."""
        if self.age is None:
            return None
        return year - self.age[1], year - self.age[0]


@dataclass(frozen=True)
class SkipRule:
    """Items whose code starts with ``prefix`` are asked only when ``field`` holds a value other than
    ``unless`` (a select_multiple answer containing only ``unless``, or empty, means they are skipped)."""

    prefix: str
    field: str
    unless: str


@dataclass(frozen=True)
class Questionnaire:
    """One survey family in one year: everything a template, a validator or the demo needs."""

    index_code: str
    year: int
    scale: tuple[int, int]
    dont_know: int
    items: tuple[ItemSpec, ...]
    groups: tuple[GroupSpec, ...]
    facts: tuple[FactSpec, ...] = ()
    skips: tuple[SkipRule, ...] = ()
    fieldwork: tuple[dt.date, dt.date] = field(default=(dt.date(1, 1, 1), dt.date(1, 1, 1)))
    fieldwork_status: str = ""

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]

    def items_for_group(self, group: str) -> list[ItemSpec]:
        """Items asked to respondents of ``group`` (skip logic by respondent group)."""
        return [i for i in self.items if group in i.groups]


def default_dir() -> Path:
    from backend.settings import get_settings

    return get_settings().data_dir / "questionnaires"


def _read(path: Path) -> dict[str, Any]:
    return _read_cached(str(path), path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=8)
def _read_cached(path_text: str, _mtime: float) -> dict[str, Any]:
    path = Path(path_text)
    if not path.exists():
        raise ValidationError.of("demo_data.questionnaire_missing", name=path.name)
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValidationError.of("demo_data.questionnaire_not_mapping", name=path.name)
    return data


def sipas_group(questionnaire_dir: Path) -> GroupSpec:
    """The household survey's one respondent group."""
    group = _read(questionnaire_dir / FILES["SIPAS"])["respondent_group"]
    return GroupSpec(str(group["code"]), str(group["vi"]), str(group["en"]), 1.0, "province")


def sipas_items(questionnaire_dir: Path, year: int) -> list[ItemSpec]:
    """SIPAS items asked in ``year``: policy groups (P9 only from 2023) x 4 contents, service contents, overall."""
    data = _read(questionnaire_dir / FILES["SIPAS"])
    items: list[ItemSpec] = []
    groups = (str(data["respondent_group"]["code"]),)
    for policy in data["policy_groups"]:
        if int(policy.get("from_year", 0)) > year:
            continue
        for content in data["policy_contents"]:
            items.append(
                ItemSpec(
                    code=f"POL.{policy['code']}.{content['code']}",
                    text_vi=f"{policy['vi']}: {content['vi']}",
                    text_en=f"{policy['en']}: {content['en']}",
                    groups=groups,
                    block=f"POL.{content['code']}",
                )
            )
    for element in data["service_elements"]:
        for content in element["contents"]:
            items.append(
                ItemSpec(
                    code=f"SRV.{element['code']}.{content['code']}",
                    text_vi=f"{element['vi']}: {content['vi']}",
                    text_en=f"{element['en']}: {content['en']}",
                    groups=groups,
                    block=f"SRV.{element['code']}",
                )
            )
    overall = data["overall"]
    items.append(
        ItemSpec(code=overall["code"], text_vi=overall["vi"], text_en=overall["en"], groups=groups, block="OVERALL")
    )
    return items


def par_groups(questionnaire_dir: Path) -> list[GroupSpec]:
    """Respondent groups of the PAR survey with their shares of forms, province groups first."""
    data = _read(questionnaire_dir / FILES["PAR_SURVEY"])
    out: list[GroupSpec] = []
    for scope in ("province", "ministry"):
        for group in data["respondent_groups"][scope]:
            out.append(GroupSpec(group["code"], group["vi"], group["en"], float(group["share"]), scope))
    return out


def par_items(questionnaire_dir: Path) -> list[ItemSpec]:
    """PAR survey items: PRV.* for the province groups, MIN.* for the ministry groups."""
    data = _read(questionnaire_dir / FILES["PAR_SURVEY"])
    groups = par_groups(questionnaire_dir)
    per_area = int(data.get("questions_per_area", 3))
    items: list[ItemSpec] = []
    for scope, prefix in (("province", "PRV"), ("ministry", "MIN")):
        asked = tuple(g.code for g in groups if g.scope == scope)
        unit_vi, unit_en = both(f"demo_data.item.unit.{scope}")
        for area in data["areas"][scope]:
            for k in range(1, per_area + 1):
                items.append(
                    ItemSpec(
                        code=f"{prefix}.{area}.Q{k}",
                        text_vi=t("demo_data.item.text", "vi", unit=unit_vi, area=area, k=k),
                        text_en=t("demo_data.item.text", "en", unit=unit_en, area=area, k=k),
                        groups=asked,
                        block=f"{prefix}.{area}",
                    )
                )
    return items


def fieldwork_window(questionnaire_dir: Path, index_code: str, year: int) -> tuple[dt.date, dt.date]:
    """The survey's fieldwork window in ``year`` (month-days of the questionnaire file; provisional [U])."""
    data = _read(questionnaire_dir / FILES[index_code])
    window = data["fieldwork"]
    start = dt.date.fromisoformat(f"{year}-{window['start']}")
    end = dt.date.fromisoformat(f"{year}-{window['end']}")
    return start, end


def _facts(data: dict[str, Any]) -> tuple[FactSpec, ...]:
    out = []
    for raw in data.get("profile") or []:
        age = raw.get("age")
        out.append(
            FactSpec(
                code=str(raw["code"]),
                type=str(raw["type"]),
                vi=str(raw["vi"]),
                en=str(raw["en"]),
                required=bool(raw.get("required", False)),
                backcheck=str(raw.get("backcheck", "fact")),
                choices=tuple(Choice(str(c["code"]), str(c["vi"]), str(c["en"])) for c in raw.get("choices") or []),
                exclusive=raw.get("exclusive"),
                age=(int(age["min"]), int(age["max"])) if age else None,
            )
        )
    return tuple(out)


def questionnaire(index_code: str, year: int, questionnaire_dir: Path | None = None) -> Questionnaire:
    """The questionnaire of ``index_code`` (``SIPAS`` | ``PAR_SURVEY``) as asked in ``year``."""
    folder = questionnaire_dir or default_dir()
    if index_code not in FILES:
        raise ValueError(f"unknown survey {index_code!r}")
    data = _read(folder / FILES[index_code])
    if index_code == "SIPAS":
        items, groups = sipas_items(folder, year), [sipas_group(folder)]
    else:
        items, groups = par_items(folder), par_groups(folder)
    skips = tuple(SkipRule(str(s["items"]), str(s["field"]), str(s["asked_unless"])) for s in data.get("skip") or [])
    return Questionnaire(
        index_code=index_code,
        year=year,
        scale=(int(data["scale"]["min"]), int(data["scale"]["max"])),
        dont_know=int(data.get("dont_know", 9)),
        items=tuple(items),
        groups=tuple(groups),
        facts=_facts(data),
        skips=skips,
        fieldwork=fieldwork_window(folder, index_code, year),
        fieldwork_status=str(data["fieldwork"].get("status", "")),
    )
