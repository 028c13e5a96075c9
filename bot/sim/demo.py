"""``schoolbot demo``: a scripted week of the demo school, printed as a chat transcript.

It runs the real bot (the simulate machinery: same handlers, rules, jobs, templates) on
a virtual clock, so the week takes seconds. Routine 全勤 reports are marked quiet and
summarised in one line, so the story stays readable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TextIO

from bot.chat.render import weekday
from bot.chat.transports.memory import Sent
from bot.school.config import SchoolConfig, load_school
from bot.school.deployment import Deployment
from bot.sim.simulate import Scenario, Simulation, Step

STAFF_ROOM = "青石镇中心小学教师群"
WEEK = [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(5)]


def _at(school: SchoolConfig, day: dt.date, hm: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    h, m = map(int, hm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), ZoneInfo(school.timezone))


def demo_scenario(school: SchoolConfig) -> Scenario:
    wang = next(s for s in school.staff if s.head_of == "三年级二班")
    feng = next(s for s in school.staff if s.head_of == "四年级一班")
    routine = [s for s in school.staff if s.head_of and s.head_of not in ("三年级二班", "四年级一班")]
    steps: list[Step] = []

    def say(day, hm, who, text, room=STAFF_ROOM, mention=False, quiet=False, name=None):
        steps.append(
            Step(
                at=_at(school, day, hm),
                room=room,
                sender=who.wechat_id if hasattr(who, "wechat_id") else who,
                name=name or getattr(who, "name", ""),
                text=text,
                mention=mention,
                quiet=quiet,
            )
        )

    for i, day in enumerate(WEEK):
        # Most classes report early; on Monday two forget, and the 09:30 reminder asks them.
        for j, teacher in enumerate(routine):
            if i == 0 and j >= len(routine) - 2:
                continue
            say(day, f"07:{40 + j:02d}", teacher, "今天全勤", quiet=True)
    mon, tue, wed, thu, fri = WEEK
    principal = school.with_role("principal")[0]
    parents = "三年级二班家长群"
    # Monday: two reports, a name the roster does not have, the teacher's correction.
    say(mon, "08:05", wang, "王小明今天没来，电话打不通")
    say(mon, "08:12", feng, "四(1)班 应到38 实到37，李静发烧请假两天")
    say(mon, "08:14", feng, "更正一下，刚才报的李静应该是李婧")
    say(mon, "10:05", routine[-1], "全勤")
    say(mon, "10:06", routine[-2], "今天都到了")
    # Tuesday: the morning check, a parent's leave request, a parent's aid question.
    say(tue, "07:20", "wxid_parent_demo_2", "王老师，高兴发烧了，今天请一天假", room=parents, name="高兴爸爸")
    say(tue, "07:35", wang, "同意", room=None)
    say(tue, "08:10", wang, "没到", room=None)
    say(tue, "08:20", wang, "应到37 实到35，王小明没来，高兴病假")
    say(tue, "07:45", feng, "四(1)班 应到38 实到37，李婧病假", quiet=True)
    say(
        tue,
        "12:20",
        "wxid_parent_demo_1",
        "@保学小助手 营养餐一天补助多少钱",
        room=parents,
        mention=True,
        name="蒋天佑妈妈",
    )
    say(tue, "12:21", "wxid_parent_demo_3", "收到，谢谢老师", room=parents, name="刘洋奶奶")
    # Wednesday: still away; 李婧 is back.
    say(wed, "08:10", wang, "没到", room=None)
    say(wed, "08:20", wang, "应到37 实到36 王小明没来")
    say(wed, "08:15", feng, "李婧今天返校了，其他都到了")
    # Thursday, the 4th school day: the alert; the home visit goes on the case.
    say(thu, "08:10", wang, "没到", room=None)
    say(thu, "08:20", wang, "应到37 实到36，王小明还是没来")
    say(thu, "07:45", feng, "全勤", quiet=True)
    say(thu, "15:40", wang, "已家访，爷爷说孩子去外省找打工的爸妈了，正在联系，家长答应下周一送回来", room=None)
    # Friday: the principal asks for the list; the digest and the weekly summary.
    say(fri, "08:10", wang, "还是没到", room=None)
    say(fri, "08:20", wang, "应到37 实到36，王小明没来")
    say(fri, "07:45", feng, "全勤", quiet=True)
    say(fri, "09:00", principal, "预警", room="青石镇中心小学行政群")
    steps.append(Step(at=_at(school, fri, "18:00"), until=True))
    steps.sort(key=lambda st: st.at)  # stable: same-minute steps keep their order
    return Scenario(Deployment.of(school), _at(school, mon, "07:00"), steps)


class Transcript:
    def __init__(self, school: SchoolConfig, out: TextIO) -> None:
        self.school, self.out = school, out
        self.day: dt.date | None = None
        self.quiet: list[Step] = []

    def _who(self, contact: str | None) -> str:
        staff = self.school.staff_by_wechat(contact or "")
        return staff.name if staff else (contact or "")

    def _header(self, when: dt.datetime) -> None:
        if when.date() != self.day:
            self.day = when.date()
            self.out.write(f"\n════ {when.month}月{when.day}日 {weekday(when.date())} ════\n")

    def _flush_quiet(self) -> None:
        if self.quiet:
            first, last = self.quiet[0].at, self.quiet[-1].at
            self.out.write(
                f"{first:%H:%M}–{last:%H:%M} （{len(self.quiet)} 位班主任在教师群报了全勤，小助手逐一确认，略）\n"
            )
            self.quiet = []

    def on_step(self, step: Step | None, sent: list[Sent]) -> None:
        if step is not None and step.quiet:
            self._header(step.at)
            self.quiet.append(step)
            return
        self._flush_quiet()
        if step is not None and not step.until:
            self._header(step.at)
            where = f"[{step.room}]" if step.room else "[私聊小助手]"
            self.out.write(f"{step.at:%H:%M} {where} {step.name}：{step.text}\n")
        # The same text to several people at once (an alert, the digest) is shown once.
        groups: list[tuple[Sent, list[str]]] = []
        for m in sent:
            where = f"[{m.room}]" if m.room else f"[私聊 {self._who(m.contact)}]"
            if groups and groups[-1][0].text == m.text and groups[-1][0].at == m.at:
                groups[-1][1].append(where)
            else:
                groups.append((m, [where]))
        for m, places in groups:
            assert m.at is not None  # the simulation's transport has a clock
            self._header(m.at)
            text = (f"[图片] {m.text}（PNG）" if m.image is not None else m.text).replace("\n", "\n      ")
            self.out.write(f"{m.at:%H:%M}   ↳ 保学小助手 → {'、'.join(places)}：{text}\n")


def run_demo(out: TextIO, db_url: str | None = None) -> Simulation:
    school = load_school()
    sim = Simulation(demo_scenario(school), db_url)
    out.write(
        f"保学小助手演示：{school.name}，{WEEK[0].month}月{WEEK[0].day}日—{WEEK[-1].month}月{WEEK[-1].day}日一周"
        "（虚拟时钟，内存传输，临时数据库；与 schoolbot run 用同一套处理、规则、定时任务和模板）\n"
    )
    printer = Transcript(school, out)
    asyncio.run(sim.play(printer.on_step))
    printer._flush_quiet()
    state = sim.state()
    out.write(
        f"\n演示结束：未关闭预警 {len(state['open_alerts'])} 个"
        + "".join(f"（{a['class']} {a['name']}，连续{a['streak']}天）" for a in state["open_alerts"])
        + f"；{WEEK[-1].month}月{WEEK[-1].day}日缺勤 {state['absences_today']} 人。\n"
    )
    return sim
