"""schoolbot audit: who changed which student's records, from the applied-changes log."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import _register, app
from tests.conftest import at

_register()


async def test_the_trail_of_a_student_and_of_a_teacher(make_bot, db_url):
    bot = await make_bot()
    await bot.say("王小明今天没来", when=at("2026-11-23", "08:10"))
    await bot.say("王小明不是旷课，是病假", when=at("2026-11-23", "08:20"))
    await bot.say("撤销", when=at("2026-11-23", "08:25"))
    (xiaoming,) = bot.app.roster.named("王小明", "三年级二班")
    run = CliRunner()
    out = run.invoke(app, ["--db", db_url, "audit", "--student", xiaoming.student_id], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert any("王芳" in x and "缺勤 新增 unexcused" in x and "“王小明今天没来”" in x for x in lines)
    assert any("缺勤 新增 sick" in x and "（已撤销）" in x for x in lines)
    assert any("[撤销]" in x for x in lines)
    out = run.invoke(app, ["--db", db_url, "audit", "--staff", "王芳"], catch_exceptions=False)
    assert out.exit_code == 0 and "王小明今天没来" in out.stdout
    out = run.invoke(app, ["--db", db_url, "audit", "--staff", "nobody"])
    assert out.exit_code != 0 and "没有这位老师" in out.output


async def test_who_looked_at_a_child_and_who_exported_is_on_record(make_bot, db_url, tmp_path):
    bot = await make_bot()
    (xiaoming,) = bot.app.roster.named("王小明", "三年级二班")
    await bot.say("王小明 记录", room=None, when=at("2026-11-23", "09:00"))
    run = CliRunner()
    book = tmp_path / "台账.xlsx"
    out = run.invoke(
        app, ["--db", db_url, "export", "ledger", "--from", "2026-11-23", "--to", "2026-11-23", "--out", str(book)]
    )
    assert out.exit_code == 0, out.output
    trail = run.invoke(app, ["--db", db_url, "audit", "--student", xiaoming.student_id]).stdout
    assert "王芳  [权限]" in trail and "查看学生记录 王小明" in trail
    trail = run.invoke(app, ["--db", db_url, "audit", "--staff", "王芳"]).stdout
    assert "查看学生记录 王小明" in trail
    with bot.session() as s:
        from sqlmodel import select

        from storage.models import AuditEvent

        (ev,) = s.exec(select(AuditEvent).where(AuditEvent.action == "exported")).all()
        assert ev.subject == "台账.xlsx" and ev.actor.startswith("cli")
