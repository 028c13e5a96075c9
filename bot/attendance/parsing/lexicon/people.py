"""Words about people and the shape of a message: titles, family members, surnames, words that
are not names, greetings, the bot's names, clause punctuation."""

from __future__ import annotations

# -- people --------------------------------------------------------------------------
TITLES = ["老师", "校长", "主任", "书记", "老板", "师傅", "医生", "叔叔", "阿姨", "村长", "支书", "干部"]
# Family members: an illness said of one of them ("他奶奶生病要照顾") is a family matter.
KIN = [
    "家长",
    "妈妈",
    "爸爸",
    "奶奶",
    "爷爷",
    "外婆",
    "外公",
    "姥姥",
    "姥爷",
    "妈",
    "爸",
    "姐姐",
    "哥哥",
    "叔",
    "婶",
    "舅舅",
    "监护人",
    "家里",
]
COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "慕容",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "西门",
    "端木",
    "独孤",
    "南宫",
    "呼延",
    "澹台",
]
# Common surnames whose character is not also an everyday function word.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔"
    "汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂"
    "苗谷盛翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆农卓吉缪简项芦麦褚娄窦戚岑党宫费卜冷晏席卫米柏"
    "瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝匡鞠荆冀郁胥栗燕楚鄢谌奚皮粟冼蔺"
)
# Characters that never stand inside a name in a report (function words).
NOT_IN_NAME = set("的了是在有都也没不和就还说要会去来到过把被给让我你他她它们这那个吗呢吧啊哦嗯么请假病号")
# Words that start with a surname character but are people words, not names.
NOT_NAMES = {
    "孙子",
    "孙女",
    "小孩",
    "孩子",
    "同学",
    "学生",
    "家长",
    "老师",
    "大家",
    "宝宝",
    "儿子",
    "女儿",
    "姐弟",
    "兄弟",
    "姐妹",
    "全班",
    "全体",
    "程度",
    "方面",
    "方便",
    "周末",
    "高兴",
    "文明",
    "谢谢",
}

GREETINGS = [
    "各位老师好",
    "各位家长好",
    "各位领导好",
    "各位同事好",
    "各位好",
    "大家好",
    "老师好",
    "老师们好",
    "领导好",
    "您好",
    "你好",
    "早上好",
    "上午好",
    "下午好",
    "晚上好",
    "早安",
    "打扰了",
    "打扰一下",
    "报告",
    "汇报一下",
    "汇报",
    "通报一下",
]
BOT_NAMES = ["保学小助手", "小助手"]

# Clause punctuation (after NFKC: full-width forms are already ASCII).
LIST_SEP_CHARS = "、,/ "
CLAUSE_SEPS = ",;。!?\n:|…"
STRONG_SEPS = ";。!?\n"
