"""``schoolbot faq check``: the catalogue is complete, renders, and recognises itself."""

from __future__ import annotations

import dataclasses

import jinja2

from bot.faq import catalogue
from bot.faq.matcher import default
from bot.faq.policy import unknown_keys
from bot.school.config import SchoolConfig

MAX_ANSWER_CHARS = 220  # about one phone screen


def check(school: SchoolConfig) -> tuple[list[str], list[str]]:
    """(failures, notes)."""
    failures: list[str] = []
    notes: list[str] = []
    try:
        topics = catalogue.load_topics()
    except catalogue.CatalogueError as e:
        return [str(e)], notes
    for stray in unknown_keys(school.policy or {}):
        notes.append(f"提示 policy.toml: “{stray}” 没有模板使用（拼写错误？）")
    bare = dataclasses.replace(school, policy={})
    for topic in topics:
        for label, which in (("本校设置", school), ("无 policy.toml", bare)):
            try:
                text = catalogue.answer(topic.id, which)
            except (jinja2.TemplateError, KeyError) as e:
                failures.append(f"{topic.id}: 模板渲染失败（{label}）: {type(e).__name__}: {e}")
                continue
            if not text.strip():
                failures.append(f"{topic.id}: 回答是空的（{label}）")
            elif len(text) > MAX_ANSWER_CHARS:
                failures.append(f"{topic.id}: 回答 {len(text)} 字，超过一屏（{MAX_ANSWER_CHARS}）（{label}）")
        if len(topic.examples) < 8:
            failures.append(f"{topic.id}: 例句只有 {len(topic.examples)} 条，至少 8 条")
        matcher = default()
        for example in topic.examples:
            m = matcher.match(example)
            if m.topic != topic.id:
                got = m.topic or f"null（{m.reason}）"
                failures.append(f"{topic.id}: 例句“{example}”匹配到 {got}（{m.score:.2f}）")
    notes.append(f"{len(topics)} 个话题，{sum(len(t.examples) for t in topics)} 条例句")
    return failures, notes
