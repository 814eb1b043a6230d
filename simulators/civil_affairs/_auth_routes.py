"""Log-in, log-out and the home menu."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from simulators._html import render
from simulators.civil_affairs._sessions import COOKIE, SessionStore


def auth_router(*, sessions: SessionStore, env: jinja2.Environment) -> APIRouter:
    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse)
    def login_page() -> Response:
        """登录页面."""
        return render(env, "login.html", user=None, username="", error="")

    @router.post("/login", response_class=HTMLResponse)
    def log_in(
        username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""
    ) -> Response:
        """Check credentials; on success set the session cookie and go to the menu."""
        token = sessions.log_in(username, password)
        if token is None:
            # The legacy system answers 200 with the message on the page, not 401.
            return render(env, "login.html", user=None, username=username, error="用户名或密码错误")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
        return response

    @router.get("/logout")
    def log_out(request: Request) -> Response:
        """End the session."""
        sessions.log_out(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @router.get("/", response_class=HTMLResponse)
    def home(user: Annotated[str, Depends(sessions.current_user)]) -> Response:
        """首页菜单."""
        return render(env, "home.html", user=user)

    return router
