"""Words of the other message kinds: undo, corrections, queries, roll-calls, "the others", plurals."""

from __future__ import annotations

# -- other message kinds -----------------------------------------------------------------
CANCEL = [
    "撤销",
    "撤回",
    "作废",
    "删除",
    "删掉",
    "取消",
    "发错了",
    "发错",
    "报错了",
    "弄错了",
    "搞错了",
    "不算",
    "不作数",
]
CORRECT_VERBS = ["应该是", "应是", "应为", "改成", "改为", "换成", "更正为", "其实是", "实际是", "是"]
CORRECT_TRIGGERS = [
    "更正",
    "纠正",
    "改正",
    "改一下",
    "写错",
    "打错",
    "报错",
    "弄错",
    "搞错",
    "发错",
    "应该是",
    "应为",
    "改成",
    "改为",
    "不是",
]
QUERIES = [  # (phrase, query id); a message with no report in it
    ("未回答问题", "unanswered"),
    ("未回答的问题", "unanswered"),
    ("没回答的问题", "unanswered"),
    ("待回答", "unanswered"),
    ("未回答", "unanswered"),
    ("未返校名单", "not_returned"),
    ("未返校学生", "not_returned"),
    ("未返校的", "not_returned"),
    ("没返校的", "not_returned"),
    ("未返校", "not_returned"),
    ("没有返校", "not_returned"),
    ("没返校", "not_returned"),
    ("没回校", "not_returned"),
    ("今日缺勤", "absent_today"),
    ("今天缺勤", "absent_today"),
    ("今天的缺勤", "absent_today"),
    ("今日的缺勤", "absent_today"),
    ("缺勤名单", "absent_today"),
    ("缺勤情况", "absent_today"),
    ("预警", "alerts"),
]
RECORD_WORDS = ["缺勤记录", "请假记录", "考勤记录", "出勤记录", "记录", "档案", "台账"]

# -- roll-call --------------------------------------------------------------------------
ALL_PRESENT = [
    "全勤",
    "全到",
    "全到了",
    "都到了",
    "都到齐了",
    "到齐了",
    "全部到齐",
    "全员到齐",
    "全部到校",
    "全都到了",
    "全部到了",
    "都来了",
    "全来了",
    "全都来了",
    "无缺勤",
    "无人缺勤",
    "没有缺勤",
    "没人缺勤",
    "没有人缺勤",
    "一个不少",
    "全部出勤",
    "全员出勤",
    "没有请假的",
    "无请假",
    "到齐",
    "全到齐",
    "都到齐",
    "全班到齐",
    "来齐了",
    "都来齐了",
    "人齐了",
    "满勤",
    "一个没少",
    "一个都不少",
]
OTHERS = ["其他", "其余", "其它", "别的", "剩下", "其他人", "其余人", "其他同学", "其余同学", "剩下的"]

# Words that refer to several students at once: a clause with one of them applies to
# every student listed before it in the sentence.
PLURAL = ["都", "均", "全都", "他们", "她们", "他俩", "她俩", "两人", "两个人", "俩", "三人", "几个"]
