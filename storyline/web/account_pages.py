"""Logging in and out, and the viewer's settings: muted keywords and outlets,
API tokens.

The session cookie (`storyline_session`) is HttpOnly, SameSite=Lax, and Secure
when the request came over https or the public address is https. The login
form is itself protected from cross-site posting by a double-submit token (a
cookie of its own that the form repeats), and failed logins spend the same
per-client attempts as wrong tokens (429 past them).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from storyline import accounts
from storyline.api import ApiError
from storyline.api.state import mute_value
from storyline.web import identity, queries
from storyline.web.identity import LOGIN_COOKIE, SESSION_COOKIE
from storyline.web.pages import page, reader_of
from storyline.web.security import TokenError, check_attempts
from storyline.web.state_pages import safe_next

router = APIRouter(include_in_schema=False)  # login and logout: no viewer needed
settings = APIRouter(include_in_schema=False, dependencies=[Depends(identity.gate)])

Csrf = Annotated[str, Form(max_length=200)]


def _login_form(request: Request, *, next_page: str, error: str | None = None, status: int = 200,
                headers: dict | None = None) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or ""
    if not (20 <= len(token) <= 100 and token.replace("-", "").replace("_", "").isalnum()):
        token = accounts.new_secret()
    response = page(request, "login.html", status=status, login_csrf=token, next_page=next_page, error=error,
                    local=False)
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, path="/login", httponly=True, samesite="lax",
                        secure=identity.secure_cookies(request))
    return response


@router.get("/login")
def login_page(request: Request, next: str = ""):
    target = safe_next(next, "/")
    if accounts.local_mode(reader_of(request).store()):
        return page(request, "login.html", local=True, next_page=target, error=None, login_csrf="")
    seen = identity.viewer(request)
    if seen.via == "session":
        return RedirectResponse(target, status_code=303)
    return _login_form(request, next_page=target)


@router.post("/login")
def login(request: Request, name: Annotated[str, Form(max_length=200)] = "",
                password: Annotated[str, Form(max_length=1024)] = "", login_csrf: Csrf = "",
                next: Annotated[str, Form(max_length=500)] = ""):
    target = safe_next(next, "/")
    store = reader_of(request).store()
    if accounts.local_mode(store):
        raise ApiError(403, "this server has no accounts: create one with `storyline user add NAME`")
    if not accounts.csrf_ok(request.cookies.get(LOGIN_COOKIE), login_csrf):
        return _login_form(request, next_page=target, status=403,
                           error="The login form had expired. Please try again.")
    failures, client = request.app.state.limits["auth"], identity.client_of(request)
    try:
        check_attempts(failures, client)
    except TokenError as exc:
        return _login_form(request, next_page=target, status=429, headers=exc.headers,
                           error=exc.message.replace("write attempts", "logins"))
    user = accounts.authenticate(store, name, password)
    if user is None:
        failures.allow(client)
        return _login_form(request, next_page=target, status=401, error="Wrong name or password.")
    secret, _ = accounts.start_session(store, user)
    store.drop_expired_sessions()
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(SESSION_COOKIE, secret, max_age=accounts.SESSION_DAYS * 86400, path="/", httponly=True,
                        samesite="lax", secure=identity.secure_cookies(request))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Csrf = ""):
    seen = identity.viewer(request)
    if seen.via != "session":
        return RedirectResponse("/", status_code=303)
    identity.require_csrf(request, csrf)
    accounts.end_session(reader_of(request).store(), request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303, headers={"Cache-Control": "no-store"})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=identity.secure_cookies(request))
    return response


# -- settings -------------------------------------------------------------------------------------

def _settings(request: Request, new_token: dict | None = None, status: int = 200) -> Response:
    user = identity.require_user(request)
    store = reader_of(request).store()
    response = page(request, "settings.html", status=status, mutes=store.mutes(user.id),
                    outlet_names=queries.outlet_names(store), tokens=store.tokens(user.id), new_token=new_token)
    if new_token:
        response.headers["Cache-Control"] = "no-store"
    return response


@settings.get("/settings")
def settings_page(request: Request):
    return _settings(request)


@settings.post("/settings/mutes")
def settings_mutes(request: Request, csrf: Csrf = "", kind: Annotated[str, Form(max_length=20)] = "keyword",
                   value: Annotated[str, Form(max_length=200)] = "",
                   action: Annotated[str, Form(max_length=10)] = "add"):
    user = identity.state_writer(request, csrf)
    try:
        value = mute_value(kind, value)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    reader_of(request).store().mute(user.id, kind, value, muted=action != "remove")
    return RedirectResponse("/settings#mutes", status_code=303)


@settings.post("/settings/tokens")
def settings_new_token(request: Request, csrf: Csrf = "", label: Annotated[str, Form(max_length=100)] = ""):
    user = identity.state_writer(request, csrf)
    label = " ".join(label.split())[:100] or "api"
    secret = accounts.issue_token(reader_of(request).store(), user, label)
    return _settings(request, new_token={"label": label, "token": secret})


@settings.post("/settings/tokens/{token_id}/revoke")
def settings_revoke_token(request: Request, token_id: int, csrf: Csrf = ""):
    user = identity.state_writer(request, csrf)
    if not (1 <= token_id < 2 ** 63) or not reader_of(request).store().revoke_token(user.id, token_id):
        raise ApiError(404, "you have no such token")
    return RedirectResponse("/settings#tokens", status_code=303)


router.include_router(settings)
