"""Survey items of the two questionnaires (data/questionnaires/*.yaml), as the demo asks them in one year.

Item codes are the contract with the framework files: ``POL.<group>.<content>``, ``SRV.<element>.<content>`` and
``OVERALL`` for SIPAS; ``PRV.<area>.Q<k>`` (asked to province respondent groups) and ``MIN.<area>.Q<k>`` (asked to
ministry respondent groups) for the PAR sociological survey.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from backend.demo.spec import SIPAS_GROUP
from backend.errors import ValidationError
from backend.i18n import both, t


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


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ValidationError.of("demo_data.questionnaire_missing", name=path.name)
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValidationError.of("demo_data.questionnaire_not_mapping", name=path.name)
    return data


def sipas_items(questionnaire_dir: Path, year: int) -> list[ItemSpec]:
    """SIPAS items asked in ``year``: policy groups (P9 only from 2023) x 4 contents, service contents, overall."""
    data = _read(questionnaire_dir / "sipas.yaml")
    items: list[ItemSpec] = []
    groups = (SIPAS_GROUP,)
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
    data = _read(questionnaire_dir / "par_survey.yaml")
    out: list[GroupSpec] = []
    for scope in ("province", "ministry"):
        for group in data["respondent_groups"][scope]:
            out.append(GroupSpec(group["code"], group["vi"], group["en"], float(group["share"]), scope))
    return out


def par_items(questionnaire_dir: Path) -> list[ItemSpec]:
    """PAR survey items: PRV.* for the province groups, MIN.* for the ministry groups."""
    data = _read(questionnaire_dir / "par_survey.yaml")
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
