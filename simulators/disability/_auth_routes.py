"""Log-in, log-out and the home menu."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from simulators.disability._gbk import parse_form, render
from simulators.disability._sessions import COOKIE, SessionStore

TIMED_OUT = "会话已超时，请重新登录"
REFUSED = "用户名或密码错误"


def auth_router(*, sessions: SessionStore, env: jinja2.Environment) -> APIRouter:
    router = APIRouter()

    def login_page(message: str, username: str = "") -> Response:
        return render(env, "login.html", user=None, username=username, message=message)

    @router.get("/")
    def root() -> Response:
        """The site's address leads to the menu (or to the log-in page)."""
        return RedirectResponse("/main.do", status_code=302)

    @router.get("/login.do")
    def login_form(msg: str = "") -> Response:
        """登录页面; ?msg=timeout after a session ran out."""
        return login_page(TIMED_OUT if msg == "timeout" else "")

    @router.post("/login.do")
    async def log_in(request: Request) -> Response:
        """Check the account; on success set the session cookie and go to the menu."""
        posted = parse_form(await request.body())
        username = (posted.get("username") or [""])[0].strip()
        password = (posted.get("password") or [""])[0]
        if not username or not password:
            return login_page("请输入用户名和密码", username)
        token = sessions.log_in(username, password)
        if token is None:
            # 200 with the message on the page, as the system of its time does; never 401.
            return login_page(REFUSED, username)
        response = RedirectResponse("/main.do", status_code=302)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
        return response

    @router.get("/logout.do")
    def log_out(request: Request) -> Response:
        """End the session."""
        sessions.log_out(request.cookies.get(COOKIE))
        response = RedirectResponse("/login.do", status_code=302)
        response.delete_cookie(COOKIE)
        return response

    @router.get("/main.do")
    def home(user: Annotated[str, Depends(sessions.current_user)]) -> Response:
        """首页: the menu and the notices."""
        return render(env, "main.html", user=user)

    return router
