"""schoolbot audit --student 学籍号 | --staff NAME: who wrote or changed which records."""

from __future__ import annotations

import typer

from bot.cli import app, boot, fail


@app.command("audit")
def audit_cmd(
    student: str | None = typer.Option(None, "--student", help="学籍号: every change to this student's records"),
    staff: str | None = typer.Option(None, "--staff", help="a staff member's name or chat id: every change they made"),
    school_id: str | None = typer.Option(None, "--for", help="school id in a deployment (default: the first)"),
) -> None:
    """Print the audit trail (from the applied-changes log): when, who, what, from which message."""
    from sqlmodel import Session, select

    from bot.chat.render import local
    from bot.reports.audit import trail
    from bot.school.context import SchoolContext
    from bot.school.staff import staff_version
    from storage.models import Staff

    if not (student or staff):
        fail("请给出 --student 学籍号 或 --staff 姓名 / give --student or --staff")
    b = boot()
    configs = [s for s in b.dep.with_cross_staff() if school_id in (None, s.id)]
    if not configs:
        fail(f"没有这所学校：{school_id}（可用：{'、'.join(b.dep.ids)}）/ no such school")
    school = SchoolContext.of(configs[0])
    sender = name = None
    with Session(b.engine) as s:
        school.refresh_staff(s, staff_version(s, school.id))
        if staff:
            # Removed staff too: their history is what an audit is most often asked for.
            rows = s.exec(select(Staff).where(Staff.school_id == school.id))
            known = [(m.name, m.wechat_id) for m in school.staff] + [(r.name, r.wechat_id) for r in rows]
            found = [(name, wid) for name, wid in known if staff in (name, wid)]
            if not found:
                fail(f"{school.name}没有这位老师：{staff} / no such staff member")
            name, sender = found[0]
        lines = trail(s, school, student_id=student, sender_id=sender, staff_name=name if staff else None)
    if not lines:
        typer.echo("没有记录 / nothing on record")
        return
    for line in lines:
        at = local(line.at, school.tz).strftime("%Y-%m-%d %H:%M")
        mark = "（已撤销）" if line.undone else ""
        quote = f"  “{line.message}”" if line.message else ""
        typer.echo(f"{at}  {line.who}  [{line.source}]  {line.student_id or '-'}  {line.what}{mark}{quote}")
