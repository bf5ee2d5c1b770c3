"""Logging in: ClientLogin, the edit token, who the caller is."""
from __future__ import annotations

from fastapi.responses import Response

from storyline.greader import auth
from storyline.greader.call import Call, NotAllowed, as_json, text


def client_login(call: Call) -> Response:
    """POST only: a password in a URL ends up in logs."""
    if call.request.method != "POST":
        raise NotAllowed()
    name, password = call.params.get("Email") or "", call.params.get("Passwd") or ""
    if not name or not password:
        raise auth.AuthError()
    limiter = call.request.app.state.limits.get("auth")
    client = call.request.client.host if call.request.client else "unknown"
    token = auth.login(call.store, name, password, limiter, client, call.request.headers)
    if (call.params.get("output") or "").lower() == "json":
        return as_json({"SID": token, "LSID": "null", "Auth": token})
    return text(f"SID={token}\nLSID=null\nAuth={token}\n")


def edit_token(call: Call) -> Response:
    return text(auth.edit_token(call.token))


def user_info(call: Call) -> Response:
    user = call.user
    return as_json({"userId": str(user.id), "userName": user.name, "userProfileId": str(user.id),
                    "userEmail": user.name if "@" in user.name else ""})
