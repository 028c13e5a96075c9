"""劝返 follow-up: what a head teacher says about a student whose alert is open.

"王小明已家访，家长说下周一送回来" is not an absence report; it goes on the case. "送教上门"
turns the case into home teaching: no longer a dropout risk, listed apart in digests.
"""

from __future__ import annotations

import re

from bot.attendance.alerts import add_followup, followups, live_alerts
from bot.chat.app import App, Context
from storage.enums import SenderKind
from storage.models import Alert

HOME_TEACHING = re.compile(r"送教上门|送教")
# Without a name, only a direct message that reads like casework is taken as one.
CASEWORK = re.compile(
    r"家访|联系上|联系了|打电话|电话|劝|家长说|父母|爷爷|奶奶|外婆|外公|监护人|打工|回来|送回|返校|上门|村委|派出所|镇上"
)


def followup_target(ctx: Context) -> list[Alert] | None:
    r = ctx.report
    if r.absences or r.returns or r.rollcall or r.query or r.cancel or r.name_correction or r.kind_correction:
        return None
    named = [s.student_id for s in r.mentioned]
    if named:
        live = live_alerts(ctx.session, ctx.school.id, named)
        cases = [live[sid] for sid in named if sid in live]
    elif ctx.where.is_direct and CASEWORK.search(ctx.text) and ctx.sender.staff and ctx.sender.staff.head_of:
        mine = [s.student_id for s in ctx.roster.by_class.get(ctx.sender.staff.head_of, [])]
        cases = list(live_alerts(ctx.session, ctx.school.id, mine).values()) if mine else []
        cases = cases if len(cases) == 1 else []
    else:
        cases = []
    return cases or None


def on_followup(ctx: Context, cases: list[Alert]) -> None:
    home = bool(HOME_TEACHING.search(ctx.text))
    text = ctx.text.strip()[:500]
    for alert in cases:
        assert alert.id is not None
        add_followup(ctx.session, alert, text, ctx.sender.id, ctx.inbound.id, ctx.now, home_teaching=home)
        ctx.session.flush()
        student = ctx.roster.by_id.get(alert.student_id)
        if student is not None:
            ctx.reply_staff_safe(
                "followup/recorded.j2", student=student, home_teaching=home, count=len(followups(ctx.session, alert.id))
            )


def register(app: App) -> None:
    app.add_handler(on_followup, name="followup", senders={SenderKind.STAFF}, match=followup_target)
