"""Worry signals (pure): a parent's words that a child will not or cannot come to school.

For 控辍保学 these are the earliest warning a school gets, often weeks before the first
unexcused day: a child who no longer wants school, who is to go out to work, who stays
home on the phone, who is bullied, a family with no money or nobody at home to look after
the child, a child ill with no money for a doctor, a family moving away — and a parent
telling of another child seen out of school. Each family is a small set of patterns over
the forms parents write (dialect included: 不想读了, 耍手机, 屋头没人管); a phrase that is
negated, hypothetical ("要是孩子不想上学，学校会怎么办") or about the adults ("他爸在广东打工")
does not count. The answer is the families found, the strongest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.enums import WorryFamily as F

_CHILD_SUBJECT = r"(?:孩子|娃娃|娃儿|娃|小孩|儿子|女儿|姑娘|孙子|孙女|外孙|他|她|老大|老二|老三|小的|大的|我家\S{0,3})"
_SCHOOL = r"(?:上学|读书|念书|读了|念了|读书了|去学校|来学校|上课|读|念|学校)"

_PATTERNS: dict[F, tuple[re.Pattern[str], ...]] = {
    F.ILL_NO_MONEY: (
        re.compile(
            r"(?:病|生病|住院|看病|发烧|烧|咳|疼|痛|摔|伤|不舒服|身体).{0,12}(?:没钱|没有钱|看不起|治不起|拿不出钱|钱不够|没得钱)"
        ),
        re.compile(r"(?:没钱|没有钱|没得钱|拿不出钱).{0,6}(?:看病|看医生|治病|治|住院|去医院|买药|打针)"),
    ),
    F.BULLIED: (
        re.compile(r"被\S{0,8}?(?:欺负|霸凌|打了|打伤|勒索|抢了|孤立|威胁|起外号)"),
        re.compile(
            r"(?:受|遭)(?:人)?欺负|有人(?:欺负|打|勒索|威胁)(?:他|她|我家|我娃|孩子)|(?:不敢|害怕|怕)(?:去)?(?:学校|上学)"
        ),
    ),
    F.WORK: (
        re.compile(
            r"(?:要|想|准备|打算|说要|闹着要|吵着要|嚷着要|非要|带\S{0,2}|跟\S{0,4})(?:出去|去|到|外出)?\S{0,6}?(?:打工|做工|挣钱|赚钱|进厂|上班|学手艺|当学徒)"
        ),
        re.compile(r"(?:不读|不念|不上)(?:了|书了)?.{0,6}(?:打工|挣钱|赚钱|进厂|做工|上班)"),
    ),
    F.SCREENS: (
        re.compile(
            r"(?:玩手机|耍手机|看手机|抱着手机|刷手机|打游戏|玩游戏|耍游戏|打王者|刷视频|刷抖音|玩电脑|上网)"
            r".{0,10}(?:不去|不肯去|不想去|不上学|不读|不起床|不起来|不出门|没去|不来)"
        ),
        re.compile(
            r"(?:不去|不肯去|不想去|不上学|没去学校|不起床|在家|在屋头|在屋里|在家里|关在屋里|天天在家).{0,8}"
            r"(?:玩手机|耍手机|看手机|抱着手机|刷手机|打游戏|玩游戏|耍游戏|打王者|刷视频|刷抖音|玩电脑|上网)"
        ),
    ),
    F.NO_CARE: (
        re.compile(r"(?:家里|家头|屋头|屋里|家中)?没(?:有)?人(?:管|照顾|照看|带|看着|送|接|做饭)"),
        re.compile(r"(?:一个人|自己)在家.{0,6}(?:没人|不去|没去|不上学)|管不住(?:他|她|了)?|管不了(?:他|她|了)?"),
    ),
    F.MONEY: (
        re.compile(r"(?:读不起|上不起|供不起|念不起|交不起|交不上|交不了|付不起|付不上|拿不出|凑不齐|凑不出)"),
        re.compile(r"(?:没钱|没有钱|没得钱|钱不够).{0,10}(?:读|上学|念书|学费|生活费|车费|路费|伙食费|校服|书本|交)"),
        re.compile(r"(?:读书|上学|学费|生活费|车费|路费).{0,6}(?:没钱|没有钱|没得钱|钱不够)"),
    ),
    F.MOVING: (
        re.compile(
            r"(?:要|准备|打算|想|得|可能|会|下学期|下个月|过几天|过两天|过段时间|过完年|年后|月底|明年|马上|这周|下周|全家)\S{0,4}?"
            r"(?:搬家|搬走|搬到|搬去|转学|转走|转到|回老家(?:读|上学|念)|去外地读|到外地读|跟\S{0,4}去\S{0,4}读)"
        ),
    ),
    F.UNWILLING: (
        re.compile(r"(?:不想|不肯|不愿意|不愿|不乐意|不要|死活不|说什么也不|怎么都不|再也不)(?:去)?" + _SCHOOL),
        re.compile(r"厌学|逃学|不读书了|不读了|不念了|书不读了|书不念了|不去学校了|不上学了|不想读"),
    ),
}

# another child seen out of school ("我看到他在街上耍", "王小明天天在网吧")
_SEEN = re.compile(
    r"(?:看到|看见|瞧见|碰到|碰见|遇到|遇见|见到)\S{0,10}?(?:在|去)(?:街上|镇上|外面|外头|网吧|河边|路上|田里|山上|集上|街头|村里|车站|游戏厅|台球室|家里|屋头)"
    r"|(?:天天|整天|一天到晚|成天)(?:在|泡在)(?:网吧|街上|镇上|外面|游戏厅|台球室)"
)
_MISSING = re.compile(r"没(?:有)?(?:去|来|在)?(?:学校|上学|上课)|不(?:去|上)?(?:上学|学校|上课)")

_NEGATED = re.compile(r"(?:没有|并没有|并没|没|不是|从不|从来不|不会|不用|别)$")
_HYPOTHETICAL = re.compile(r"(?:如果|要是|万一|假如|假设|若是|倘若|一般|有的|有些|别人家)")
_ADULT_SUBJECT = re.compile(
    r"(?:爸爸|妈妈|爸|妈|爹|娘|父母|大人|我们|我|老公|老婆|他爹|他娘|他爸|他妈|两口子)(?:要|想|准备|打算|都|也|还|在|去)?$"
)
_LAW = re.compile(r"违法|犯法|处罚|罚款|法律|坐牢|负责|行不行|可以不读|能不能不读|能不能不上|会被")
_BEYOND = re.compile(r"大学|考上|高中学费|助学贷款")
_OFF_TIME = re.compile(r"周末|星期天|礼拜天|放假|假期|寒假|暑假|放学|写完作业|作业写完|晚上")
_WONT_GO = re.compile(r"不(?:想|肯|愿意?)去了?|不去了")
_ABOUT_SCHOOL = re.compile(r"上学|学校|读书|上课|念书")
_EVENT = re.compile(r"春游|秋游|活动|运动会|比赛|演出|家长会|补课|兴趣班|培训班|吗")  # one outing, or a question
_POSITIVE = re.compile(r"(?<!不)(?:喜欢上学|喜欢去学校|爱上学|愿意上学|吵着要去学校|闹着要去学校)")


@dataclass(frozen=True)
class Worry:
    family: F
    about_other: bool  # a parent telling of someone else's child (seen out of school)


def _counts(family: F, text: str, m: re.Match[str]) -> bool:
    before = text[max(0, m.start() - 4) : m.start()]
    if _NEGATED.search(before):
        return False
    taking_the_child = re.search(r"带(?:他|她|孩子|娃)", m.group())
    if family == F.WORK and not taking_the_child and _ADULT_SUBJECT.search(text[max(0, m.start() - 5) : m.start()]):
        return False  # the adults' work (留守 families), not the child leaving school
    if text[m.end() : m.end() + 1] == "的":
        return False  # "没人接的孩子…": children in general, not this one
    if family == F.SCREENS and _OFF_TIME.search(text):
        return False  # a weekend's or holiday's phone is not a school day missed
    # "在广东打工" states where someone works, not that the child is to go
    return not (family == F.WORK and re.match(r"在\S{0,6}(?:打工|上班)", text[m.start() :]))


def worries(text: str) -> list[Worry]:
    """The worry families a message voices, strongest first (empty: none)."""
    t = re.sub(r"\s+", "", text)
    if _LAW.search(t) and not re.search(_CHILD_SUBJECT, t):
        return []  # "初中不读了算违法吗": a question of law, for the FAQ, about no child
    if _BEYOND.search(t):
        return []  # college or high-school costs: an aid question, not a child leaving school
    clauses = re.split(r"[。！!？?；;]", t)
    found: list[Worry] = []
    for clause in clauses:
        if not clause or _POSITIVE.search(clause):
            continue
        hypothetical = bool(_HYPOTHETICAL.search(clause))
        for family, patterns in _PATTERNS.items():
            if any(w.family == family for w in found) or hypothetical:
                continue
            for p in patterns:
                m = p.search(clause)
                if m and _counts(family, clause, m):
                    found.append(Worry(family, about_other=False))
                    break
            # "叫他上学就发脾气，说不想去了": not going, said of school elsewhere in the message
            if family == F.UNWILLING and not any(w.family == family for w in found):
                m = _WONT_GO.search(clause)
                if m and _ABOUT_SCHOOL.search(t) and not _EVENT.search(t) and _counts(family, clause, m):
                    found.append(Worry(family, about_other=False))
        out_of_school = _MISSING.search(t) or re.search("耍|玩|晃|逛|网吧|游戏厅|台球", clause)
        if not hypothetical and _SEEN.search(clause) and out_of_school:
            if not any(w.family == F.SEEN_OUT for w in found):
                found.append(Worry(F.SEEN_OUT, about_other=True))
    # ill with no money is the stronger reading of "no money" when both match
    if any(w.family == F.ILL_NO_MONEY for w in found):
        found = [w for w in found if w.family != F.MONEY]
    return found


LABELS: dict[str, str] = {
    F.UNWILLING: "不想上学",
    F.WORK: "要外出打工",
    F.SCREENS: "在家玩手机/游戏不去上学",
    F.BULLIED: "可能被欺负",
    F.MONEY: "家里没钱",
    F.NO_CARE: "家里没人管",
    F.ILL_NO_MONEY: "生病没钱看",
    F.MOVING: "要搬走/转学",
    F.SEEN_OUT: "有人看到孩子没在学校",
}
