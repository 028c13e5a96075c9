"""导出台账 Excel：从存储层写入一小段台账，导出后用 openpyxl 读回核对。"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.attendance import ledger
from bot.attendance.streak import streaks
from bot.reports.export import ABSENCES, ALERTS, DAILY, HEADERS, ILLNESS, VISITS, build_ledger, write_ledger
from bot.reports.workbook import TITLE_ROWS
from storage.models import Alert, AlertEvent, ClassReport, Student
from tests.conftest import WANGFANG, ZHENG, at

HEAD = TITLE_ROWS + 1  # the header row, under the title block

D = dt.date.fromisoformat
WEEK = (D("2026-11-23"), D("2026-11-27"))  # Mon..Fri
FRIDAY = D("2026-11-27")


def sid(bot, name, class_name):
    return bot.app.roster.named(name, class_name)[0].student_id


def absence(s, bot, student_id, kind, start, end=None, reason="", by=WANGFANG):
    ledger.record_absence(
        s,
        school_id="qingshi",
        student_id=student_id,
        kind=kind,
        start=D(start),
        end=D(end) if end else None,
        reason=reason,
        reported_by=by,
        inbound_id=None,
        now=bot.clock.now(),
    )
    s.flush()


@pytest.fixture
async def bot(make_bot):
    """A week of the demo school: an alert case, a sick leave, a correction, a return, a leaver."""
    bot = await make_bot(start=at("2026-11-27", "18:00"))
    xm2, gx = sid(bot, "王小明", "三年级二班"), sid(bot, "高兴", "三年级二班")
    xm1, gq = sid(bot, "王小明", "三年级一班"), sid(bot, "郭强", "一年级一班")
    with bot.session() as s:
        absence(s, bot, xm2, "unexcused", "2026-11-19", reason="联系不上家长")  # open since Thursday
        absence(s, bot, gx, "sick", "2026-11-24", "2026-11-25", reason="发烧")
        absence(s, bot, xm1, "unexcused", "2026-11-23", "2026-11-23", by=ZHENG)
        absence(s, bot, xm1, "personal", "2026-11-23", "2026-11-23", reason="家里有事", by=ZHENG)  # 更正
        absence(s, bot, xm1, "unexcused", "2026-11-26", by=ZHENG)
        ledger.record_return(
            s,
            school_id="qingshi",
            student_id=xm1,
            day=D("2026-11-26"),
            reported_by=ZHENG,
            inbound_id=None,
            now=bot.clock.now(),
        )  # 当天就来了
        absence(s, bot, gq, "unexcused", "2026-11-23", by="wxid_not_staff")
        leaver = s.get(Student, gq)
        leaver.active, leaver.left_on = False, D("2026-11-26")
        s.add(leaver)
        case = Alert(
            school_id="qingshi",
            student_id=xm2,
            episode_key=f"{xm2}:2026-11-19",
            since=D("2026-11-19"),
            opened_on=D("2026-11-24"),
            streak_at_open=4,
            created_at=at("2026-11-24", "10:00"),
        )
        done = Alert(
            school_id="qingshi",
            student_id=gx,
            episode_key=f"{gx}:2026-11-10",
            status="closed",
            since=D("2026-11-10"),
            opened_on=D("2026-11-13"),
            streak_at_open=4,
            escalated_on=D("2026-11-20"),
            closed_on=D("2026-11-23"),
            created_at=at("2026-11-13", "10:00"),
        )
        old = Alert(
            school_id="qingshi",
            student_id=gx,
            episode_key=f"{gx}:2026-10-12",
            status="closed",
            since=D("2026-10-12"),
            opened_on=D("2026-10-15"),
            streak_at_open=4,
            closed_on=D("2026-10-20"),
            created_at=at("2026-10-15", "10:00"),
        )
        s.add_all([case, done, old])
        s.flush()
        s.add_all(
            [
                AlertEvent(alert_id=case.id, kind="opened", at=at("2026-11-24", "10:00"), text="连续4个上学日"),
                AlertEvent(
                    alert_id=case.id, kind="followup", at=at("2026-11-24", "07:30"), text="家访，奶奶说明天送来"
                ),
                AlertEvent(alert_id=case.id, kind="followup", at=at("2026-11-26", "16:00"), text="电话联系，仍未返校"),
                AlertEvent(alert_id=done.id, kind="closed", at=at("2026-11-23", "09:00"), text="已返校，预警关闭"),
            ]
        )
        s.add_all(
            [
                ClassReport(
                    school_id="qingshi",
                    class_name="三年级二班",
                    day=D("2026-11-23"),
                    kind="absences",
                    reported_by=WANGFANG,
                    created_at=bot.clock.now(),
                ),
                ClassReport(
                    school_id="qingshi",
                    class_name="三年级一班",
                    day=D("2026-11-23"),
                    kind="rollcall",
                    reported_by=ZHENG,
                    status="undone",
                    created_at=bot.clock.now(),
                ),
            ]
        )
        s.commit()
    return bot


def export(bot, tmp_path, start=WEEK[0], end=WEEK[1], today=FRIDAY):
    path = tmp_path / "out.xlsx"
    with bot.session() as s:
        result = write_ledger(path, s, bot.app.school.config, bot.app.calendar, start, end, today=today)
    return result, openpyxl.load_workbook(path)


def rows(ws) -> list[dict]:
    header = [c.value for c in ws[HEAD]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=HEAD + 1, values_only=True)]


def day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


async def test_sheets_and_headers_open_like_a_ledger(bot, tmp_path):
    result, wb = export(bot, tmp_path)
    assert wb.sheetnames == [ABSENCES, ALERTS, VISITS, DAILY, ILLNESS]
    assert [c.value for c in wb[ABSENCES][HEAD]] == [
        "学籍号",
        "姓名",
        "性别",
        "班级",
        "缺勤日期",
        "类型",
        "原因",
        "连续天数",
        "报告人",
        "脱贫家庭",
        "留守儿童",
    ]
    for name in wb.sheetnames:
        ws = wb[name]
        assert tuple(c.value for c in ws[HEAD]) == HEADERS[name]
        assert ws.freeze_panes == f"A{HEAD + 1}" and all(c.font.b for c in ws[HEAD])
        assert ws.column_dimensions["A"].width >= 10
        assert result.rows[name] == ws.max_row - HEAD
        # the title block: school and sheet, the period, who made it and when
        assert ws["A1"].value == f"青石镇中心小学 控辍保学台账 · {name}"
        assert ws["A2"].value.startswith("统计期间：2026-11-23 至 2026-11-27")
        assert "制表日期：" in ws["A3"].value
        if "性别" in HEADERS[name] or "学籍号" in HEADERS[name]:
            assert "性别" in HEADERS[name] and "学籍号" in HEADERS[name]
        # one value type per column
        for col_cells in ws.iter_cols(min_row=HEAD + 1, values_only=True):
            assert len({type(v) for v in col_cells if v is not None}) <= 1, (name, col_cells)
    date_cell = wb[ABSENCES][f"E{HEAD + 1}"]
    assert isinstance(date_cell.value, dt.datetime) and date_cell.number_format == "yyyy-mm-dd"


async def test_absence_rows(bot, tmp_path):
    _, wb = export(bot, tmp_path, start=D("2026-11-19"))
    got = rows(wb[ABSENCES])
    xm2 = [r for r in got if r["姓名"] == "王小明" and r["班级"] == "三年级二班"]
    # 周末不出行，连续天数跨周末接着数
    assert [(day(r["缺勤日期"]), r["连续天数"]) for r in xm2] == [
        (D("2026-11-19"), 1),
        (D("2026-11-20"), 2),
        (D("2026-11-23"), 3),
        (D("2026-11-24"), 4),
        (D("2026-11-25"), 5),
        (D("2026-11-26"), 6),
        (D("2026-11-27"), 7),
    ]
    assert {(r["类型"], r["原因"], r["报告人"], r["留守儿童"]) for r in xm2} == {
        ("无故缺勤", "联系不上家长", "王芳", "否")
    }
    gx = [r for r in got if r["姓名"] == "高兴"]
    assert [(day(r["缺勤日期"]), r["类型"], r["连续天数"], r["原因"]) for r in gx] == [
        (D("2026-11-24"), "病假", 0, "发烧"),
        (D("2026-11-25"), "病假", 0, "发烧"),
    ]
    # 被更正、被返校取消的记录只是历史：11-23 只剩一行事假，11-26 没有行
    xm1 = [r for r in got if r["姓名"] == "王小明" and r["班级"] == "三年级一班"]
    assert [(day(r["缺勤日期"]), r["类型"], r["原因"], r["报告人"]) for r in xm1] == [
        (D("2026-11-23"), "事假", "家里有事", "郑秀英")
    ]
    # 离校的学生保留离校前的记录；报告人不在教职工名单时写 id
    gq = [r for r in got if r["姓名"] == "郭强"]
    assert [day(r["缺勤日期"]) for r in gq] == [D("2026-11-23"), D("2026-11-24"), D("2026-11-25")]
    assert gq[0]["报告人"] == "wxid_not_staff" and gq[0]["留守儿童"] == "是"
    assert all(isinstance(r["学籍号"], str) for r in got)


async def test_streak_column_agrees_with_the_streak_rule(bot, tmp_path):
    _, wb = export(bot, tmp_path)
    with bot.session() as s:
        spans = ledger.spans(s, school_id="qingshi")
    for r in rows(wb[ABSENCES]):
        if r["类型"] == "无故缺勤" and r["姓名"] != "郭强":
            assert streaks(spans, bot.app.calendar, day(r["缺勤日期"]))[r["学籍号"]].days == r["连续天数"]


async def test_open_absences_stop_at_today(bot, tmp_path):
    result, wb = export(bot, tmp_path, end=D("2026-12-04"), today=D("2026-11-25"))
    xm2 = [day(r["缺勤日期"]) for r in rows(wb[ABSENCES]) if r["班级"] == "三年级二班" and r["姓名"] == "王小明"]
    assert xm2[-1] == D("2026-11-25") and result.open_until == D("2026-11-25")


async def test_alerts_with_followups(bot, tmp_path):
    _, wb = export(bot, tmp_path)
    ws = wb[ALERTS]
    got = rows(ws)
    assert [(r["姓名"], day(r["开始日期"])) for r in got] == [("高兴", D("2026-11-10")), ("王小明", D("2026-11-19"))]
    done, case = got
    assert (done["处理结果"], day(done["结案日期"]), done["是否升级"]) == ("已返校", D("2026-11-23"), "是")
    assert day(done["升级日期"]) == D("2026-11-20") and done["预警时连续天数"] == 4
    assert done["截至统计日连续天数"] is None
    assert day(case["预警日期"]) == D("2026-11-24") and case["是否升级"] == "否" and case["升级日期"] is None
    assert (case["预警时连续天数"], case["截至统计日连续天数"]) == (4, 7)
    assert (case["劝返次数"], day(case["最近劝返日期"]), case["劝返责任人"]) == (2, D("2026-11-26"), "王芳")
    assert case["处理结果"] == "仍未返校" and case["监护人"] == "徐秀兰" and case["联系电话"] == "13631963950"
    assert case["性别"] == "男" and case["结案日期"] is None
    # one 劝返 per row with its full date; the 07:30 visit is 11-24 (stored in UTC)
    visits = [(r["姓名"], day(r["劝返日期"]), r["第几次"], r["劝返情况"]) for r in rows(wb[VISITS])]
    assert ("王小明", D("2026-11-24"), 1, "家访，奶奶说明天送来") in visits
    assert ("王小明", D("2026-11-26"), 2, "电话联系，仍未返校") in visits


async def test_daily_counts_add_up(bot, tmp_path):
    _, wb = export(bot, tmp_path)
    daily, absent = rows(wb[DAILY]), rows(wb[ABSENCES])
    classes = bot.app.school.classes
    assert len(daily) == 5 * len(classes)
    assert [r["班级"] for r in daily[: len(classes)]] == classes
    per_day = Counter(day(r["缺勤日期"]) for r in absent)
    for d in per_day:
        assert sum(r["缺勤合计"] for r in daily if day(r["日期"]) == d) == per_day[d]
    for r in daily:
        assert r["病假"] + r["事假"] + r["无故缺勤"] == r["缺勤合计"]
    by = {(day(r["日期"]), r["班级"]): r for r in daily}
    c32 = by[(D("2026-11-24"), "三年级二班")]
    assert (c32["病假"], c32["事假"], c32["无故缺勤"], c32["缺勤合计"]) == (1, 0, 1, 2)
    assert c32["在籍人数"] == sum(1 for st in bot.app.school.config.students if st.class_name == "三年级二班")
    assert by[(D("2026-11-23"), "三年级一班")]["事假"] == 1
    assert by[(D("2026-11-23"), "三年级二班")]["是否已报告"] == "是"
    assert by[(D("2026-11-23"), "三年级一班")]["是否已报告"] == "否"  # 撤销的报告不算
    # 郭强 11-26 离校：之前在籍且缺勤，之后不再计入
    c11 = [by[(D(d), "一年级一班")] for d in ("2026-11-25", "2026-11-26")]
    assert c11[0]["在籍人数"] == c11[1]["在籍人数"] + 1 and (c11[0]["无故缺勤"], c11[1]["无故缺勤"]) == (1, 0)


async def test_a_range_without_school_days_still_writes_headers(bot, tmp_path):
    result, wb = export(bot, tmp_path, start=D("2026-11-28"), end=D("2026-11-29"))
    assert result.rows[ABSENCES] == result.rows[DAILY] == 0 and result.school_days == 0
    assert [c.value for c in wb[DAILY][HEAD]] == list(HEADERS[DAILY]) and wb[DAILY].max_row == HEAD


async def test_build_refuses_a_reversed_range(bot):
    with bot.session() as s, pytest.raises(ValueError):
        build_ledger(s, bot.app.school.config, bot.app.calendar, WEEK[1], WEEK[0])


def cli(args, db_url, **env):
    from bot.cli import _register, app

    _register()
    return CliRunner().invoke(app, ["--db", db_url, "export", "ledger", *args], env={"SCHOOLBOT_SCHOOL": None, **env})


async def test_cli_writes_the_workbook_and_says_so(bot, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(
        ["--from", "2026-11-23", "--to", "2026-11-27"], db_url, SCHOOLBOT_CLOCK_START="2026-11-27T18:00:00+08:00"
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "台账_2026-11-23_2026-11-27.xlsx"
    wb = openpyxl.load_workbook(out)
    n = {name: wb[name].max_row - HEAD for name in wb.sheetnames}
    line = result.output.strip()
    assert "\n" not in line and out.name in line
    assert (
        f"{ABSENCES} {n[ABSENCES]} 行" in line
        and f"{ALERTS} {n[ALERTS]} 行" in line
        and f"{DAILY} {n[DAILY]} 行" in line
    )
    assert n[ALERTS] == 2 and n[ABSENCES] == 11


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2026-11-27", "--to", "2026-11-23"], "晚于结束日期"),
        (["--from", "2026/11/23", "--to", "2026-11-27"], "开始日期“2026/11/23”不是有效日期"),
        (["--from", "2026-11-23", "--to", "2026-11-31"], "结束日期“2026-11-31”不是有效日期"),
        (["--from", "2026-11-23", "--to", "2026-11-27", "--out", "台账.xls"], "要以 .xlsx 结尾"),
    ],
)
async def test_cli_errors_in_chinese(bot, db_url, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli(args, db_url)
    assert result.exit_code == 2 and message in result.output
    assert not list(tmp_path.glob("*.xls*"))
