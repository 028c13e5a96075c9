"""Login links, the landing page and logout."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from bot.web.app import COOKIE, Forbidden, Visit, deps_of, open_db, render_page, visit
from bot.web.auth import Opened, Refusal, csrf_ok, end, redeem
from bot.web.scope import viewer_of
from storage.enums import WebAccessKind
from storage.models import WebAccess

log = logging.getLogger(__name__)
router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/login/{token}")
def login(token: str, request: Request, db: Session = Depends(open_db)) -> Response:
    deps = deps_of(request)
    now = deps.clock.now()
    if not deps.limiter.allow(_client(request), now):
        log.warning("网页登录过于频繁 too many login attempts from %s", _client(request))
        return render_page(request, "too_many.html.j2", status=429)
    got = redeem(db, token, now, deps.settings.web_session_hours)
    if not isinstance(got, Opened):
        db.add(WebAccess(at=now, kind=WebAccessKind.LINK_REFUSED, path="/login/…", detail=str(got)))
        db.commit()
        status = 404 if got == Refusal.UNKNOWN else 410
        return render_page(
            request, "link_refused.html.j2", status=status, why=got, minutes=deps.settings.web_link_minutes
        )
    viewer = viewer_of(deps.schools, got.session.wechat_id)
    if viewer is None:
        db.rollback()
        log.warning("网页登录被拒 login refused, not staff with a view: %s", got.session.wechat_id)
        raise Forbidden("这个微信号现在不在学校的可查看名单里（校领导、控辍保学专干、班主任）")
    db.add(
        WebAccess(
            at=now, wechat_id=viewer.wechat_id, kind=WebAccessKind.LOGIN, path="/login/…", detail=_client(request)
        )
    )
    db.commit()
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        got.cookie,
        max_age=deps.settings.web_session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=deps.secure_cookie or request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/")
def home(v: Visit = Depends(visit)) -> Response:
    """Each person's first page: all their schools, their school, or their class."""
    viewer = v.viewer
    if viewer.over_several:
        return RedirectResponse("/all/today", status_code=303)
    sid, view = next(iter(viewer.views.items()))
    if viewer.sees_school(sid):
        return RedirectResponse(f"/s/{sid}/today", status_code=303)
    from bot.reports.overview import class_ids

    cid = class_ids(v.db, sid).get(view.class_name or "")
    if cid is None:
        raise Forbidden(f"名单里还没有您带的班级（{view.class_name}）")
    return RedirectResponse(f"/s/{sid}/c/{cid}/today", status_code=303)


@router.post("/logout")
def logout(v: Visit = Depends(visit), csrf: str | None = Form(None)) -> Response:
    if not csrf_ok(v.ws, csrf):
        raise v.deny(None, "退出登录的表单已过期，请刷新页面再试")
    end(v.db, v.ws, v.now)
    v.audit(WebAccessKind.LOGOUT)
    response = render_page(v.request, "logged_out.html.j2")
    response.delete_cookie(COOKIE, path="/")
    return response
