"""Message handlers, registered on the App in order: the first that matches handles.

The order is the precedence: a group no school has bound is handled by ``rooms`` alone
(nothing else may speak there), and so is the answer to a binding question; a staff
invite code (``绑定 123456``) next, before anything reads six digits as something else; answers to a question the bot asked come before anything
else the same words could mean; corrections and queries before new reports; a transfer
told in chat ("王小明转学了", the principal's 同意转入) before follow-up notes and reports,
which would read it as news of a case or an absence; follow-up
notes (which name a student but report nothing) before reports; the parent's leave
request before the refusal for non-staff; the FAQ last before the polite default.
A parent's binding ("我是周子轩的妈妈", the 4 digits) comes right after the rooms, before
any answer a bare number could be; a parent's worry and own-child question before the
leave request (生病了没钱看 is a worry, not a leave) and the FAQ (不想读书了 is not a
question of law).
A staff member's 网页 (a login link
for the web page, by DM) comes right after help: the bare word means nothing else.
"""

from __future__ import annotations

from bot.chat.app import App


def register_all(app: App) -> App:
    from bot.handlers import (
        answers,
        attendance,
        basics,
        corrections,
        faq,
        followup,
        guardians,
        leave,
        notices,
        parents,
        queries,
        rooms,
        staff,
        transfers,
        web_login,
    )

    rooms.register(app)
    staff.register(app)
    guardians.register(app)
    notices.register(app)
    basics.register(app)
    web_login.register(app)
    parents.register_greeting(app)
    answers.register(app)
    corrections.register(app)
    queries.register(app)
    transfers.register(app)
    followup.register(app)
    attendance.register(app)
    notices.register_acks(app)
    parents.register(app)
    leave.register(app)
    attendance.register_refusal(app)
    faq.register(app)
    basics.register_fallback(app)
    return app
