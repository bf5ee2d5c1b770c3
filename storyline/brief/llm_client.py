"""The operator's OpenAI-compatible chat-completions server (Ollama, llama.cpp's
server, vLLM...): its settings and one plain request to it.

The address is the operator's own setting, so it may be loopback or private;
it is not sent through storyline.fetch's public-address guard. What comes back
is capped in size and in time, and every failure is one readable `LLMError`.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0
MAX_ANSWER = 1 << 20  # bytes of the server's answer read before giving up on it


class LLMError(Exception):
    """Why the server gave no usable answer (readable; never holds the key)."""


@dataclass(frozen=True)
class LLMSettings:
    url: str  # the chat-completions endpoint itself
    model: str
    key: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds for the whole exchange


def endpoint(base: str) -> str:
    """`<base>/v1/chat/completions`, for a base given with or without `/v1`
    (or already the full endpoint)."""
    url = base.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"STORYLINE_LLM_URL must be an http(s) address, not {base[:80]!r}")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def configured_model(environ=None) -> str | None:
    """The model named for the LLM brief when an endpoint is set too, else None."""
    env = os.environ if environ is None else environ
    if not (env.get("STORYLINE_LLM_URL") or "").strip():
        return None
    return (env.get("STORYLINE_LLM_MODEL") or "").strip() or None


def settings_from_env(environ=None) -> LLMSettings | None:
    """The settings from STORYLINE_LLM_URL, _MODEL, _KEY and _TIMEOUT; None
    when the URL or the model is not set. A bad value raises ValueError."""
    env = os.environ if environ is None else environ
    base = (env.get("STORYLINE_LLM_URL") or "").strip()
    model = (env.get("STORYLINE_LLM_MODEL") or "").strip()
    if not base or not model:
        return None
    timeout_text = (env.get("STORYLINE_LLM_TIMEOUT") or "").strip()
    timeout = DEFAULT_TIMEOUT
    if timeout_text:
        try:
            timeout = float(timeout_text)
        except ValueError:
            raise ValueError(f"STORYLINE_LLM_TIMEOUT must be a number of seconds, not {timeout_text[:40]!r}") from None
        if not 0 < timeout <= MAX_TIMEOUT:  # also refuses nan
            raise ValueError(f"STORYLINE_LLM_TIMEOUT must be above 0 and at most {MAX_TIMEOUT:g} seconds")
    return LLMSettings(endpoint(base), model, (env.get("STORYLINE_LLM_KEY") or "").strip() or None, timeout)


def where(settings: LLMSettings) -> str:
    """The server's host and port, for messages (never the path's query or any user info)."""
    parts = urlsplit(settings.url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def complete(settings: LLMSettings, messages: list[dict]) -> str:
    """The model's answer to `messages` (temperature 0), or LLMError."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.key:
        headers["Authorization"] = f"Bearer {settings.key}"
    payload = {"model": settings.model, "messages": messages, "temperature": 0, "stream": False}
    deadline = time.monotonic() + settings.timeout
    try:
        # No proxy from the environment: the operator named this server itself.
        with httpx.Client(timeout=httpx.Timeout(settings.timeout), trust_env=False,
                          follow_redirects=False) as client:
            with client.stream("POST", settings.url, json=payload, headers=headers) as response:
                body = _read_capped(response, deadline, settings.timeout)
    except httpx.TimeoutException:
        raise LLMError(f"the LLM server did not answer within {settings.timeout:g} s") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
        raise LLMError(f"cannot reach the LLM server at {where(settings)} ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise LLMError(f"the LLM server answered HTTP {response.status_code}{_server_message(body)}")
    return _content(body)


def _read_capped(response: httpx.Response, deadline: float, timeout: float) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER:
            raise LLMError(f"the LLM server's answer is over {MAX_ANSWER // 1024} KiB")
        if time.monotonic() > deadline:  # a server trickling bytes never trips the per-read timeout
            raise LLMError(f"the LLM server did not answer within {timeout:g} s")
    return bytes(body)


def _server_message(body: bytes) -> str:
    """The error message an OpenAI-compatible server puts in its body, shortened."""
    try:
        data = json.loads(body)
        message = data["error"]["message"] if isinstance(data.get("error"), dict) else data["error"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    if not isinstance(message, str) or not message.strip():
        return ""
    message = " ".join(message.split())
    return f": {message[:197] + '…' if len(message) > 200 else message}"


def _content(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        raise LLMError("the LLM server's answer is not JSON") from None
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMError("the LLM server's answer has no choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError("the LLM server's answer is empty")
    return content
