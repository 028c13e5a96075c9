"""A new school set up from an Excel export, and imports that never lose anything."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, create_engine, select
from typer.testing import CliRunner

from bot.cli import _register, app
from storage.engine import normalize_url
from storage.models import Alert, Enrolment, School, Student

_register()
runner = CliRunner()
SHIMEN = Path(__file__).resolve().parents[1] / "fixtures" / "two_schools" / "shimen"
# The headers of a real 学籍 export, not ours.
EXPORT_HEADER = [
    "全国学籍号",
    "学生姓名",
    "性别",
    "年级",
    "班级名称",
    "监护人姓名",
    "监护人电话",
    "是否寄宿生",
    "是否脱贫户",
    "是否留守儿童",
]


def roster_rows() -> list[list[str]]:
    return list(csv.reader((SHIMEN / "roster.csv").open(encoding="utf-8")))[1:]


def export(path: Path, rows: list[list[str]], header: list[str] = EXPORT_HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["石门村完全小学2026年秋季学生名单"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """石门村小学 as a secretary sets it up: school.toml and the 学籍 system's Excel export."""
    dst = tmp_path / "shimen"
    dst.mkdir()
    shutil.copy(SHIMEN / "school.toml", dst / "school.toml")
    export(dst / "石门村完全小学学生名单.xlsx", roster_rows())
    return dst


def cli(*args, folder, db, code=0):
    result = runner.invoke(app, ["--school", str(folder), "--db", db, *args])
    assert result.exit_code == code, result.output
    return result.output


def students(db) -> dict[str, Student]:
    engine = create_engine(normalize_url(db))
    with Session(engine) as s:
        out = {st.id: st for st in s.exec(select(Student))}
    engine.dispose()
    return out


def test_a_folder_with_only_school_toml_and_an_excel_export_checks_starts_and_imports(folder, db_url):
    out = cli("check", folder=folder, db=db_url)
    assert "检查通过：石门村完全小学，20 名学生，2 个班" in out
    shown = cli("roster", "show", "--class", "三(2)班", folder=folder, db=db_url)  # the first start seeds it
    assert "李春生" not in shown and shown.count("\t三年级二班\t") == 10
    out = cli("roster", "import", str(folder / "石门村完全小学学生名单.xlsx"), folder=folder, db=db_url)
    assert "新增 added: 0" in out and "未变 unchanged: 20" in out


def test_head_of_in_the_form_teachers_write_it(folder, db_url):
    toml = folder / "school.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('head_of = "三年级二班"', 'head_of = "三(2)班"'), encoding="utf-8"
    )
    assert "检查通过" in cli("check", folder=folder, db=db_url)


def test_a_partial_import_marks_nobody_left_without_the_flag(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    one_class = export(tmp_path / "三年级二班.xlsx", [r for r in roster_rows() if r[4] == "三年级二班"])
    out = cli("roster", "import", str(one_class), folder=folder, db=db_url)
    assert "不在这份名单里 not in this file: 10" in out and "没有标记离校" in out
    assert all(st.active for st in students(db_url).values())
    # Limited to its class, the same sheet finds nobody missing.
    out = cli("roster", "import", str(one_class), "--class", "三(2)班", folder=folder, db=db_url)
    assert "只导入 三年级二班" in out and "not in this file: 0" in out


def test_mark_missing_left_keeps_every_record(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    rows = roster_rows()
    gone = rows.pop(0)
    out = cli(
        "roster", "import", str(export(tmp_path / "r.xlsx", rows)), "--mark-missing-left", folder=folder, db=db_url
    )
    assert "marked as left: 1" in out and gone[0] in out
    st = students(db_url)[gone[0]]
    assert not st.active and st.left_on is not None and st.guardian == gone[5]


def test_a_reimport_with_fewer_columns_erases_nothing(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    before = students(db_url)
    fewer = [[r[0], r[1], r[4]] for r in roster_rows()]
    fewer[0][1] = "李春升"  # one real change
    out = cli(
        "roster",
        "import",
        str(export(tmp_path / "r.xlsx", fewer, ["学籍号", "姓名", "班级"])),
        folder=folder,
        db=db_url,
    )
    assert "更新 updated: 1" in out and "李春升：姓名" in out and "未变 unchanged: 19" in out
    assert "没有“联系电话”一栏" in out
    after = students(db_url)
    for sid, st in before.items():
        assert (after[sid].guardian, after[sid].phone, after[sid].poverty, after[sid].left_behind) == (
            st.guardian,
            st.phone,
            st.poverty,
            st.left_behind,
        )


def test_a_dry_run_writes_nothing(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    rows = roster_rows()
    rows[0][6] = "13811112222"
    out = cli("roster", "import", str(export(tmp_path / "r.xlsx", rows)), "--dry-run", folder=folder, db=db_url)
    assert "更新 updated: 1" in out and "联系电话" in out and "试运行，没有写入" in out
    assert students(db_url)[rows[0][0]].phone != "13811112222"


def test_a_bad_file_writes_nothing_and_lists_every_problem(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    rows = roster_rows()
    rows[0][6] = "1.39E+10"
    rows[1][1] = "杨 小芳"
    rows[2][0] = rows[3][0]
    rows[5][6] = "13800000000"  # a good change that must not be written either
    out = cli("roster", "import", str(export(tmp_path / "r.xlsx", rows)), folder=folder, db=db_url, code=2)
    assert "没有导入任何内容（数据库没有改动）" in out
    assert "r.xlsx 第3行：联系电话“1.39E+10”被 Excel 写成了科学计数法" in out
    assert "r.xlsx 第4行：姓名“杨 小芳”中间有空格" in out
    assert "r.xlsx 第6行：学籍号" in out and "重复（第5行已有）" in out
    assert students(db_url)[rows[5][0]].phone != "13800000000"


def test_a_class_the_config_does_not_know(folder, tmp_path, db_url):
    toml = folder / "school.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\nclasses = ["三(1)班", "三(2)班"]', 1
    )
    toml.write_text(text, encoding="utf-8")
    rows = [
        *roster_rows(),
        ["G53032017900099", "赵新", "男", "四年级", "四年级一班", "赵父", "13900000099", "否", "否", "否"],
    ]
    out = cli("roster", "import", str(export(tmp_path / "r.xlsx", rows)), folder=folder, db=db_url, code=2)
    assert (
        "r.xlsx：班级“四年级一班”不在 school.toml 的 [school] classes 里（1 名学生，如学籍号 G53032017900099）" in out
    )


def test_a_new_class_with_no_head_teacher_is_warned_about(folder, tmp_path, db_url):
    rows = [
        *roster_rows(),
        ["G53032017900099", "赵新", "男", "四年级", "四年级一班", "赵父", "13900000099", "否", "否", "否"],
    ]
    out = cli("roster", "import", str(export(tmp_path / "r.xlsx", rows)), folder=folder, db=db_url)
    assert "四年级一班 没有班主任" in out and "新的班级 new classes: 四年级一班" in out


def test_the_template_is_written_and_imports(folder, tmp_path, db_url):
    path = tmp_path / "名单模板.xlsx"
    assert "已写出名单模板" in cli("roster", "template", "--out", str(path), folder=folder, db=db_url)
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]][:3] == ["学籍号", "姓名", "性别"] and ws["B2"].value == "王小明"
    ws["E2"].value = "三年级二班"
    ws.parent.save(path)
    assert "新增 added: 1" in cli("roster", "import", str(path), folder=folder, db=db_url)


def test_check_lists_every_problem_of_the_folder_at_once(folder):
    toml = folder / "school.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        .replace('head_of = "三年级一班"', 'head_of = "三年级九班"')
        .replace("unexcused_streak_alert_days = 3", 'unexcused_streak_alert_days = "三天"'),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["--school", str(folder), "check"])
    assert result.exit_code == 1
    assert "unexcused_streak_alert_days 应为 1 到 60 之间的整数（上学日天数），现在是“三天”" in result.output


def test_transfer_out_closes_the_case_and_keeps_the_records(db_url):
    from bot.clock import VirtualClock  # noqa: F401  (the demo school's ids)

    cli("roster", "show", folder=Path("bot/data/demo_school").resolve(), db=db_url)
    engine = create_engine(normalize_url(db_url))
    import datetime as dt

    with Session(engine) as s:
        st = s.exec(select(Student).where(Student.name == "王小明", Student.class_name == "三年级二班")).one()
        sid = st.id
        s.add(
            Alert(
                school_id="qingshi",
                student_id=sid,
                episode_key=f"{sid}:x",
                since=dt.date(2026, 11, 17),
                opened_on=dt.date(2026, 11, 20),
                streak_at_open=4,
                created_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            )
        )
        s.commit()
    out = cli(
        "roster",
        "transfer",
        sid,
        "--out",
        "--dest",
        "县城二小",
        "--date",
        "2026-11-25",
        folder=Path("bot/data/demo_school").resolve(),
        db=db_url,
    )
    assert (
        f"已办转出：王小明（{sid}）2026-11-25 从 青石镇中心小学 转到 县城二小" in out
        and "已关闭的预警 closed alerts: 1" in out
    )
    with Session(engine) as s:
        st = s.get(Student, sid)
        assert st is not None and not st.active and st.left_on == dt.date(2026, 11, 25)
        (e,) = s.exec(select(Enrolment).where(Enrolment.student_id == sid)).all()
        assert (e.left_why, e.left_to) == ("转学", "县城二小")
        alert = s.exec(select(Alert).where(Alert.student_id == sid)).one()
        assert alert.status == "closed" and alert.closed_on == dt.date(2026, 11, 25)
        assert s.get(School, "qingshi").roster_version >= 2
    again = runner.invoke(app, ["--db", db_url, "roster", "transfer", sid, "--out"])
    assert again.exit_code == 2 and "已经不在册" in again.output
    engine.dispose()


def test_transfer_needs_a_destination(db_url):
    result = runner.invoke(app, ["--db", db_url, "roster", "transfer", "G1"])
    assert result.exit_code == 2 and "请写 --to 学校id" in result.output


@pytest.mark.parametrize("answer, left", [("y\n", True), ("n\n", False)])
def test_on_a_terminal_the_missing_are_marked_left_only_when_confirmed(
    folder, tmp_path, db_url, monkeypatch, answer, left
):
    import bot.cli.roster as roster_cli

    cli("roster", "show", folder=folder, db=db_url)
    rows = roster_rows()
    gone = rows.pop()
    monkeypatch.setattr(roster_cli, "_interactive", lambda: True)
    result = runner.invoke(
        app,
        ["--school", str(folder), "--db", db_url, "roster", "import", str(export(tmp_path / "r.xlsx", rows))],
        input=answer,
    )
    assert result.exit_code == 0, result.output
    assert "把这 1 名不在名单里的学生标记为离校吗？" in result.output
    assert students(db_url)[gone[0]].active is not left


def test_check_on_a_deployment_checks_every_school_with_its_roster():
    two = SHIMEN.parent
    result = runner.invoke(app, ["--school", str(two), "check"])
    assert result.exit_code == 0, result.output
    assert "检查通过：青石镇中心小学、石门村完全小学，471 名学生，14 个班" in result.output


def test_class_option_refusals(folder, tmp_path, db_url):
    path = export(tmp_path / "r.xlsx", roster_rows())
    out = cli("roster", "import", str(path), "--class", "三年纪二般", folder=folder, db=db_url, code=2)
    assert "认不出班级“三年纪二般”，请写成“三年级二班”" in out
    out = cli("roster", "import", str(path), "--class", "五(1)班", folder=folder, db=db_url, code=2)
    assert "名单里没有“五年级一班”的学生（名单里的班：三年级一班、三年级二班）" in out


def test_a_one_class_import_moves_a_student_from_another_class(folder, tmp_path, db_url):
    cli("roster", "show", folder=folder, db=db_url)
    rows = [r for r in roster_rows() if r[4] == "三年级二班"]
    mover = next(r for r in roster_rows() if r[4] == "三年级一班")
    rows.append([*mover[:4], "三年级二班", *mover[5:]])
    out = cli(
        "roster", "import", str(export(tmp_path / "r.xlsx", rows)), "--class", "三年级二班", folder=folder, db=db_url
    )
    assert "新增 added: 0" in out and "更新 updated: 1" in out and f"{mover[1]}：班级" in out
    assert students(db_url)[mover[0]].class_name == "三年级二班"


def test_transfer_refusals(db_url):
    demo = ["--db", db_url, "roster", "transfer"]
    both = runner.invoke(app, [*demo, "G53032019000001", "--to", "shimen", "--out"])
    assert both.exit_code == 2 and "请只写 --to 学校id 或 --out 之一" in both.output
    nobody = runner.invoke(app, [*demo, "G00000000000000", "--out"])
    assert nobody.exit_code == 2 and "学籍号 G00000000000000 不在 青石镇中心小学 的名单上" in nobody.output
    unknown = runner.invoke(app, [*demo, "G53032019000001", "--to", "xiaba"])
    assert unknown.exit_code == 2 and "不认识学校 id “xiaba”" in unknown.output
    bad_day = runner.invoke(app, [*demo, "G53032019000001", "--out", "--date", "11月25日"])
    assert bad_day.exit_code == 2 and "日期“11月25日”看不懂，请写成 2026-11-23" in bad_day.output


def test_transfer_to_another_school_of_the_deployment(db_url):
    two = str(SHIMEN.parent)
    out = cli(
        "roster",
        "transfer",
        "G53032019000001",
        "--to",
        "shimen",
        "--class",
        "三(1)班",
        "--for",
        "qingshi",
        "--date",
        "2026-11-25",
        folder=two,
        db=db_url,
    )
    assert "已办转学：郭强（G53032019000001）2026-11-25 从 青石镇中心小学 转到 石门村完全小学" in out
    st = students(db_url)["G53032019000001"]
    assert (st.school_id, st.class_name, st.active) == ("shimen", "三年级一班", True)
    shown = cli("roster", "show", "--for", "shimen", "--class", "三年级一班", folder=two, db=db_url)
    assert "郭强" in shown


def test_a_folder_without_a_roster_starts_empty_and_says_so(folder, db_url, caplog):
    sheet = folder / "石门村完全小学学生名单.xlsx"
    kept = sheet.rename(folder.parent / sheet.name)
    out = runner.invoke(app, ["--school", str(folder), "check"]).output
    assert "找不到学生名单（roster.csv 或 roster.xlsx）" in out
    with caplog.at_level("WARNING", logger="storage.queries"):
        result = runner.invoke(app, ["--school", str(folder), "--db", db_url, "roster", "show"])
    assert result.exit_code == 0 and "共 0 人" in result.output
    assert "石门村完全小学 还没有学生名单" in caplog.text
    assert "新增 added: 20" in cli("roster", "import", str(kept), folder=folder, db=db_url)
