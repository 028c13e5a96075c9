"""Words the FAQ matcher knows (data only): fillers, dialect and synonyms, policy terms.

Kept apart from the code so a school or a maintainer can extend the language without
touching the matcher. Everything here is simplified Chinese: the text is converted
before these tables are used.
"""
from __future__ import annotations

# Said before or around a question; they carry no meaning for the topic.
# Longest first matters only for readability: normalize sorts them.
FILLERS = (
    "喂", "老师您好", "老师你好", "老师好", "老师们", "老师", "您好", "你好", "大家好", "在吗", "在不在",
    "我问一下", "我想问一下", "想问一下", "想问下", "问一下", "问下", "问哈", "问一哈", "请问一下", "请问",
    "打扰一下", "打扰了", "打扰", "麻烦问一下", "麻烦问下", "麻烦一下", "麻烦", "咨询一下", "咨询下",
    "那个", "这个", "就是说", "就是", "然后", "嗯嗯", "嗯", "呃", "额", "哎", "唉", "哈喽", "小助手", "助手",
    "保学小助手", "机器人",
)

# Dialect, colloquial and near-synonym wording → one canonical form (applied to the
# text, longest first). Only replacements that keep the meaning in a school-aid context.
SYNONYMS = {
    # who
    "娃娃": "孩子", "娃儿": "孩子", "娃子": "孩子", "小娃": "孩子", "娃": "孩子", "小孩子": "孩子", "小孩": "孩子",
    "崽崽": "孩子", "伢子": "孩子", "细伢": "孩子", "儿女": "孩子", "子女": "孩子", "小朋友": "孩子",
    "屋头": "家里", "屋里": "家里",
    # what / how / how much / when / who
    "啥子": "什么", "么子": "什么", "么得": "什么", "撒子": "什么", "啥": "什么", "甚么": "什么", "哪样": "什么",
    "咋个": "怎么", "咋子": "怎么", "咋样": "怎么样", "咋办": "怎么办", "咋": "怎么", "怎样": "怎么", "如何": "怎么",
    "好多钱": "多少钱", "几多钱": "多少钱", "几块钱": "多少钱", "几块": "多少钱", "好多": "多少", "几多": "多少",
    "多少块": "多少钱", "好久": "什么时候", "啥时候": "什么时候", "什么时间": "什么时候", "几时": "什么时候",
    "哪天": "什么时候", "哪个时候": "什么时候", "几月份": "几月",
    "找哪个": "找谁", "找哪位": "找谁", "问哪个": "找谁", "问谁": "找谁",
    "莫得": "没有", "没得": "没有", "冇": "没有", "晓得": "知道", "嘛": "吗", "不咯": "吗",
    "不愿意": "不想", "不肯": "不想", "不愿": "不想",
    # school words
    "读书": "上学", "念书": "上学", "上学堂": "上学", "读初中": "初中", "读小学": "小学",
    "住读": "住校", "寄宿": "住校", "住宿生": "住校生", "寄宿生": "住校生", "走读生": "走读", "非寄宿": "走读",
    "中专": "中职", "职高": "中职", "职中": "中职", "职校": "中职", "技校": "中职", "职业学校": "中职",
    "职业高中": "中职", "技工学校": "中职", "中等职业": "中职", "卫校": "中职",
    "普高": "高中", "普通高中": "高中",
    "大专": "大学", "读大学": "大学", "本科": "大学", "专科": "大学",
    "幼稚园": "幼儿园", "托儿所": "幼儿园", "学前班": "幼儿园",
    # money
    "补贴": "补助", "资助金": "补助", "补助金": "补助", "补助款": "补助", "资助款": "补助", "补助费": "补助",
    "救助": "补助", "扶贫款": "补助", "贫困补助": "困难补助",
    "社保卡": "银行卡", "一卡通": "银行卡", "惠民卡": "银行卡", "存折": "银行卡", "卡上": "卡里",
    "打到卡": "到账", "到卡": "到账", "到账没": "到账", "进卡": "到账",
    # aid words
    "建卡户": "建档立卡", "建档户": "建档立卡", "贫困户": "建档立卡", "精准扶贫户": "建档立卡",
    "脱贫家庭": "脱贫户", "监测户": "监测对象", "防返贫监测": "监测对象", "边缘户": "监测对象",
    "营养午餐": "营养餐", "营养早餐": "营养餐", "营养饭": "营养餐", "爱心午餐": "营养餐",
    "免费午餐": "营养餐", "免费早餐": "营养餐", "蛋奶工程": "营养餐",
    "心理咨询": "心理辅导", "心理老师": "心理辅导", "心理医生": "心理辅导",
    "假条": "请假条", "请个假": "请假", "请下假": "请假", "告假": "请假",
    "教材": "课本", "教科书": "课本", "书本费": "课本费", "书费": "课本费",
    "户口簿": "户口本", "户口薄": "户口本",
    "离婚": "离异", "单亲家庭": "单亲", "没有妈妈": "单亲", "没有爸爸": "单亲", "没妈": "单亲", "没爹": "单亲",
    "没有爹妈": "孤儿", "父母双亡": "孤儿", "没爹没妈": "孤儿",
    "怎么弄": "怎么办理", "怎么搞": "怎么办理", "咋弄": "怎么办理", "咋搞": "怎么办理", "怎么办手续": "怎么办理",
    "智障": "智力残疾", "弱智": "智力残疾", "智力障碍": "智力残疾", "聋哑": "聋", "失明": "盲",
    # a named place far away: studying there is studying 外地
    "深圳": "外地", "广州": "外地", "东莞": "外地", "佛山": "外地", "中山": "外地", "惠州": "外地", "珠海": "外地",
    "厦门": "外地", "泉州": "外地", "福州": "外地", "杭州": "外地", "宁波": "外地", "温州": "外地", "义乌": "外地",
    "苏州": "外地", "无锡": "外地", "南京": "外地", "上海": "外地", "北京": "外地", "天津": "外地",
    "广东": "外地", "浙江": "外地", "福建": "外地", "江苏": "外地", "新疆": "外地",
    "县城": "城里", "镇上": "城里",
}

# Policy terms: kept whole by the segmenter, and repaired when a homophone or a
# one-character slip changed them (营养参 → 营养餐, 两兔一补 → 两免一补).
TERMS = (
    "两免一补", "免学杂费", "学杂费", "免费课本", "营养餐", "营养改善计划", "课间加餐",
    "生活补助", "困难补助", "家庭经济困难", "困难认定", "住校生", "走读",
    "雨露计划", "建档立卡", "脱贫户", "监测对象", "防返贫", "低保户", "特困供养", "孤儿",
    "助学贷款", "生源地", "信用助学贷款", "新生入学资助", "国家助学金", "助学金", "奖学金", "国家奖学金",
    "送教上门", "留守儿童", "留守儿童之家", "亲情电话", "心理辅导", "心理健康", "随班就读", "特殊教育",
    "残疾证", "残疾人", "义务教育", "义务教育法", "控辍保学", "辍学", "劝返", "休学", "缓学",
    "保育教育费", "保教费", "幼儿园", "学前教育", "中职", "高职", "技师学院", "教育扶贫基金", "爱心捐赠",
    "资助中心", "学生资助管理中心", "资助专干", "资助办", "请假条", "请假", "申请表", "户口本", "低保证",
    "到账", "银行卡", "农业农村局", "乱收费", "学籍", "转学", "外省", "外地",
)

# Two-character terms that a homophone slip may reach (请家 → 请假); only repaired when
# the slip is not itself a real word.
SHORT_TERMS = ("请假", "学费", "补助", "资助", "贷款", "残疾", "留守", "心理", "辍学", "捐款", "捐赠", "雨露")

# Aid subjects that belong to no one topic: with them a message is about student aid,
# even when it names no topic keyword (补助好久发下来).
AID_WORDS = ("补助", "资助", "助学金", "奖学金", "减免", "免费", "优惠政策", "政策", "学费", "贫困生", "困难生")

# Single characters that mean something on their own in an aid question; any other
# lone character (上, 去, 拿) is dropped from the ranking.
SINGLE_CHARS = frozenset("钱 免 补 捐 罚 瘫 穷 卡 贷 聋 哑 盲 残 费 假 餐 奶 蛋 病 法 打 填 领 发 告 扣 买 哭 评".split())

# Words with no topic meaning (after synonyms); questions and negations are kept
# elsewhere as a signal.
STOPWORDS = frozenset(
    "的 了 是 我 我们 咱 咱们 你 您 你们 他 她 它 他们 吗 呢 啊 吧 哦 噢 呀 哈 啦 嘞 咯 喔 哟 嗯 么 "
    "就 都 也 还 又 再 在 和 跟 与 及 给 把 被 让 这 那 这个 那个 一个 个 些 这些 那些 一下 下 "
    "请问 问 问问 想 想问 知道 一 有 没 不 是不是 有没有 能 能不能 可以 可不可以 会 要 要不要 "
    "家 我家 自己 现在 今年 去年 明年 国家 学校 孩子 上学 学生 家长 老师 具体 一般 那么 这么 什么 怎么 "
    "谢谢 好 好的 啊 吧 呗 噻 哇 嘛 哒 滴 撒 嗦 喃 安 哪 哪里 咧 呐 之 其 对 为 从 到 着 过 等 还是 或者 "
    "所以 因为 如果 但是 可是 而且 已经 刚刚 刚 然后 时候".split()
)

# Thanks and acknowledgements: a message with one that asks nothing is chit-chat
# whatever else it says (营养餐通知收到, 补助收到了 谢谢学校). 没收到 is one word: not here.
THANKS = frozenset("谢谢 感谢 多谢 谢了 谢啦 感恩 谢谢您 谢谢你 辛苦 辛苦了 "
                   "收到 收到了 已收到 已阅 知道了 明白了 晓得了 好的".split())

# A message made only of these is chit-chat (acknowledgement, thanks, greeting).
CHITCHAT = frozenset(
    "收到 收 到 好 好的 好滴 好嘞 好哒 好勒 行 可以 ok okay 嗯 嗯嗯 哦 噢 哦哦 喔 额 谢谢 谢 多谢 感谢 谢啦 "
    "谢了 辛苦 辛苦了 辛苦啦 老师 老师们 您 你 大家 明白 明白了 知道 知道了 晓得 晓得了 了解 了 啦 的 已 阅 已阅 "
    "要得 没问题 对 是 是的 对的 没错 1 11 111 哈 哈哈 哈哈哈 呵呵 嘿嘿 早 早上好 上午好 中午好 下午好 晚上好 "
    "晚安 早安 您好 你好 好好 加油 赞 棒 真棒 点赞 感恩 感激 不客气 客气 麻烦 麻烦了 费心 费心了 操心 操心了 "
    "非常 太 真 很 谢谢您 谢谢你 一直 以来 关心 关照 照顾 付出 呀 啊 哇 吧 呢 嘛 哟 嘞 咯 啰 罗 在 在吗 在不在 "
    "okk 嗯呢 嗯啊 行的 可以的 好吧 好呀 好啊 好哦 好嘛 ok了 明白啦 收到了 收到啦 已收到 已经 都 也 一定 会 "
    "配合 积极 支持 工作".split()
)

# Words that ask something. A message without any is a statement: never answered
# unprompted in a group.
QUESTION_MARKERS = (
    "?", "吗", "么", "呢", "什么", "怎么", "多少", "几", "哪", "谁", "有没有", "是不是", "请问", "问一下",
    "问下", "想问", "咨询", "了解一下", "咋", "啥", "好多", "好久", "如何", "怎样", "多久", "何时", "几时",
    "能否", "可否", "还是", "多大", "多久", "多长时间",
)

# Asking about one child's day (attendance, behaviour, marks): only the head teacher
# can answer, and never in the group. Regular expressions over the normalised text.
CHILD_STATUS = (
    # has (s)he arrived / left / eaten … ? — a completion asked about
    r"(到校|到学校|来学校|去学校|进校|到了|来了|回家|回来|放学|走了|吃饭|吃了|出校门?)了?"
    r"\s*(没有|没|吗|么|不|了没|没得|莫得|了吗|了不)",
    r"在(不在)?学校(吗|没|不|乖|听话|好不好|怎么样)",
    # how is (s)he doing
    r"表现|成绩|考得|考了|分数|多少分|排名|作业(?!本)|乖不乖|听话不|听不听话|调皮|打架|挨打|挨批|被批评|被骂",
)

# Whether one child got something (评上了没有, 名单上有没有他): a question about that
# child's file, for the head teacher, not for a policy text in the group.
CHILD_RESULT = (
    r"(我家|我们家|我的|我儿子|我女儿|我孙子|我孙女|我侄|他家|她家)[^,，。?？]{0,8}"
    r"(评上|评到|选上|批了|批下来|通过了|审核过|名单上|名单里|有没有(他|她|我家)|有(他|她)没|算不算上)",
)

# What is on the plate today, and school events, are school life, not aid policy
# (营养餐今天吃什么, 家长会可以请假吗).
MEAL_CONTENT = (
    r"吃(的)?(什么|啥)|什么菜|饭菜|好不好吃|够不够吃|吃得饱|吃不饱|吃饱|有没有肉|几个菜|菜谱|食谱|口味|太咸|太淡|"
    r"哪家(公司|配送)|谁做的|不新鲜|变质|剩饭|(有没有|有木有)(鸡蛋|牛奶|肉|水果|菜)|"
    r"(鸡蛋|牛奶|肉|水果)(有没有|吗)|不爱(吃|喝)|不想(吃|喝)|不喝|不吃|太少|太多|吃不完|"
    r"(今天|明天|中午|早上|今早|昨天)的?营养餐|是熟的|是生的|没熟|不熟|(饭|菜|汤|餐|奶)(是)?(冷|凉|热|烫)的|"
    r"好吃|难吃|新鲜|卫生|干净|"
    # other school life: meetings, events, check-ups
    r"家长会|运动会|开学典礼|升旗|体检|疫苗|接种|春游|秋游|研学|演出|六一|元旦晚会",
)

# Subsidies that are not the school's (farming, health, pensions): a question about
# them is outside the FAQ even when it says 补贴 or 发了没有.
OFF_TOPIC = (
    "种植", "种粮", "农业", "惠农", "粮补", "粮食", "耕地", "地力", "农机", "养殖", "母猪", "退耕", "生态补偿", "林补", "医保", "医疗保险",
    "养老", "高龄", "危房", "社保费", "新农合", "低保金",
)
