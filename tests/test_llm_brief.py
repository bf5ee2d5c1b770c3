"""The optional LLM brief, against a real chat-completions server on 127.0.0.1
that answers with prepared text: what the check keeps, what it rejects and
why, and the extractive brief whenever the server lets us down."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.brief import brief, brief_json
from storyline.brief.llm import LLMSettings, llm_brief, parse
from storyline.brief.llm_client import MAX_ANSWER, endpoint, settings_from_env
from storyline.model import Source
from tests.conftest import ROOT, offline

MODEL = "tiny-test-model"

# Two outlets telling one story in their own words, and an unrelated story.
LEDGER = ("Ferries to Wrenfield Island resume after storm", """\
Ferry service between Portmere and Wrenfield Island resumed on Thursday after a four-day suspension \
caused by the storm. The Coastal Transit Authority said 14 crossings would run each day until the end \
of the month.

Harbour master Elena Varga said the main pier had been inspected overnight and declared safe. \
Transport minister Hugo Brandt is due to visit the island on Friday.

About 2,300 island residents had been cut off from the mainland since Sunday, when waves damaged the \
ferry ramp.""")
WIRE = ("Wrenfield ferries back in service", """\
Ferries began crossing again between Portmere and Wrenfield Island on Thursday, ending a four-day \
suspension after the storm. Harbour master Elena Varga told reporters the main pier was inspected \
overnight and found safe.

Mayor Tobias Lund said the island school would reopen on Monday. Shops on Wrenfield Island reported \
running low on fresh milk and bread during the suspension.

The Coastal Transit Authority will run 14 crossings each day until the end of the month, it said.""")
LIBRARY = ("Oakridge library extends weekend opening hours", """\
The Oakridge public library will stay open until 8pm on Saturdays from next month, its board decided \
on Tuesday. Chief librarian Marta Quell said the change follows a survey in which 1,100 readers asked \
for longer hours.

The extra hours will be paid for from a county grant of 40,000 dollars. Volunteers will run a homework \
club on Saturday afternoons.""")

# Close paraphrases that keep every name and number of what they cite.
SUPPORTED = [
    ("Ferry service between Portmere and Wrenfield Island resumed on Thursday after a four-day "
     "suspension caused by the storm.", "[1]"),
    ("The Coastal Transit Authority said 14 crossings would run each day until the end of the month.", "[1][2]"),
    ("Harbour master Elena Varga said the main pier was inspected overnight and found safe.", "[2]"),
    ("Mayor Tobias Lund said the island school would reopen on Monday.", "[2]"),
]
CHANGED_NUMBER = "The Coastal Transit Authority said 24 crossings would run each day until the end of the month."
SWAPPED_NAME = "Transport minister Hugo Brandt said the main pier had been inspected overnight and declared safe."
NEGATED = "Harbour master Elena Varga said the main pier had not been inspected and was not declared safe."
UNCITED = "Islanders were relieved to see the boats return."
NOT_A_SOURCE = "About 2,300 island residents had been cut off from the mainland since Sunday."
UNSTATED = "The storm caused damage estimated at 3 million euros across the island."

MIXED_ANSWER = "\n".join([
    "Here is the brief:",
    *(f"- {text[:-1]} {marks}." for text, marks in SUPPORTED[:2]),
    f"- {CHANGED_NUMBER} [1]",  # a mark after the full stop belongs to the sentence before it
    f"- {SWAPPED_NAME[:-1]} [1].",
    f"- {NEGATED[:-1]} [1].",
    f"- {SUPPORTED[2][0][:-1]} {SUPPORTED[2][1]}.",
    f"- {UNCITED}",
    f"- {NOT_A_SOURCE[:-1]} [7].",
    f"- {UNSTATED[:-1]} [2].",
    f"- {SUPPORTED[3][0][:-1]} {SUPPORTED[3][1]}.",
])

# For the command, the page and the API: every sentence is kept or rejected
# for a plain reason (no perturbation for the check to judge).
PLAIN_ANSWER = " ".join([*(f"{text[:-1]} {marks}." for text, marks in SUPPORTED), UNCITED,
                         f"{NOT_A_SOURCE[:-1]} [7].", f"{UNSTATED[:-1]} [2]."])


# -- a chat-completions server -------------------------------------------------------------------

class ChatServer:
    """Speaks POST /v1/chat/completions with the reply a test prepares."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status, self.body, self.delay = 200, b"", 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append({"path": self.path, "headers": dict(self.headers),
                                        "json": json.loads(raw)})
                if server.delay:
                    time.sleep(server.delay)
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # a client that gave up waiting is what the timeout test provokes

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer(self, content: str, status: int = 200, delay: float = 0.0) -> None:
        self.reply(json.dumps({"id": "chat-1", "object": "chat.completion", "model": MODEL, "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}
        ).encode(), status, delay)

    def reply(self, body: bytes, status: int = 200, delay: float = 0.0) -> None:
        self.body, self.status, self.delay = body, status, delay

    def prompt(self, k: int = -1) -> str:
        return "\n".join(m["content"] for m in self.requests[k]["json"]["messages"])

    def close(self) -> None:
        if self.httpd.socket.fileno() != -1:
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture
def chat():
    srv = ChatServer()
    yield srv
    srv.close()


def sources() -> list[Source]:
    return [Source(11, LEDGER[1], LEDGER[0], "Harbor Ledger", "2026-03-05"),
            Source(12, WIRE[1], WIRE[0], "Valley Wire", "2026-03-05")]


def extractive(story: list[Source]) -> dict:
    return brief_json(brief(story, words=120, facts=False))


def settings(chat: ChatServer, timeout: float = 30.0, key: str | None = None) -> LLMSettings:
    return LLMSettings(endpoint(chat.base), MODEL, key, timeout)


def by_text(rejected: list[dict]) -> dict[str, str]:
    return {r["text"]: r["reason"] for r in rejected}


# -- what the check keeps --------------------------------------------------------------------------

def test_keeps_exactly_the_supported_sentences_and_says_why_the_rest_went(chat):
    story = sources()
    plain = extractive(story)
    chat.answer(MIXED_ANSWER)
    body = llm_brief(story, plain, settings(chat), words=200)

    assert [s["text"] for s in body["sentences"]] == [text for text, _ in SUPPORTED]
    for sentence, (_, marks) in zip(body["sentences"], SUPPORTED):
        cited = [story[int(n) - 1].id for n in marks.strip("[]").split("][")]
        assert sentence["article"] == cited[0] and set(cited) <= set(sentence["citations"])
    reasons = by_text(body["rejected"])
    assert set(reasons) == {"Here is the brief:", CHANGED_NUMBER, SWAPPED_NAME, NEGATED, UNCITED,
                            NOT_A_SOURCE, UNSTATED}
    assert reasons[UNCITED] == reasons["Here is the brief:"] == "no citation"
    assert reasons[NOT_A_SOURCE] == "citation [7] is not a source"
    assert reasons[UNSTATED].startswith("not stated by [2]: ")
    assert reasons[CHANGED_NUMBER].startswith("contradicts [1]: ")  # 24 where the source gives 14
    assert reasons[SWAPPED_NAME].startswith("contradicts [1]: ")  # Brandt where the source has Varga
    assert reasons[NEGATED].startswith(("contradicts [1]: ", "not stated by [1]: "))
    assert {r["text"]: r["citations"] for r in body["rejected"]}[NOT_A_SOURCE] == [7]

    assert body["llm"]["model"] == MODEL and body["llm"]["checked"] is True
    assert body["llm"]["note"] == "each sentence was checked against the sources it cites; 7 rejected"
    assert body["llm"]["sources"] == [11, 12]
    assert MODEL in body["method"] and "llm" in body["method"].lower()
    assert body["words"] == sum(len(s["text"].split()) for s in body["sentences"])
    assert body["agreement"] == plain["agreement"] and body["facts"] == plain["facts"]
    assert set(plain) <= set(body)  # the shape of brief_json, and more


def test_the_request_carries_only_the_story_and_the_settings(chat):
    story = sources()
    chat.answer(f"{SUPPORTED[3][0][:-1]} [2].")
    llm_brief(story, extractive(story), settings(chat, key="sekret-key"), words=90)

    [request] = chat.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sekret-key"
    payload = request["json"]
    assert payload["model"] == MODEL and payload["temperature"] == 0
    prompt = chat.prompt()
    for n, (title, text) in enumerate((LEDGER, WIRE), start=1):
        assert f"[{n}]\nTitle: {title}" in prompt
        assert text.split("\n\n")[0] in prompt
    assert "[3]" not in prompt and "at most 90 words" in prompt
    assert "Harbor Ledger" in prompt and "Valley Wire" in prompt


def test_a_long_source_is_cut_at_a_sentence_end(chat):
    long_text = "\n\n".join(f"Paragraph {k} of the council report says the vote on item {k} passed." for k in
                            range(2000))
    chat.answer("nothing usable")
    llm_brief([Source(1, long_text, "Report"), *sources()], {"sentences": []}, settings(chat))
    prompt = chat.prompt()
    assert "Paragraph 0 of" in prompt and "Paragraph 1999 of" not in prompt
    assert "item 5 passed.\n\n" in prompt and len(prompt) < 60_000


def test_a_near_copy_is_not_numbered_but_shares_the_citation(chat):
    story = sources() + [Source(13, WIRE[1], WIRE[0], "Wire Partner", "2026-03-05", duplicate_of=12)]
    chat.answer(f"{SUPPORTED[3][0][:-1]} [2].")
    body = llm_brief(story, extractive(story), settings(chat))
    assert "[3]" not in chat.prompt()
    assert body["sentences"][0]["citations"][:1] == [12] and 13 in body["sentences"][0]["citations"]


def test_citation_marks_are_read_in_their_usual_forms():
    drafted = parse("<think>Source [1] says fourteen.</think>\n"
                    "1. Ferries run again [1, 2].\n"
                    "**Shops ran low** [Source 2]. Schools reopen on Monday. [2][3]\n"
                    "A range of sources agree [1-3].\n[2]")
    assert [(d.text, d.citations) for d in drafted] == [
        ("Ferries run again.", [1, 2]),
        ("Shops ran low.", [2]),
        ("Schools reopen on Monday.", [2, 3]),
        ("A range of sources agree.", [1, 2, 3]),
    ]


# -- when the model lets us down: the extractive brief with a note ---------------------------------

def assert_extractive(body: dict, plain: dict, error: str) -> None:
    assert body["sentences"] == plain["sentences"] and body["method"] == plain["method"]
    assert body["llm"]["model"] == MODEL and error in body["llm"]["error"]
    assert "extractive brief" in body["llm"]["note"] and "checked" not in body["llm"]


def test_garbage_gives_the_extractive_brief(chat):
    story = sources()
    plain = extractive(story)
    chat.answer("I am sorry, as a language model I cannot browse the news today.")
    assert_extractive(llm_brief(story, plain, settings(chat)), plain, "no sentence with a [n] citation")
    chat.reply(b"<html><body>Bad gateway</body></html>")
    assert_extractive(llm_brief(story, plain, settings(chat)), plain, "not JSON")
    chat.reply(b'{"choices": []}')
    assert_extractive(llm_brief(story, plain, settings(chat)), plain, "no choices[0].message.content")


def test_no_surviving_sentence_gives_the_extractive_brief_with_the_rejected(chat):
    story = sources()
    plain = extractive(story)
    chat.answer(f"{UNSTATED[:-1]} [2]. {UNCITED}")
    body = llm_brief(story, plain, settings(chat))
    assert_extractive(body, plain, "no sentence survived the check (2 rejected)")
    assert [r["text"] for r in body["rejected"]] == [UNSTATED, UNCITED]


def test_a_timeout_gives_the_extractive_brief(chat):
    story = sources()
    plain = extractive(story)
    chat.answer(f"{SUPPORTED[3][0][:-1]} [2].", delay=3)
    started = time.monotonic()
    body = llm_brief(story, plain, settings(chat, timeout=0.4))
    assert time.monotonic() - started < 2.5
    assert_extractive(body, plain, "did not answer within 0.4 s")


def test_http_errors_give_the_extractive_brief(chat):
    story = sources()
    plain = extractive(story)
    chat.reply(json.dumps({"error": {"message": "model 'tiny' not found"}}).encode(), status=500)
    assert_extractive(llm_brief(story, plain, settings(chat)), plain, "HTTP 500: model 'tiny' not found")
    chat.reply(b"x" * (MAX_ANSWER + 10))
    assert_extractive(llm_brief(story, plain, settings(chat)), plain, "over 1024 KiB")
    closed = LLMSettings(endpoint(chat.base), MODEL, None, 2.0)
    chat.close()
    assert_extractive(llm_brief(story, plain, closed), plain, "cannot reach the LLM server at 127.0.0.1:")


# -- settings --------------------------------------------------------------------------------------

def test_settings_come_from_the_environment():
    base = "http://10.0.0.5:11434"
    assert settings_from_env({}) is None
    assert settings_from_env({"STORYLINE_LLM_URL": base}) is None
    got = settings_from_env({"STORYLINE_LLM_URL": base + "/v1/", "STORYLINE_LLM_MODEL": "qwen2.5:7b",
                             "STORYLINE_LLM_KEY": "k", "STORYLINE_LLM_TIMEOUT": "12.5"})
    assert got == LLMSettings(base + "/v1/chat/completions", "qwen2.5:7b", "k", 12.5)
    assert settings_from_env({"STORYLINE_LLM_URL": base, "STORYLINE_LLM_MODEL": "m"}).timeout == 60
    for url in (base, base + "/", base + "/v1", base + "/v1/chat/completions"):
        assert endpoint(url) == base + "/v1/chat/completions"
    for bad in ({"STORYLINE_LLM_TIMEOUT": "soon"}, {"STORYLINE_LLM_TIMEOUT": "0"},
                {"STORYLINE_LLM_TIMEOUT": "nan"}, {"STORYLINE_LLM_URL": "ftp://host"}):
        with pytest.raises(ValueError):
            settings_from_env({"STORYLINE_LLM_URL": base, "STORYLINE_LLM_MODEL": "m"} | bad)


# -- the command, the story page and the API -----------------------------------------------------

def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_LLM_")}
    return subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True,
                          env={**clean, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


@pytest.fixture
def news_db(tmp_path) -> tuple[str, int, int]:
    """A database made with `storyline add`: (path, the ferry story, the library story)."""
    for outlet, (title, text), name in (("Harbor Ledger", LEDGER, "ferries.txt"),
                                        ("Valley Wire", WIRE, "ferries.txt"),
                                        ("Metro Daily", LIBRARY, "library.txt")):
        folder = tmp_path / "files" / outlet
        folder.mkdir(parents=True)
        (folder / name).write_text(f"{title}\n\n{text}\n")
    db = str(tmp_path / "news.db")
    added = cli("--db", db, "add", *map(str, sorted((tmp_path / "files").iterdir())), "--json")
    assert added.returncode == 0 and json.loads(added.stdout)["added"] == 3, added.stderr
    stories = json.loads(cli("--db", db, "stories", "--json").stdout)
    ferry = next(s["id"] for s in stories if len(s["articles"]) == 2)
    library = next(s["id"] for s in stories if len(s["articles"]) == 1)
    return db, ferry, library


def test_cli_brief_llm(chat, news_db):
    db, ferry, _ = news_db
    env = {"STORYLINE_LLM_URL": chat.base + "/v1", "STORYLINE_LLM_MODEL": MODEL}
    chat.answer(PLAIN_ANSWER)
    run = cli("--db", db, "brief", str(ferry), "--llm", "--json", env=env)
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert body["llm"]["model"] == MODEL and body["llm"]["checked"] is True
    assert [s["text"] for s in body["sentences"]] == [text for text, _ in SUPPORTED]
    assert len(body["rejected"]) == 3 and body["agreement"] is not None
    prompt = chat.prompt()
    assert LEDGER[0] in prompt and WIRE[0] in prompt
    assert LIBRARY[0] not in prompt and "Marta Quell" not in prompt  # another story is never sent

    text = cli("--db", db, "brief", str(ferry), "--llm", env=env)
    assert text.returncode == 0 and len(chat.requests) == 1  # the checked brief was kept
    assert f"Written by {MODEL}; each sentence was checked" in text.stdout
    assert f"Rejected: {UNCITED} — no citation" in text.stdout
    assert f"Rejected: {NOT_A_SOURCE} [7] — citation [7] is not a source" in text.stdout

    chat.answer("no brief today")
    other = cli("--db", db, "brief", str(news_db[2]), "--llm", env=env)
    assert other.returncode == 0 and "LLM brief not used" in other.stderr
    assert "Oakridge" in other.stdout and "Wrenfield" not in chat.prompt()


def test_cli_brief_llm_needs_the_settings(news_db):
    db, ferry, _ = news_db
    run = cli("--db", db, "brief", str(ferry), "--llm")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == ("storyline: --llm needs STORYLINE_LLM_URL (an OpenAI-compatible server) "
                                  "and STORYLINE_LLM_MODEL")
    bad = cli("--db", db, "brief", str(ferry), "--llm",
              env={"STORYLINE_LLM_URL": "http://127.0.0.1:9", "STORYLINE_LLM_MODEL": "m",
                   "STORYLINE_LLM_TIMEOUT": "forever"})
    assert bad.returncode == 2 and "STORYLINE_LLM_TIMEOUT must be a number" in bad.stderr


@pytest.fixture
def reader_client(news_db):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from storyline.web import create_app

    with TestClient(create_app(news_db[0], settings=offline())) as client:
        yield client


def test_story_page_switch(chat, news_db, reader_client, monkeypatch):
    _, ferry, _ = news_db
    monkeypatch.delenv("STORYLINE_LLM_URL", raising=False)
    assert "llm=1" not in reader_client.get(f"/stories/{ferry}").text

    monkeypatch.setenv("STORYLINE_LLM_URL", chat.base)
    monkeypatch.setenv("STORYLINE_LLM_MODEL", "<b>tiny</b>")
    page = reader_client.get(f"/stories/{ferry}").text
    assert f'href="/stories/{ferry}?llm=1"' in page and "&lt;b&gt;tiny&lt;/b&gt;" in page
    assert not chat.requests  # nothing is asked of the model until the reader wants it

    chat.answer(PLAIN_ANSWER.replace(UNCITED, "Islanders <script>alert(1)</script> cheered."))
    page = reader_client.get(f"/stories/{ferry}?llm=1").text
    assert "Written by the language model &lt;b&gt;tiny&lt;/b&gt;; each sentence was checked" in page
    assert all(text in page for text, _ in SUPPORTED)
    assert '<details class="llm-rejected">' in page and "3 sentences by" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "not stated by [2]" in page
    assert f'href="/stories/{ferry}">Show the extractive brief' in page

    monkeypatch.setenv("STORYLINE_LLM_MODEL", "another-model")
    chat.answer("garbage")
    page = reader_client.get(f"/stories/{ferry}?llm=1").text
    assert "could not be used (the model&#39;s answer has no sentence with a [n] citation)" in page


def test_api_story_llm(chat, news_db, reader_client, monkeypatch):
    _, ferry, _ = news_db
    monkeypatch.delenv("STORYLINE_LLM_URL", raising=False)
    refused = reader_client.get(f"/api/stories/{ferry}?llm=1")
    assert refused.status_code == 400 and "STORYLINE_LLM_URL" in refused.json()["error"]["message"]
    assert "llm" not in reader_client.get(f"/api/stories/{ferry}").json()["brief"]

    monkeypatch.setenv("STORYLINE_LLM_URL", chat.base)
    monkeypatch.setenv("STORYLINE_LLM_MODEL", MODEL)
    chat.answer(PLAIN_ANSWER)
    data = reader_client.get(f"/api/stories/{ferry}?llm=1").json()
    assert data["brief"]["llm"]["model"] == MODEL and len(data["brief"]["rejected"]) == 3
    assert [s["text"] for s in data["brief"]["sentences"]] == [text for text, _ in SUPPORTED]
    chat.answer("", status=503)
    data = reader_client.get(f"/api/stories/{ferry}?llm=1&facts=false").json()
    assert data["brief"]["llm"].get("checked") is True  # kept from before: the story did not change

