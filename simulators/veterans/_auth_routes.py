"""Log-in with an image CAPTCHA, log-out, and the frame set a session opens on."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

import itertools
from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from simulators._html import render
from simulators.veterans._captcha import draw
from simulators.veterans._challenges import LOGIN_COOKIE, Challenges
from simulators.veterans._sessions import COOKIE, Session, SessionStore

CAPTCHA_WRONG = "验证码错误"
LOGIN_FAILED = "用户名或密码错误"
SESSION_EXPIRED = "会话已过期，请重新登录"


def auth_router(
    *, sessions: SessionStore, challenges: Challenges | None, env: jinja2.Environment
) -> APIRouter:
    """challenges None: the log-in form has no CAPTCHA (a switch for tests)."""
    router = APIRouter()
    CurrentSession = Annotated[Session, Depends(sessions.current)]
    # Makes each image URL new, so that no browser shows a cached picture of an old code.
    serials = itertools.count(1)

    def login_form(request: Request, *, username: str, error: str) -> Response:
        if challenges is None:
            return render(env, "login.html", username=username, error=error, captcha_serial=None)
        # Every showing of the form, first or after a failure, comes with a new code.
        token = challenges.issue(request.cookies.get(LOGIN_COOKIE))
        page = render(
            env, "login.html", username=username, error=error, captcha_serial=next(serials)
        )
        page.headers["Cache-Control"] = "no-store"
        page.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="lax")
        return page

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, expired: bool = False) -> Response:
        """登录页面."""
        return login_form(request, username="", error=SESSION_EXPIRED if expired else "")

    @router.get("/login/captcha.png")
    def captcha_image(request: Request) -> Response:
        """The CAPTCHA of this browser's log-in, drawn afresh (same code, new noise)."""
        code = challenges.code(request.cookies.get(LOGIN_COOKIE)) if challenges else None
        if code is None:
            return Response(status_code=404)
        return Response(draw(code), media_type="image/png", headers={"Cache-Control": "no-store"})

    @router.post("/login", response_class=HTMLResponse)
    def log_in(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        captcha: Annotated[str, Form()] = "",
    ) -> Response:
        """Check the CAPTCHA, then the account; on success open a session on the frame set."""
        # The code first: a wrong one says nothing about the password.
        if challenges is not None and not challenges.solve(
            request.cookies.get(LOGIN_COOKIE), captcha
        ):
            return login_form(request, username=username, error=CAPTCHA_WRONG)
        token = sessions.log_in(username, password)
        if token is None:
            # The legacy system answers 200 with the message on the page, not 401.
            return login_form(request, username=username, error=LOGIN_FAILED)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @router.get("/logout")
    def log_out(request: Request) -> Response:
        """End the session."""
        sessions.log_out(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @router.get("/", response_class=HTMLResponse)
    def home(session: CurrentSession) -> Response:
        """首页: banner, menu, and the work area in <iframe name="main">."""
        return render(env, "index.html", user=session.user)

    @router.get("/welcome", response_class=HTMLResponse)
    def welcome(session: CurrentSession) -> Response:
        """The work area's first page."""
        return render(env, "welcome.html")

    return router
