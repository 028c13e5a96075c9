"""A console chat on the demo school: type lines, see the bot's replies.

    @三年级二班家长群 王芳: 王小明今天没来     (王芳 in that group)
    王芳: 预警                               (a direct message from 王芳)
    @青石镇中心小学教师群 wxid_demo_wangfang: …  (a sender by chat id)

A name that is a staff member's maps to their chat id; any other name is a parent
(in a parent group) or a stranger. ``@保学小助手`` in the text is a mention. ``@X`` names a
group by its configured ``id`` or, for a group with none, its topic (as in simulate), so
two schools' groups of the same name can be told apart: ``@R:shimen-3-2 田秀芝: …``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
import sys
import uuid
from typing import TextIO

from bot.chat.transports.base import DEFAULT_MAX_TEXT, IncomingMessage, MessageCallback
from bot.clock import Clock
from bot.school.config import SchoolConfig

LINE = re.compile(r"^\s*(?:@(?P<room>\S+)\s+)?(?P<who>[^:：]{1,40})[:：]\s*(?P<text>.+)$")
BOT_NAME = "保学小助手"


def parse_console_line(
    line: str, school: SchoolConfig | list[SchoolConfig]
) -> tuple[str | None, str, str, str, bool] | None:
    """(room, sender_id, sender_name, text, mentioned) or None if the line is not a message."""
    m = LINE.match(line)
    if not m:
        return None
    who = m.group("who").strip()
    schools = school if isinstance(school, list) else [school]
    staff = next((s for sc in schools for s in sc.staff if who in (s.name, s.wechat_id)), None)
    sender_id = staff.wechat_id if staff else (who if who.startswith("wxid_") else f"console_{who}")
    name = staff.name if staff else who
    text = m.group("text").strip()
    return m.group("room"), sender_id, name, text, f"@{BOT_NAME}" in text


class ConsoleTransport:
    name = "console"
    max_text = DEFAULT_MAX_TEXT

    def __init__(
        self,
        school: SchoolConfig | list[SchoolConfig],
        clock: Clock,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.schools = school if isinstance(school, list) else [school]
        self.clock = clock
        self.members: dict[str, set[str]] = {}  # as in the memory transport: seeded, then whoever speaks
        self._topics = {r.known_id: r.topic for s in self.schools for r in s.rooms}
        self.stdin, self.stdout = stdin or sys.stdin, stdout or sys.stdout
        # Ids must not repeat across restarts (a repeat is dropped as a re-delivery): a
        # counter alone restarts at 1, so each run also carries a random run id.
        self._run = uuid.uuid4().hex[:12]
        self._ids = itertools.count(1)
        self._stopped = asyncio.Event()

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def start(self, on_message: MessageCallback) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopped.is_set():
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            parsed = parse_console_line(line, self.schools)
            if parsed is None:
                self._print("（格式：@群名 发送人: 消息，或 发送人: 消息 表示私聊；Ctrl-D 退出）")
                continue
            room, sender_id, name, text, mentioned = parsed
            now: dt.datetime = self.clock.now()
            if room is not None:
                self.members.setdefault(room, set()).add(sender_id)
            await on_message(
                IncomingMessage(
                    f"console-{now:%Y%m%d%H%M%S}-{self._run}-{next(self._ids)}",
                    self._topics.get(room, room) if room else None,
                    sender_id,
                    name,
                    text,
                    mentioned,
                    now,
                    room_id=room,
                )
            )

    async def room_members(self, room_id: str) -> set[str] | None:
        return set(self.members.get(room_id, set()))

    async def send(self, *, room: str | None = None, contact: str | None = None, text: str) -> None:
        if room:
            topic = self._topics.get(room, room)
            # Two schools' groups may share a name: show which group when its id says more.
            where = f"[{topic}]" if topic == room else f"[{topic} · {room}]"
        else:
            staff = next((m for s in self.schools if (m := s.staff_by_wechat(contact or ""))), None)
            where = f"[私聊 {staff.name if staff else contact}]"
        self._print(f"{where} {BOT_NAME}：{text}")

    async def send_image(
        self, *, room: str | None = None, contact: str | None = None, png: bytes, caption: str
    ) -> None:
        await self.send(room=room, contact=contact, text=f"[图片] {caption}（PNG，{len(png) // 1024} KB）")

    async def send_file(self, *, room: str | None = None, contact: str | None = None, path: str, name: str) -> None:
        await self.send(room=room, contact=contact, text=f"[文件] {name}（已保存在 {path}）")

    async def stop(self) -> None:
        self._stopped.set()
