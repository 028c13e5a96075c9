"""What a parent's message asks of the bot (pure): binding, own-child questions, greetings.

Binding: "我是周子轩的妈妈", "周子轩的爷爷", "我是三(2)班周子轩家长，想绑定一下". Own-child
questions: "今天到校了吗", "这个月缺了几天", "请假批了没" and their everyday forms. A name
the message gives is returned as written; whether such a child exists is the caller's
business (and never told to someone unbound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.school.classnames import find_classes

# Spoken forms → the relation kept on the binding; longest first so 外婆 wins over 婆.
RELATIONS: dict[str, str] = {
    "妈妈": "妈妈",
    "母亲": "妈妈",
    "老妈": "妈妈",
    "妈": "妈妈",
    "娘": "妈妈",
    "爸爸": "爸爸",
    "父亲": "爸爸",
    "老爸": "爸爸",
    "爸": "爸爸",
    "爹": "爸爸",
    "爷爷": "爷爷",
    "奶奶": "奶奶",
    "外公": "外公",
    "姥爷": "外公",
    "外婆": "外婆",
    "姥姥": "外婆",
    "家长": "监护人",
    "监护人": "监护人",
    "哥哥": "哥哥",
    "姐姐": "姐姐",
    "叔叔": "叔叔",
    "婶婶": "婶婶",
    "伯伯": "伯伯",
    "舅舅": "舅舅",
    "舅妈": "舅妈",
    "姑姑": "姑姑",
    "姑妈": "姑姑",
    "阿姨": "阿姨",
    "小姨": "小姨",
}
_REL = "|".join(sorted(RELATIONS, key=len, reverse=True))
_NAME = r"[\u4e00-\u9fff·]{2,5}?"
_OPEN = r"^(?:@\S+\s*)?(?:(?:老师|您|你)好?[，,!！\s]*|小助手[，,\s]*)*"
_TAIL = r"(?:[，,。.\s]*(?:我)?(?:想|要|请|申请|麻烦)?(?:帮我)?(?:绑定|关联|登记|认证)\S{0,6})?[。.!！~～\s]*$"
# "我是周子轩的妈妈" / "我是周子轩妈妈" / "周子轩的奶奶" (the 的 or 我是 makes it a statement of who one is)
_BIND_SAID = re.compile(
    _OPEN
    + r"(?:我是|我系|俺是|我就是)\s*(?P<name>"
    + _NAME
    + r")\s*(?:同学|小朋友)?\s*的?\s*(?P<rel>"
    + _REL
    + ")"
    + _TAIL
)
_BIND_OF = re.compile(_OPEN + r"(?P<name>" + _NAME + r")\s*(?:同学|小朋友)?\s*的\s*(?P<rel>" + _REL + ")" + _TAIL)
_DIGITS = re.compile(r"^\s*(?:后四位|后4位|尾号)?\s*(?:是|为)?\s*[:：]?\s*(\d{4})\s*[。.!！]?\s*$")


@dataclass(frozen=True)
class BindingClaim:
    name: str  # the child's name as written
    relation: str  # canonical: 妈妈, 爷爷, 监护人 …
    class_text: str | None  # a class written with it ("三(2)班"), canonical, or None


def binding_claim(text: str) -> BindingClaim | None:
    """ "我是周子轩的妈妈" → (周子轩, 妈妈); anything else None."""
    t = text.strip()
    class_name = None
    mentions = find_classes(t)
    if len(mentions) == 1:
        class_name = mentions[0].ref.canonical()
        t = t[: mentions[0].start] + t[mentions[0].end :]
        t = re.sub(r"(?<=我是)\s*的", "", t)
    m = _BIND_SAID.match(t) or _BIND_OF.match(t)
    if m is None:
        return None
    name = m.group("name")
    if name.startswith(("我家", "我们", "孩子", "娃娃")) or name in ("孩子", "娃娃", "学生", "小孩"):
        return None
    return BindingClaim(name, RELATIONS[m.group("rel")], class_name)


def phone_digits(text: str) -> str | None:
    """The last 4 digits of a phone as a parent answers them ("5558", "后四位是5558")."""
    m = _DIGITS.match(text)
    return m.group(1) if m else None


class Ask(StrEnum):
    """What a parent asks about their own child."""

    TODAY = "today"  # 今天到校了吗
    MONTH = "month"  # 这个月缺了几天
    LEAVE = "leave"  # 请假批了没


_Q_END = r"(?:了吗|了没|了没有|没有|没得|吗|么|不|没|啊|呢|嘛)?\s*[?？。.!！]*\s*$"
_TODAY = re.compile(
    r"(?:今天|今早|今日|早上|上午|这会儿?|现在)?.{0,4}(?:到校|到学校|到了学校|去学校|去了学校|进学校|在学校|上学去|去上学|到班|进校)"
    r"(?:了|去了)?(?:吗|没有|没|了没|了没有|不|么|没得)"
    r"|(?:今天|今早).{0,8}(?:来了|到了|去了)(?:吗|没有|没|了没|么)"
)
_MONTH = re.compile(
    r"(?:这个月|本月|这月|这学期|本学期|这一个月|这段时间|这周|这个星期|这礼拜)?.{0,8}"
    r"(?:缺|缺了|缺课|缺勤|请假|请了|没来|没去|旷课|旷了).{0,4}(?:几天|多少天|几次|多少次|几回|几节|多少)"
)
_LEAVE = re.compile(
    r"(?:请假|请的假|假条|假).{0,6}(?:批|同意|准|通过|答应|怎么样|咋样|如何)"
    r"(?:了|下来)?(?:吗|没|没有|了没|了没有|么|不|没得|啊|呢)?"
    r"|(?:老师|班主任).{0,3}(?:同意|批|准)(?:了)?(?:吗|没|没有|了没|么)"
)
_CHILD = re.compile(r"我家|我们家|我娃|我孩子|我儿子|我女儿|我孙|孩子|娃|小孩|儿子|女儿|孙子|孙女|外孙")


def own_child_question(text: str) -> Ask | None:
    """A question about a child's own attendance or leave: which one; else None.

    Questions of policy ("请假要什么手续", "缺课多少天会被劝返") are not about a child's
    record: a policy word without a record question is left to the FAQ.
    """
    t = text.strip()
    if not re.search(r"[?？吗没么呢不]|几|多少|怎么样|咋样", t):
        return None
    if re.search(r"手续|流程|怎么请|如何请|怎么办理|政策|规定|会不会被|会被|就会|算不算|劝返|要不要|能不能|可以请", t):
        return None
    if _LEAVE.search(t):
        return Ask.LEAVE
    if _MONTH.search(t):
        return Ask.MONTH
    if _TODAY.search(t):
        return Ask.TODAY
    return None


_ASKED_WHO = re.compile(
    r"^\s*(?:@\S+\s*)?(?:老师|请问|麻烦问下|问一下|想问下|你好|您好)?[，,\s]*(?:我家|我们家|俺家)?"
    r"(?P<who>[\u4e00-\u9fff·]{2,4}?)(?:同学)?(?:今天|今早|今日|早上|这个月|本月|这月|这学期|本学期|这周|的请假|请假|的假|到校|到学校|去学校|在学校|缺了|缺课)"
)
_NOT_A_NAME = re.compile(
    r"^(?:孩子|娃娃|娃儿|小孩|儿子|女儿|孙子|孙女|外孙|闺女|姑娘|宝贝|宝宝|我娃|我的娃|他|她|那个|这个|我)$"
)


def asked_name(text: str) -> str | None:
    """The child a question names, as written ("张无名今天到校了吗" → 张无名), whether or
    not such a child exists; None when it names none ("我家娃今天到校了吗")."""
    m = _ASKED_WHO.match(text)
    if m is None or _NOT_A_NAME.match(m.group("who")):
        return None
    who = m.group("who")
    if re.search(r"今|这|本月|请假|到校|学校|缺|^(?:孩子|娃|小孩|儿子|女儿|孙|外孙)|(?:孩子|娃)$", who):
        return None  # a time word or "孩子": the question names nobody
    return who


def speaks_of_a_child(text: str) -> bool:
    """ "我家娃" / "孩子" / "儿子": the parent speaks of their child without a name."""
    return bool(_CHILD.search(text))


_GREETING = re.compile(
    r"^\s*(?:@\S+\s*)?(?:小助手|助手|老师)?[，,\s]*"
    r"(?:你好|您好|你好啊|您好啊|在吗|在不在|在不|在么|在嘛|有人吗|有人在吗|hello|hi|哈喽|嗨|早上好|早|晚上好|下午好|大家好)"
    r"[呀啊吗呢哦~～!！?？。.，,\s]*$",
    re.IGNORECASE,
)


def greeting(text: str) -> bool:
    """ "@保学小助手 你好" / "在吗": a hello, nothing asked yet."""
    return bool(_GREETING.match(text))


class Occasion(StrEnum):
    """What a leave is for, so that the parent is answered in words that fit."""

    ILLNESS = "illness"
    WEDDING = "wedding"  # 吃喜酒, 婚礼: no 早日康复
    FUNERAL = "funeral"  # 丧事, 老人过世: a word of sympathy
    OTHER = "other"


_WEDDING = re.compile(r"喜酒|喜事|婚礼|结婚|办酒|订婚|出嫁|娶亲|满月酒|生日酒|升学宴|乔迁|搬新家")
_FUNERAL = re.compile(
    r"丧事|白事|葬礼|奔丧|出殡|送葬|去世|过世|逝世|走了|没了|不在了|老了|上山|吊唁|办后事|守灵|烧七|头七"
)


def occasion(kind: str, reason: str) -> Occasion:
    """A leave's occasion from its kind and reason ("吃喜酒" → wedding, whatever the kind)."""
    if _FUNERAL.search(reason):
        return Occasion.FUNERAL
    if _WEDDING.search(reason):
        return Occasion.WEDDING
    return Occasion.ILLNESS if kind == "sick" else Occasion.OTHER
