"""match(text) -> Match(topic, score, candidates, reason): thresholds and close calls."""

from __future__ import annotations

from bot.faq import matcher as M


def test_issue_examples(matcher):
    for text, topic in [
        ("营养餐多少钱", "nutrition_meal"),
        ("喂老师我问一下那个营养参的钱是一天几块钱", "nutrition_meal"),
        ("两兔一补 具体免哪两样", "two_exemptions_one_subsidy"),
        ("娃在读中职 国家有啥子补助", "vocational_aid"),
        ("請假要找誰", "leave_procedure"),
    ]:
        m = matcher.match(text)
        assert (m.topic, m.reason) == (topic, "answered"), text
        assert matcher.match(text, unprompted=True).topic == topic, text


def test_not_questions(matcher):
    for text in ("收到", "谢谢老师", "明天几点放学", "我家孩子今天到校没有"):
        for unprompted in (False, True):
            assert matcher.match(text, unprompted=unprompted).topic is None, text


def test_score_is_between_0_and_1_and_reported(matcher):
    m = matcher.match("雨露计划怎么申请呢")
    assert 0 < m.score < 1 and m.candidates[0] == "yulu_plan"
    assert m.to_json() == {"topic": "yulu_plan", "score": round(m.score, 3), "candidates": list(m.candidates)}


def test_unprompted_needs_more(matcher):
    text = "孩子情绪不稳定动不动就哭"  # no aid subject named, not asked: only when addressed
    assert matcher.match(text, unprompted=True).topic is None
    assert M.UNPROMPTED > M.ANSWER


def test_unprompted_statement_with_a_topic_stays_quiet(matcher):
    m = matcher.match("营养餐的通知我看了", unprompted=True)
    assert m.topic is None and m.reason == "below_threshold"


def test_close_call_is_ambiguous_with_two_candidates(matcher):
    m = matcher.match("在外地上学两免一补还有吗")
    assert m.reason == "ambiguous" and set(m.candidates) == {"study_elsewhere", "two_exemptions_one_subsidy"}
    assert m.topic == m.candidates[0]
    u = matcher.match("在外地上学两免一补还有吗", unprompted=True)
    assert u.topic is None and u.reason == "ambiguous"


def test_long_paste_is_not_answered_unprompted(matcher):
    text = "营养餐一天多少钱？" + "这是转发的通知内容。" * 40
    assert matcher.match(text, unprompted=True).topic is None


def test_below_threshold_has_no_topic(matcher):
    m = matcher.match("学校食堂承包给哪家了")
    assert m.topic is None and m.reason == "below_threshold"


def test_squash():
    assert M.squash(0) == 0 and M.squash(M.HALF) == 0.5 and M.squash(1e9) < 1
