"""Every page × every role through FastAPI's TestClient: what each person may open, what is
403 (and logged), and the login link's life (once, 10 minutes, never forged)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, col, select

from bot.reports import digest, monthly
from bot.school.context import SchoolContext
from storage.enums import WebAccessKind
from storage.models import Enrolment, SchoolClass, Student, WebAccess, WebLoginToken
from tests.conftest import OFFICER, PRINCIPAL, WANGFANG
from tests.web.conftest import COOK, HUANG, LUO, TIAN, later

ZHAO = "wxid_demo_zhaolihua"  # 一年级一班


def ids(web, school_id="qingshi"):
    """(class id of 三年级二班, of 一年级一班, enrolment of 王小明 (三年级二班), of someone in 一年级一班)."""
    with Session(web.deps.engine) as s:
        cls = {c.name: c.id for c in s.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))}
        wang = s.exec(
            select(Student).where(
                Student.school_id == school_id, Student.name == "王小明", Student.class_name == "三年级二班"
            )
        ).one()
        other = s.exec(
            select(Student).where(Student.school_id == school_id, Student.class_name == "一年级一班")
        ).first()
        assert other is not None
        eid = {
            e.student_id: e.id
            for e in s.exec(select(Enrolment).where(col(Enrolment.student_id).in_([wang.id, other.id])))
            if e.school_id == school_id
        }
    return cls["三年级二班"], cls["一年级一班"], eid[wang.id], eid[other.id]


def school_pages(sid="qingshi"):
    return [f"/s/{sid}/today", f"/s/{sid}/trend", f"/s/{sid}/cases", f"/s/{sid}/ledger"]


def class_pages(sid, cid):
    return [f"/s/{sid}/c/{cid}/today", f"/s/{sid}/c/{cid}/trend", f"/s/{sid}/c/{cid}/cases"]


@pytest.mark.parametrize("who", [PRINCIPAL, OFFICER, "wxid_demo_yangming"])
def test_a_leader_sees_every_page_of_the_school_and_every_class(web, who):
    own, other, wang, someone = ids(web)
    c = web.login(who)
    assert c.get("/").headers["location"] == "/s/qingshi/today"
    for page in [*school_pages(), *class_pages("qingshi", own), *class_pages("qingshi", other)]:
        r = c.get(page)
        assert r.status_code == 200, (page, r.text[:300])
    for eid in (wang, someone):
        assert c.get(f"/s/qingshi/student/{eid}").status_code == 200
    # one school only: the several-schools table is not theirs
    assert c.get("/all/today").status_code == 403
    assert c.get("/all/trend").status_code == 403


def test_a_head_teacher_sees_her_class_only(web):
    own, other, wang, someone = ids(web)
    c = web.login(WANGFANG)
    assert c.get("/").headers["location"] == f"/s/qingshi/c/{own}/today"
    for page in class_pages("qingshi", own):
        assert c.get(page).status_code == 200, page
    r = c.get(f"/s/qingshi/student/{wang}")
    assert r.status_code == 200 and "王小明" in r.text
    for page in [*school_pages(), *class_pages("qingshi", other), f"/s/qingshi/student/{someone}", "/all/today"]:
        r = c.get(page)
        assert r.status_code == 403, page
        assert "王小明" not in r.text and "不能查看" in r.text
    assert c.get("/s/qingshi/ledger.xlsx?from=2026-11-23&to=2026-11-27").status_code == 403


def test_a_refusal_is_logged_and_audited(web, caplog):
    _own, other, _wang, _someone = ids(web)
    c = web.login(ZHAO)
    with caplog.at_level("WARNING", logger="bot.web.app"):
        assert c.get(f"/s/qingshi/c/{ids(web)[0]}/today").status_code == 403
    assert any("web page refused" in r.getMessage() and ZHAO in r.getMessage() for r in caplog.records)
    with Session(web.deps.engine) as s:
        denied = s.exec(
            select(WebAccess).where(WebAccess.wechat_id == ZHAO, WebAccess.kind == WebAccessKind.DENIED)
        ).all()
    assert denied and denied[-1].path.startswith("/s/qingshi/c/")
    assert c.get(f"/s/qingshi/c/{other}/today").status_code == 200  # her own class


def test_staff_without_a_role_get_no_page(web):
    r = web.client.get(web.link(COOK))
    assert r.status_code == 403
    assert "schoolbot_session" not in r.headers.get("set-cookie", "")


def test_nobody_logged_in_is_told_how_to_log_in(web):
    for page in ["/", *school_pages(), "/s/qingshi/student/1", "/all/today"]:
        r = web.client.get(page)
        assert r.status_code == 401, page
        assert "网页" in r.text and "王小明" not in r.text


def test_a_link_works_once(web):
    link = web.link(PRINCIPAL)
    first = web.client.get(link)
    assert first.status_code == 303
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
    assert "Max-Age=43200" in cookie
    web.client.cookies.clear()
    again = web.client.get(link)
    assert again.status_code == 410 and "已经用过" in again.text and "网页" in again.text
    assert web.client.get("/s/qingshi/today").status_code == 401


def test_a_link_expires_after_ten_minutes(web):
    link = web.link(PRINCIPAL)
    later(web, minutes=10, seconds=1)
    r = web.client.get(link)
    assert r.status_code == 410 and "过期" in r.text
    ok = web.link(PRINCIPAL)
    later(web, minutes=9)
    assert web.client.get(ok).status_code == 303


@pytest.mark.parametrize("forged", ["x", "0" * 43, "tampered"])
def test_a_forged_link_is_refused(web, forged):
    if forged == "tampered":  # a real token with one character changed
        real = web.link(PRINCIPAL)
        forged = real.rsplit("/", 1)[1][:-1] + ("A" if not real.endswith("A") else "B")
    r = web.client.get(f"/login/{forged}")
    assert r.status_code == 404 and "不对" in r.text
    assert web.client.get("/s/qingshi/today").status_code == 401


def test_tokens_are_stored_hashed(web):
    link = web.link(PRINCIPAL)
    token = link.rsplit("/", 1)[1]
    with Session(web.deps.engine) as s:
        rows = s.exec(select(WebLoginToken)).all()
    assert rows and all(token not in (r.token_hash + r.wechat_id) for r in rows)


def test_a_session_lasts_twelve_hours(web):
    c = web.login(PRINCIPAL)
    later(web, hours=11, minutes=59)
    assert c.get("/s/qingshi/today").status_code == 200
    later(web, minutes=2)
    assert c.get("/s/qingshi/today").status_code == 401


def test_logout_needs_the_forms_csrf_token_and_ends_the_session(web):
    c = web.login(PRINCIPAL)
    token = web.csrf()
    assert c.post("/logout", data={"csrf": "wrong"}).status_code == 403
    assert c.post("/logout").status_code == 403
    assert c.get("/s/qingshi/today").status_code == 200  # still logged in
    cookie = c.cookies.get("schoolbot_session")
    r = c.post("/logout", data={"csrf": token})
    assert r.status_code == 200 and "已退出" in r.text
    c.cookies.set("schoolbot_session", cookie)  # the old cookie opens nothing now
    assert c.get("/s/qingshi/today").status_code == 401


def test_login_attempts_are_rate_limited(web):
    for _ in range(web.deps.settings.web_login_per_minute):
        assert web.client.get("/login/nothing").status_code == 404
    assert web.client.get(web.link(PRINCIPAL)).status_code == 429
    later(web, minutes=1)
    assert web.client.get(web.link(PRINCIPAL)).status_code == 303


def test_the_cookie_is_secure_behind_https(demo_db):
    from bot.clock import VirtualClock
    from bot.runtime import Bootstrap, open_database
    from bot.school.config import load_school
    from bot.settings import Settings
    from bot.web.serve import deps_for
    from tests.web.conftest import FRIDAY, Web

    clock = VirtualClock(FRIDAY, "Asia/Shanghai")
    boot = Bootstrap(Settings(db=demo_db, web_url="https://bao.example.cn"), load_school(), open_database(demo_db))
    w = Web(deps_for(boot, clock), clock)
    r = w.client.get(w.link(PRINCIPAL))
    assert "Secure" in r.headers["set-cookie"]


def test_todays_table_has_the_digests_numbers(web):
    c = web.login(PRINCIPAL)
    html = c.get("/s/qingshi/today?day=2026-11-26").text
    with Session(web.deps.engine) as s:
        d = digest.daily(s, web.deps.schools["qingshi"], web.deps.clock.now().date().replace(day=26))
    assert f'data-k="enrolled">{d.enrolled}<' in html
    assert f'data-k="absent">{d.absent_total}<' in html
    assert f'data-k="unexcused">{d.by_kind.get("unexcused", 0)}<' in html
    assert f'data-k="sick">{d.by_kind.get("sick", 0)}<' in html
    assert d.absent_total > 0
    assert html.count("<tr") - 1 == len(web.deps.schools["qingshi"].roster(Session(web.deps.engine)).classes)


def test_the_student_page_shows_the_calendar_and_the_case_and_is_audited(web):
    _own, _other, wang, _ = ids(web)
    c = web.login(PRINCIPAL)
    html = c.get(f"/s/qingshi/student/{wang}").text
    assert "王小明" in html and "三年级二班" in html
    assert 'class="cell unexcused' in html  # days away coloured on the calendar
    assert "劝返记录" in html or "预警" in html
    assert "G5303" not in html.split("<main>")[0]  # no 学籍号 in the address bar or the header
    with Session(web.deps.engine) as s:
        seen = s.exec(select(WebAccess).where(WebAccess.kind == WebAccessKind.STUDENT_VIEW)).all()
    assert any(a.wechat_id == PRINCIPAL and a.student_id and a.school_id == "qingshi" for a in seen)


def test_the_ledger_downloads_as_the_export_writes_it_and_is_audited(web):
    import io

    from openpyxl import load_workbook

    c = web.login(PRINCIPAL)
    r = c.get("/s/qingshi/ledger.xlsx?from=2026-11-23&to=2026-11-27")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:4] == ["缺勤台账", "预警与劝返", "劝返记录", "班级每日统计"]
    assert any(row[1] == "王小明" for row in wb["缺勤台账"].iter_rows(min_row=2, values_only=True))
    with Session(web.deps.engine) as s:
        got = s.exec(select(WebAccess).where(WebAccess.kind == WebAccessKind.DOWNLOAD)).all()
    assert got and "2026-11-23" in got[-1].detail
    bad = c.get("/s/qingshi/ledger.xlsx?from=2026-11-27&to=2026-11-01")
    assert bad.status_code == 200 and "开始日期" in bad.text


def test_cases_page_lists_the_open_case_with_its_timeline(web):
    c = web.login(OFFICER)
    html = c.get("/s/qingshi/cases").text
    assert "未返校 1 人" in html and "王小明" in html
    assert "劝返记录" in html  # the home visit of the demo week


def test_unknown_school_class_or_student_is_404(web):
    c = web.login(PRINCIPAL)
    assert c.get("/s/nowhere/today").status_code == 404
    assert c.get("/s/qingshi/c/99999/today").status_code == 404
    assert c.get("/s/qingshi/student/99999").status_code == 404


# -- several schools --------------------------------------------------------------------


def test_a_cross_school_leader_sees_every_school_in_one_table(web2):
    c = web2.login(HUANG)
    assert c.get("/").headers["location"] == "/all/today"
    html = c.get("/all/today").text
    assert "青石镇中心小学" in html and "石门村完全小学" in html
    assert c.get("/all/trend").status_code == 200
    for sid in ("qingshi", "shimen"):
        for page in school_pages(sid):
            assert c.get(page).status_code == 200, page


def test_one_schools_people_see_nothing_of_the_other(web2):
    q_own, _q_other, q_wang, _ = ids(web2, "qingshi")
    c = web2.login(LUO)
    assert c.get("/").headers["location"] == "/s/shimen/today"
    for page in [
        *school_pages("qingshi"),
        *class_pages("qingshi", q_own),
        f"/s/qingshi/student/{q_wang}",
        "/all/today",
    ]:
        assert c.get(page).status_code == 403, page
    web2.client.cookies.clear()
    c = web2.login(TIAN)  # shimen's 三年级二班 head teacher and officer: shimen only
    assert c.get("/s/shimen/today").status_code == 200
    assert c.get("/s/qingshi/today").status_code == 403


def test_a_class_id_of_another_school_is_not_found_there(web2):
    q_own, *_ = ids(web2, "qingshi")
    c = web2.login(LUO)
    assert c.get(f"/s/shimen/c/{q_own}/today").status_code == 404


def test_leaders_table_has_each_schools_digest_numbers(web2):
    c = web2.login(HUANG)
    html = c.get("/all/today?day=2026-11-26").text
    with Session(web2.deps.engine) as s:
        for sid, school in web2.deps.schools.items():
            d = digest.daily(s, school, web2.clock.now().date().replace(day=26))
            row = html.split(f'href="/s/{sid}/today"')[1].split("</tr>")[0]
            assert f"<td>{d.enrolled}</td><td>{d.enrolled - d.absent_total}</td>" in row
            assert f"<td>{d.by_kind.get('unexcused', 0)}</td>" in row
    assert isinstance(next(iter(web2.deps.schools.values())), SchoolContext)


def test_schoolbot_audit_lists_the_pages_views_and_downloads(web):
    from bot.reports.audit import trail

    _own, _other, wang, _ = ids(web)
    c = web.login(WANGFANG)
    assert c.get(f"/s/qingshi/student/{wang}").status_code == 200
    school = web.deps.schools["qingshi"]
    with Session(web.deps.engine) as s:
        from storage.models import Enrolment

        student_id = s.get(Enrolment, wang).student_id
        lines = trail(s, school, student_id=student_id)
        mine = trail(s, school, sender_id=WANGFANG)
    assert any(line.source == "网页" and line.who == "王芳" and "查看学生记录" in line.what for line in lines)
    assert any(line.source == "网页" for line in mine)
    assert [line.at for line in lines] == sorted(line.at for line in lines)


# -- 月报 ----------------------------------------------------------------------------------


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def _expected(f) -> dict[str, str]:
    def pct(v):
        return "—" if v is None else f"{100 * v:.2f}%"

    return {
        "roll_start": str(f.roll_start),
        "roll_end": str(f.roll_end),
        "out_of_school": str(len(f.out_of_school)),
        "home_teaching": str(len(f.home_teaching)),
        "cases_opened": str(f.cases_opened),
        "cases_closed": str(f.cases_closed),
        "transfers_in": str(f.transfers_in),
        "transfers_out": str(f.transfers_out),
        "expected": str(f.expected),
        "present": str(f.present),
        "attendance": pct(f.attendance),
        "dropout_rate": pct(f.dropout_rate),
        "consolidation": pct(f.consolidation),
    }


def test_the_monthly_page_shows_the_monthly_reports_figures(web):
    own, *_ = ids(web)
    school = web.deps.schools["qingshi"]
    c = web.login(PRINCIPAL)
    html = c.get("/s/qingshi/monthly").text  # the demo week's month, to today (Friday 27th)
    assert "2026年11月" in html and 'href="/s/qingshi/monthly"' in html  # in the navigation
    with Session(web.deps.engine) as s:
        report = monthly.monthly(s, school, dt.date(2026, 11, 1), dt.date(2026, 11, 27))
        mine = monthly.of_classes(report, {"三年级二班"})
    assert report.school.expected > 0 and report.school.out_of_school  # the demo week has a case
    assert _figures(html) == _expected(report.school)
    for line in report.classes:
        row = html.split(f'data-class="{line.name}"')[1].split("</tr>")[0]
        assert f"{line.roll_start}→{line.roll_end}" in row
    for o in report.school.out_of_school:
        assert o.student.name in html and o.reason in html
    assert c.get("/s/qingshi/monthly?month=2026-11").text == html  # the picker's value, the same page
    # the month's 台账, from the export service
    link = re.search(r'href="(/s/qingshi/ledger\.xlsx\?from=2026-11-01&amp;to=2026-11-27)"', html)
    assert link
    got = c.get(link.group(1).replace("&amp;", "&"))
    assert got.status_code == 200 and got.content[:2] == b"PK"
    # her class: the class's figures, as 本月月报 answers her in chat
    c.cookies.clear()
    c = web.login(WANGFANG)
    html = c.get(f"/s/qingshi/c/{own}/monthly").text
    assert _figures(html) == _expected(mine.school)
    assert "ledger.xlsx" not in html and f'href="/s/qingshi/c/{own}/monthly"' in html


def test_the_month_picker_offers_the_terms_months_and_refuses_a_bad_one(web):
    c = web.login(PRINCIPAL)
    html = c.get("/s/qingshi/monthly?month=2026-10").text
    assert '<option value="2026-10" selected>' in html and '<option value="2026-09"' in html
    assert '<option value="2026-12"' not in html  # not begun
    for bad in ("2026-13", "十一月", "2026-1", "2027-05", "2026-08"):
        r = c.get("/s/qingshi/monthly", params={"month": bad})
        assert r.status_code == 400, bad
        assert "月" in r.text and 'class="warn"' in r.text and "data-figure" not in r.text
        assert '<option value="2026-11"' in r.text  # the picker stays, to choose again


def test_a_head_teacher_gets_403_for_another_classs_or_the_schools_month(web, caplog):
    own, other, *_ = ids(web)
    c = web.login(WANGFANG)
    assert c.get(f"/s/qingshi/c/{own}/monthly").status_code == 200
    with caplog.at_level("WARNING", logger="bot.web.app"):
        for page in (f"/s/qingshi/c/{other}/monthly", "/s/qingshi/monthly", "/all/monthly"):
            r = c.get(page)
            assert r.status_code == 403 and "不能查看" in r.text, page
    assert sum("web page refused" in r.getMessage() for r in caplog.records) == 3


def test_monthly_across_schools(web2):
    c = web2.login(HUANG)
    html = c.get("/all/monthly").text
    with Session(web2.deps.engine) as s:
        for sid, school in web2.deps.schools.items():
            r = monthly.monthly(s, school, dt.date(2026, 11, 1), dt.date(2026, 11, 27))
            row = html.split(f'data-school="{sid}"')[1].split("</tr>")[0]
            assert f"{r.school.roll_start}→{r.school.roll_end}" in row
            assert c.get(f"/s/{sid}/monthly").status_code == 200
    web2.client.cookies.clear()
    c = web2.login(TIAN)  # shimen's head teacher and officer
    assert c.get("/s/shimen/monthly").status_code == 200
    assert c.get("/s/qingshi/monthly").status_code == 403
    q_own, *_ = ids(web2, "qingshi")
    assert c.get(f"/s/qingshi/c/{q_own}/monthly").status_code == 403
