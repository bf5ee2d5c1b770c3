"""The JSON API's writes: adding sources (feeds, article URLs, OPML) and one
article, with the server's write token or an admin's login."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from storyline.api import ApiError, check_url, json_response, rate_limit, read_json_body, reader_of, require_token

router = APIRouter()


class SourceIn(BaseModel):
    """A feed, article or OPML URL to add, or an OPML document."""
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, max_length=2000, description="feed, article page or OPML list URL")
    opml: str | None = Field(None, description="an OPML document (subscriptions) as text")

    @model_validator(mode="after")
    def one_of(self):
        if bool(self.url) == bool(self.opml):
            raise ValueError("give exactly one of url or opml")
        if self.url:
            check_url(self.url)
        return self


class ArticleIn(BaseModel):
    """An article: its URL (fetched), its HTML, or its text and title."""
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, max_length=2000)
    html: str | None = None
    text: str | None = None
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=200)
    author: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=64, description="ISO 8601")

    @model_validator(mode="after")
    def shape(self):
        if self.html and self.text:
            raise ValueError("give html or text, not both")
        if not (self.html or self.text or self.url):
            raise ValueError("give url, html or text")
        if self.text and not self.title:
            raise ValueError("text needs a title")
        if self.url:
            check_url(self.url)
        return self


def _body_schema(model: type[BaseModel]) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


WRITE_RESPONSES = {401: {"description": "no token"}, 403: {"description": "wrong token or writes disabled"},
                   413: {"description": "body too large"}, 422: {"description": "invalid body"},
                   429: {"description": "too many writes"}}


@router.post("/sources", summary="Add a feed, an article URL or OPML subscriptions (write token)",
             openapi_extra=_body_schema(SourceIn), responses=WRITE_RESPONSES)
async def post_sources(request: Request):
    require_token(request)
    rate_limit(request, "write")
    body = await read_json_body(request, SourceIn)
    reader = reader_of(request)
    report = await run_in_threadpool(
        reader.add_sources, [body.url] if body.url else [], body.opml.encode("utf-8") if body.opml else None)
    return json_response(request, report, status=201 if report["added"] else 200)


@router.post("/articles", summary="Add one article (write token)", openapi_extra=_body_schema(ArticleIn),
             responses=WRITE_RESPONSES)
async def post_articles(request: Request):
    require_token(request)
    rate_limit(request, "write")
    body = await read_json_body(request, ArticleIn)
    record = body.model_dump(exclude_none=True)
    report = await run_in_threadpool(reader_of(request).add_article, record)
    if report["articles"]:
        return json_response(request, report, status=201,
                             headers={"Location": f"/api/articles/{report['articles'][0]}"})
    if report["failed"]:
        raise ApiError(422, "could not add the article: " + report["failed"][0]["error"], details=report)
    return json_response(request, report, status=200)
