"""Staff beyond school.toml: an invite code bound by DM, wrong codes rate-limited, removal.

The whole path: the CLI prints a code, the teacher sends ``绑定 123456`` to the bot, and
from the next message on she is that staff member; ``staff remove`` takes that away at
once, in the running bot too.
"""

from __future__ import annotations

import re

from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import _register, app
from bot.school import staff
from storage.models import Absence, AuditEvent, StaffInvite
from tests.conftest import PRINCIPAL, WANGFANG, at

_register()
NEW = "wxid_new_teacher_li"
OTHER = "wxid_someone_else"


def cli(db_url, *args, when="2026-11-23T07:30:00+08:00"):
    out = CliRunner().invoke(app, ["--db", db_url, *args], env={"SCHOOLBOT_CLOCK_START": when}, catch_exceptions=False)
    return out


def code_of(output: str) -> str:
    m = re.search(r"绑定码：(\d{6})", output)
    assert m, output
    return m.group(1)


def texts(sent, to):
    return [m.text for m in sent if m.contact == to]


async def test_a_replacement_head_teacher_binds_with_a_code_and_reports(make_bot, db_url):
    bot = await make_bot()
    out = cli(db_url, "staff", "invite", "李晓红", "--class", "三(2)班")
    assert out.exit_code != 0 and "已有班主任王芳" in out.output  # one head teacher per class
    out = cli(db_url, "staff", "remove", "王芳")
    assert out.exit_code == 0 and "已移除 王芳" in out.stdout and "school.toml" in out.stdout
    sent = await bot.say("王小明今天没来", sender=WANGFANG, room=None, when=at("2026-11-23", "07:40"))
    assert not any("已记录" in t for t in texts(sent, WANGFANG))  # removed: no longer staff, at once

    out = cli(db_url, "staff", "invite", "李晓红", "--class", "三(2)班")
    assert out.exit_code == 0, out.output
    code = code_of(out.stdout)
    assert "李晓红（三年级二班班主任）" in out.stdout and "有效到 2026-11-26 07:30" in out.stdout
    with bot.session() as s:
        row = s.exec(select(StaffInvite)).one()
        assert code not in (row.code_hash, row.name)  # only the hash is kept

    sent = await bot.say(f"绑定 {code}", sender=NEW, room=None, name="李老师", when=at("2026-11-23", "07:50"))
    (reply,) = texts(sent, NEW)
    assert "绑定成功" in reply and "李晓红" in reply and "三年级二班班主任" in reply
    assert any("李晓红" in t and "绑定" in t for t in texts(sent, PRINCIPAL))  # the school hears of it

    sent = await bot.say("王小明今天没来", sender=NEW, room=None, when=at("2026-11-23", "08:00"))
    assert any("已记录" in t for t in texts(sent, NEW)), sent
    with bot.session() as s:
        (a,) = s.exec(select(Absence)).all()
        assert a.reported_by == NEW

    listing = cli(db_url, "staff", "list").stdout
    assert re.search(r"李晓红\s+三年级二班班主任\s+wxid_new_teacher_li\s+\[邀请码\]", listing), listing
    assert re.search(r"王芳\s+三年级二班班主任\s+wxid_demo_wangfang\s+\[school.toml\]\s+\[已移除\]", listing)

    trail = cli(db_url, "audit", "--staff", "李晓红").stdout
    assert "生成绑定码 李晓红" in trail and "老师绑定 李晓红（wxid_new_teacher_li）" in trail

    # a restart (a new process on the same database) knows her too
    again = await make_bot(start=at("2026-11-24", "07:00"))
    sent = await again.say(
        "王小明今天也没来", sender=NEW, room=None, when=at("2026-11-24", "08:00"), message_id="after-restart-1"
    )
    assert any("已记录" in t for t in texts(sent, NEW)), [m.text for m in sent]


async def test_five_wrong_codes_lock_the_chat_for_an_hour(make_bot, db_url):
    bot = await make_bot()
    code = code_of(cli(db_url, "staff", "invite", "赵明", "--role", "vice_principal").stdout)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    replies = []
    for i in range(5):
        sent = await bot.say(f"绑定码：{wrong}", sender=OTHER, room=None, when=at("2026-11-23", f"08:0{i}"))
        replies += texts(sent, OTHER)
    assert all("绑定码不对" in r for r in replies[:4]) and "还可以试 1 次" in replies[3]
    sent = await bot.say(f"绑定 {code}", sender=OTHER, room=None, when=at("2026-11-23", "08:10"))
    assert "错误次数太多" in texts(sent, OTHER)[0]  # even the right code, while locked
    sent = await bot.say(f"绑定 {code}", sender=OTHER, room=None, when=at("2026-11-23", "09:06"))
    assert "绑定成功" in texts(sent, OTHER)[0] and "副校长" in texts(sent, OTHER)[0]
    # used once: nobody else can use it; the one who did is told they are bound
    sent = await bot.say(f"绑定 {code}", sender=NEW, room=None, when=at("2026-11-23", "09:10"))
    assert "用过了" in texts(sent, NEW)[0]
    sent = await bot.say(f"绑定 {code}", sender=OTHER, room=None, when=at("2026-11-23", "09:11"))
    assert "已经绑定过了" in texts(sent, OTHER)[0]


async def test_a_code_expires_after_72_hours(make_bot, db_url):
    bot = await make_bot()
    code = code_of(cli(db_url, "staff", "invite", "赵明", "--role", "dropout_officer").stdout)
    sent = await bot.say(f"绑定 {code}", sender=NEW, room=None, when=at("2026-11-26", "07:31"))
    assert "已过期" in texts(sent, NEW)[0]


async def test_a_code_posted_in_a_group_is_void(make_bot, db_url):
    bot = await make_bot()
    code = code_of(cli(db_url, "staff", "invite", "赵明", "--role", "vice_principal").stdout)
    sent = await bot.say(f"绑定 {code}", sender=NEW, room="三年级二班家长群", when=at("2026-11-23", "08:00"))
    assert not [m for m in sent if m.room]  # nothing said in the group
    assert "已作废" in texts(sent, NEW)[0]
    sent = await bot.say(f"绑定 {code}", sender=NEW, room=None, when=at("2026-11-23", "08:01"))
    assert "绑定码不对" in texts(sent, NEW)[0]
    with bot.session() as s:
        assert [e.action for e in s.exec(select(AuditEvent))] == ["staff_invited", "invite_revoked"]


async def test_six_digits_from_staff_are_not_a_code(make_bot):
    bot = await make_bot()
    sent = await bot.say("123456", sender=WANGFANG, room=None, when=at("2026-11-23", "08:00"))
    assert not any("绑定" in t for t in texts(sent, WANGFANG))


async def test_every_problem_with_an_invite_at_once(make_bot, db_url):
    bot = await make_bot()
    with bot.session() as s:
        try:
            staff.invite(
                s, bot.app.school, name="", roles=["teacher"], head_of="九年级八班", now=at("2026-11-23"), by="cli"
            )
        except staff.InviteError as e:
            problems = e.problems
        else:
            raise AssertionError("an invite with three problems was accepted")
    assert len(problems) == 3
    assert "姓名" in problems[0] and "没有这个角色：teacher" in problems[1] and "没有这个班：九年级八班" in problems[2]


async def test_removing_an_unknown_name_says_so(make_bot, db_url):
    await make_bot()
    out = cli(db_url, "staff", "remove", "不存在的人")
    assert out.exit_code != 0 and "没有这位老师" in out.output


async def test_a_code_written_as_people_write_it(make_bot, db_url):
    bot = await make_bot()
    for i, words in enumerate(("我的绑定码是{c}", "邀请码：{c}", "{c}", "您好，{c} 是学校给的码", "绑定{c}谢谢")):
        code = code_of(cli(db_url, "staff", "invite", f"老师{i}", "--role", "vice_principal").stdout)
        who = f"wxid_t{i}"
        sent = await bot.say(words.format(c=code), sender=who, room=None, when=at("2026-11-23", f"08:1{i}"))
        assert "绑定成功" in texts(sent, who)[0], words
    # a report that carries six digits is a report, not a code
    sent = await bot.say("学籍号123456的那个学生今天没来", sender=WANGFANG, room=None, when=at("2026-11-23", "09:00"))
    assert not any("绑定码" in t for t in texts(sent, WANGFANG))
