"""Modality and setting words: what turns an attendance word into something else (data only).

An interrogative word after a verb of not knowing is an embedded question — a statement
("不知道咋个回事"); an illness word said of a child in class is a symptom seen at school,
not an absence ("上课还咳嗽"); a leave said not to have been asked makes a family
business unexcused ("去吃酒了 没请假").
"""

from __future__ import annotations

# "I don't know why": what follows is a statement of ignorance, not a question to the bot.
IGNORANCE = [
    "不知道",
    "不晓得",
    "不清楚",
    "搞不清",
    "搞不懂",
    "说不清",
    "讲不清",
    "问不出",
    "不了解",
    "不确定",
    "不知",
    "晓不得",
]
# The child is in class, in school, now: an illness word here is seen at school.
IN_CLASS = [
    "上课",
    "课上",
    "课堂上",
    "课间",
    "上课时",
    "在学校",
    "在班上",
    "在班里",
    "在教室",
    "在校",
    "体育课",
    "早读",
    "午休",
    "做操",
    "上早自习",
]
# "Cannot be in class": these carry 上课 but say the child is away.
NOT_IN_CLASS = ["不能上课", "没法上课", "上不了课", "没能上课", "不来上课", "没来上课", "不能来上课"]
# No leave was asked for: a reason that is not an illness stays unexcused.
NO_LEAVE = [
    "没请假",
    "没有请假",
    "未请假",
    "不请假",
    "没请过假",
    "没打招呼",
    "没跟老师说",
    "没给老师说",
    "没和老师说",
    "没跟我说",
    "没说一声",
]
# Someone else than the child named, said right after the name ("蒋天佑同桌没来", "蒋天佑妈妈
# 没来"): the one away may be them. The bot asks rather than guess (a leave asked by a
# parent, "蒋天佑妈妈请假了", is the child's and not in doubt; 同学 after a name is a title).
SOMEONE_OF = [
    "同桌",
    "前桌",
    "后桌",
    "好朋友",
    "朋友",
    "小伙伴",
    "旁边那个",
    "旁边的",
    "后面那个",
    "前面那个",
    "弟弟",
    "妹妹",
    "哥哥",
    "姐姐",
    "表弟",
    "表妹",
    "表哥",
    "表姐",
    "堂弟",
    "堂妹",
    "堂哥",
    "堂姐",
    "家长",
    "妈妈",
    "爸爸",
    "奶奶",
    "爷爷",
    "外婆",
    "外公",
    "他妈",
    "他爸",
    "她妈",
    "她爸",
]
# A hypothetical reports nothing: "如果张瑞明天还不来，我就去他家看看", "明天还发烧的话就再请一天".
CONDITIONALS = ["如果", "假如", "万一", "假若", "倘若", "若是", "如若", "要是", "的话"]
# What an adult comes to school for: said after someone of the child's, the one who did not
# come is that adult and there is nothing to ask ("吴倩的妈妈没来开家长会").
ADULT_ERRANDS = [
    "家长会",
    "开会",
    "签字",
    "接孩子",
    "接他",
    "接她",
    "接娃",
    "送孩子",
    "送他",
    "送她",
    "领",
    "交费",
    "缴费",
]
