"""The FastAPI application: what every request shares (database, schools, clock, settings),
the session check, the 403 that is logged, rendering, and the security headers.

Routes live in ``login.py`` (links, logout), ``pages.py`` (the pages) and ``monthly.py``
(月报); all read through the school-scoped services in ``bot/reports/`` and ``bot/attendance/``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.chat.render import TEMPLATES_DIR, hm, kind_label, md, weekday
from bot.clock import Clock
from bot.school.context import SchoolContext
from bot.settings import Settings
from bot.web.auth import session_of
from bot.web.scope import Viewer, viewer_of
from storage.enums import WebAccessKind
from storage.models import WebAccess, WebSession

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
COOKIE = "schoolbot_session"


@dataclass
class LoginLimiter:
    """Login attempts per client address in a sliding minute, on the bot's clock."""

    per_minute: int
    _seen: dict[str, deque[dt.datetime]] = field(default_factory=dict)

    def allow(self, who: str, now: dt.datetime) -> bool:
        q = self._seen.setdefault(who, deque())
        while q and now - q[0] >= dt.timedelta(minutes=1):
            q.popleft()
        if len(q) >= self.per_minute:
            return False
        q.append(now)
        if len(self._seen) > 10_000:  # many addresses: forget the idle ones
            for k in [k for k, v in self._seen.items() if not v]:
                del self._seen[k]
        return True


@dataclass
class WebDeps:
    engine: Engine
    schools: dict[str, SchoolContext]
    clock: Clock
    settings: Settings
    title: str  # the deployment's name
    limiter: LoginLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = LoginLimiter(self.settings.web_login_per_minute)

    @property
    def secure_cookie(self) -> bool:
        return self.settings.web_url.startswith("https://")


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def deps_of(request: Request) -> WebDeps:
    deps: WebDeps = request.app.state.deps
    return deps


def open_db(request: Request) -> Iterator[Session]:
    with Session(deps_of(request).engine, expire_on_commit=False) as s:
        yield s


@dataclass
class Visit:
    """One request of a logged-in person: who, their session, the database, the schools."""

    request: Request
    deps: WebDeps
    db: Session
    viewer: Viewer
    ws: WebSession

    @property
    def now(self) -> dt.datetime:
        return self.deps.clock.now()

    def school(self, school_id: str) -> SchoolContext:
        school = self.deps.schools.get(school_id)
        if school is None:
            raise NotFound("没有这个学校")
        return school

    def audit(
        self, kind: WebAccessKind, school_id: str | None = None, student_id: str | None = None, detail: str = ""
    ) -> None:
        self.db.add(
            WebAccess(
                at=self.now,
                wechat_id=self.viewer.wechat_id,
                school_id=school_id,
                kind=kind,
                student_id=student_id,
                path=self.request.url.path,
                detail=detail,
            )
        )
        self.db.commit()

    def deny(self, school_id: str | None, what: str) -> Forbidden:
        """A page outside this person's scope: logged, audited, and a 403 to raise."""
        log.warning(
            "网页越权访问 web page refused: %s（%s）→ %s",
            self.viewer.name,
            self.viewer.wechat_id,
            self.request.url.path,
        )
        self.audit(WebAccessKind.DENIED, school_id, detail=what)
        return Forbidden(what)


def visit(request: Request, db: Session = Depends(open_db)) -> Visit:
    deps = deps_of(request)
    ws = session_of(db, request.cookies.get(COOKIE), deps.clock.now())
    if ws is None:
        raise NotLoggedIn()
    viewer = viewer_of(deps.schools, ws.wechat_id)
    if viewer is None:
        # Once staff, no longer (school.toml changed): the session opens nothing.
        log.warning("网页会话已无权限 web session of someone with no view now: %s", ws.wechat_id)
        raise Forbidden("您现在不在任何学校的可查看名单里（校领导、控辍保学专干、班主任）")
    return Visit(request, deps, db, viewer, ws)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "web"),
        autoescape=True,  # these are HTML pages: every name and reason is escaped
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md=md, hm=hm, weekday=weekday, kind=kind_label)
    return env


ENV = _env()


def render_page(request: Request, template: str, *, status: int = 200, **data: Any) -> HTMLResponse:
    deps = deps_of(request)
    data.setdefault("visit", None)
    data.setdefault("title", deps.title)
    html = ENV.get_template(template).render(site=deps.title, **data)
    return HTMLResponse(html, status_code=status)


def create_app(deps: WebDeps) -> FastAPI:
    from bot.web import login, monthly, pages

    app = FastAPI(title="保学小助手", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.deps = deps
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(login.router)
    app.include_router(pages.router)
    app.include_router(monthly.router)

    @app.exception_handler(NotLoggedIn)
    async def _login_needed(request: Request, _e: NotLoggedIn) -> Response:
        return render_page(request, "login_needed.html.j2", status=401)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, e: Forbidden) -> Response:
        return render_page(request, "forbidden.html.j2", status=403, message=e.message)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, e: NotFound) -> Response:
        return render_page(request, "not_found.html.j2", status=404, message=e.message)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # a login link never leaves in a Referer
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        )
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
