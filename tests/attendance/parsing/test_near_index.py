"""The near-miss index finds exactly the names that scoring every roster name finds."""

from __future__ import annotations

import random

from bot.attendance.parsing.near_names import name_score, near_candidates
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘单解乐"
GIVEN = "小明红华丽强军伟芳娜敏静婧秀英建国志刚天佑右佳怡子涵雨欣浩然俊杰梓萱洋扬阳行长重朝"


def _roster(n: int, seed: int) -> Roster:
    rnd = random.Random(seed)
    names = {rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))) for _ in range(n)}
    names |= {"欧阳娜娜", "司马小明", "阿依古丽·买买提"}
    classes = ["三年级一班", "三年级二班", "四年级一班"]
    return Roster(
        RosterEntry(student_id=f"S{i:05d}", name=name, class_name=classes[i % 3], school_id="t")
        for i, name in enumerate(sorted(names))
    )


def _brute(token: str, roster: Roster, prefer: list[str | None]) -> list[str]:
    from bot.attendance.parsing.near_names import school_order

    scored = [(name_score(token, n), st) for n, sts in roster.by_name.items() for st in sts]
    scored = [p for p in scored if p[0] >= 70]
    if not scored:
        return []
    best = max(s for s, _ in scored)
    scored = [p for p in scored if p[0] >= best - 5]
    rank = {c: i for i, c in enumerate(c for c in prefer if c)}
    scored.sort(key=lambda p: (rank.get(p[1].class_name, len(rank)), -p[0], school_order(p[1])))
    return [st.student_id for _, st in scored[:5]]


def test_index_agrees_with_scoring_every_name():
    roster = _roster(600, 18)
    rnd = random.Random(5)
    names = list(roster.by_name)
    tokens = []
    for _ in range(400):
        name = rnd.choice(names)
        i = rnd.randrange(len(name))
        change = rnd.choice(("swap", "drop", "add", "same"))
        if change == "swap":
            tokens.append(name[:i] + rnd.choice(GIVEN) + name[i + 1 :])
        elif change == "drop" and len(name) > 2:
            tokens.append(name[:i] + name[i + 1 :])
        elif change == "add":
            tokens.append(name[:i] + rnd.choice(GIVEN) + name[i:])
        else:
            tokens.append(name)
    found = 0
    for token in tokens:
        prefer: list[str | None] = [rnd.choice(["三年级一班", None])]
        got = [st.student_id for st in near_candidates(token, roster, prefer)]
        assert got == _brute(token, roster, prefer), token
        found += bool(got)
    assert found > 300  # the tokens were close to roster names: most have candidates
