"""The FAQ catalogue: one template per topic under templates/faq/ (pure loading).

Each template starts with its metadata in a jinja2 comment, as YAML::

    {# ---
    id: nutrition_meal
    title: 营养餐补助
    examples: [营养餐一天补多少钱, …]
    keywords: [营养餐, 营养改善计划, …]     # what the topic is about: an aid term
    phrases: [什么时候发, …]               # optional: how people ask, weaker evidence
    core: [营养餐]                         # optional: the terms that define the topic, stronger
    --- #}

The rest of the file is the answer, rendered with the school's policy settings.
Files whose name starts with ``_`` are shared pieces (``_free.j2``), not topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.chat.render import TEMPLATES_DIR, render
from bot.faq.policy import effective
from bot.school.config import SchoolConfig

# The contract (SPEC.md "FAQ topics that must exist"); also the help menu's order.
TOPIC_IDS = (
    "two_exemptions_one_subsidy",
    "school_fees",
    "living_subsidy",
    "nutrition_meal",
    "eligibility",
    "application_process",
    "required_documents",
    "payment_time",
    "preschool_aid",
    "high_school_aid",
    "vocational_aid",
    "yulu_plan",
    "college_aid",
    "poverty_registered_students",
    "study_elsewhere",
    "leave_procedure",
    "dropout_law",
    "home_teaching",
    "left_behind_care",
    "psych_support",
    "disabled_students",
    "donations_fund",
    "complaints",
    "contact",
    "sick_return",
)
FAQ_DIR = TEMPLATES_DIR / "faq"
_HEADER = re.compile(r"\A\{#\s*---\s*\n(?P<yaml>.*?)\n\s*---\s*#\}", re.DOTALL)


class CatalogueError(Exception):
    pass


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    template: str
    phrases: tuple[str, ...] = ()
    core: tuple[str, ...] = ()  # name for bot.chat.render, e.g. "faq/nutrition_meal.j2"


def parse_header(text: str, where: str) -> dict:
    m = _HEADER.match(text)
    if not m:
        raise CatalogueError(f"{where}: 缺少开头的 {{# --- … --- #}} 元数据块")
    try:
        meta = yaml.safe_load(m.group("yaml")) or {}
    except yaml.YAMLError as e:
        raise CatalogueError(f"{where}: 元数据不是有效的 YAML: {e}") from e
    for key in ("id", "title", "examples", "keywords"):
        if not meta.get(key):
            raise CatalogueError(f"{where}: 元数据缺少 {key}")
    return meta


def load_topics(folder: Path = FAQ_DIR) -> list[Topic]:
    """All topics, contract ids first in SPEC order, then any extra topic by id."""
    topics: dict[str, Topic] = {}
    for path in sorted(folder.glob("*.j2")):
        if path.name.startswith("_"):
            continue
        meta = parse_header(path.read_text(encoding="utf-8"), path.name)
        if meta["id"] != path.stem:
            raise CatalogueError(f"{path.name}: id “{meta['id']}” 应与文件名一致")
        topics[path.stem] = Topic(
            id=path.stem,
            title=str(meta["title"]),
            examples=tuple(str(e) for e in meta["examples"]),
            keywords=tuple(str(k) for k in meta["keywords"]),
            phrases=tuple(str(p) for p in meta.get("phrases") or ()),
            core=tuple(str(c) for c in meta.get("core") or ()),
            template=f"faq/{path.name}",
        )
    missing = [t for t in TOPIC_IDS if t not in topics]
    if missing and folder == FAQ_DIR:
        raise CatalogueError(f"缺少必需的话题模板: {', '.join(missing)}")
    order = {t: i for i, t in enumerate(TOPIC_IDS)}
    return sorted(topics.values(), key=lambda t: (order.get(t.id, len(order)), t.id))


@lru_cache(maxsize=1)
def topics() -> tuple[Topic, ...]:
    return tuple(load_topics())


def by_id() -> dict[str, Topic]:
    return {t.id: t for t in topics()}


def menu() -> list[tuple[int, str, str]]:
    """[(number, topic id, title)] as the help menu lists them."""
    return [(i, t.id, t.title) for i, t in enumerate(topics(), start=1)]


def answer(topic_id: str, school: SchoolConfig) -> str:
    """The topic's answer with the school's settings (national defaults underneath)."""
    return render(by_id()[topic_id].template, school=school, policy=effective(getattr(school, "policy", None)))
