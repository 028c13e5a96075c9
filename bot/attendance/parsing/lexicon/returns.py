"""Words that say a student is back, or will come (a future arrival that ends an absence)."""

from __future__ import annotations

# -- returns -----------------------------------------------------------------------------
# Strong: a return wherever they stand in the clause.
RETURN_STRONG = [
    "返校",
    "回校",
    "回学校了",
    "回到学校",
    "回到学校了",
    "来学校上课了",
    "坚持来上课",
    "坚持上课",
    "坚持到校",
    "带病上课",
    "带病坚持",
    "已到校",
    "到校了",
    "复学",
    "销假",
    "回来上课",
    "回来上学",
    "来上课了",
    "来上学了",
    "来学校了",
    "正常上课了",
    "正常到校",
    "按时到校",
    "恢复上课",
]
# Weak: only right after the name / a date / an adverb ("王小明今天来了", not "打电话来了").
RETURN_WEAK = ["来了", "到了", "回来了", "来上课", "来上学", "上学了", "上课了", "到校", "已来", "已到", "在了"]
RETURN_ADVERBS = [
    "已经",
    "已",
    "也",
    "都",
    "就",
    "又",
    "终于",
    "今天",
    "正常",
    "按时",
    "准时",
    "早就",
    "都已经",
    "也已经",
    "已经正常",
    "刚刚",
    "刚",
    "现在",
    "同学",
    "这孩子",
    "孩子",
]
# A future arrival that ends an absence: 明天就来, 下周一回来上课.
ARRIVE = [
    "回来上课",
    "回来上学",
    "来上课",
    "来上学",
    "回学校",
    "来学校",
    "回来",
    "返校",
    "回校",
    "到校",
    "上学",
    "上课",
    "过来",
    "来",
    "送他来",
    "送她来",
    "送来",
    "送回来",
    "送过来",
    "送到学校",
    "送回学校",
    "带他来",
    "带她来",
]

# Getting better: said of a child coming back ("烧退了今天来了"), never an absence itself.
RECOVERED = ["烧退了", "退烧了", "烧退", "退烧", "病好了", "病好", "好多了", "好些了", "康复了", "好了"]
