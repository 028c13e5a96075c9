"""roster import: upsert by 学籍号, counts, students who left are kept."""

from __future__ import annotations

import csv
import shutil

from typer.testing import CliRunner

from bot.cli import _register, app
from bot.school.config import demo_school_dir

_register()
runner = CliRunner()


def run(*args, db):
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_twice_then_changes(tmp_path, db_url):
    roster = demo_school_dir() / "roster.csv"
    out = run("roster", "import", str(roster), db=db_url)
    assert "新增 added: 451" in out and "未变 unchanged: 0" in out
    out = run("roster", "import", str(roster), db=db_url)
    assert "新增 added: 0" in out and "未变 unchanged: 451" in out

    rows = list(csv.reader(roster.open(encoding="utf-8")))
    header, body = rows[0], rows[1:]
    body[0][6] = "13800000000"  # a new phone number
    gone = body.pop(1)  # a student who left
    changed = tmp_path / "roster2.csv"
    with changed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    out = run("roster", "import", str(changed), db=db_url)
    assert "更新 updated: 1" in out and "郭强：联系电话" in out and "未变 unchanged: 449" in out
    assert "不在这份名单里 not in this file: 1" in out and "没有标记离校" in out
    assert gone[1] in run("roster", "show", "--class", "一年级一班", db=db_url)  # still on the roll
    out = run("roster", "import", str(changed), "--mark-missing-left", db=db_url)
    assert "marked as left: 1" in out

    shown = run("roster", "show", "--class", "一年级一班", "--all", db=db_url)
    assert gone[1] in shown and "【已离校】" in shown
    assert gone[1] not in run("roster", "show", "--class", "1(1)班", db=db_url)


def test_import_xlsx(tmp_path, db_url):
    from openpyxl import Workbook

    rows = list(csv.reader((demo_school_dir() / "roster.csv").open(encoding="utf-8")))
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert "新增 added: 451" in run("roster", "import", str(path), db=db_url)


def test_bad_roster_is_refused_with_line(tmp_path, db_url):
    bad = tmp_path / "bad.csv"
    text = (demo_school_dir() / "roster.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("G53032019000002,", "G53032019000001,", 1), encoding="utf-8")
    result = runner.invoke(app, ["--db", db_url, "roster", "import", str(bad)])
    assert result.exit_code == 2 and "bad.csv 第3行：学籍号 G53032019000001 重复" in result.output


def test_gbk_export_is_read(tmp_path, db_url):
    folder = tmp_path / "s"
    shutil.copytree(demo_school_dir(), folder)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((folder / "roster.csv").read_text(encoding="utf-8").encode("gb18030"))
    assert "新增 added: 451" in run("roster", "import", str(gbk), db=db_url)


def test_in_a_deployment_the_school_is_named_and_a_known_xuejihao_is_a_transfer(db_url):
    from pathlib import Path

    from sqlmodel import Session, create_engine, select

    from storage.engine import normalize_url
    from storage.models import Enrolment, Student

    two = Path(__file__).resolve().parents[1] / "fixtures" / "two_schools"
    moving = two / "shimen_roster_with_transfer.csv"
    refused = runner.invoke(app, ["--school", str(two), "--db", db_url, "roster", "import", str(moving)])
    assert refused.exit_code == 2 and "--for" in refused.output
    run("--school", str(two), "roster", "import", str(demo_school_dir() / "roster.csv"), "--for", "qingshi", db=db_url)
    out = run("--school", str(two), "roster", "import", str(moving), "--for", "shimen", db=db_url)
    assert "转入 transferred in: 1（转出学校 from: qingshi）" in out and "新增 added: 20" in out
    engine = create_engine(normalize_url(db_url))
    with Session(engine) as s:
        st = s.get(Student, "G53032017000150")
        assert st is not None and st.school_id == "shimen" and st.active
        history = [(e.school_id, e.left_why) for e in s.exec(select(Enrolment).where(Enrolment.student_id == st.id))]
        assert sorted(history) == [("qingshi", "转学"), ("shimen", "")]
    engine.dispose()
