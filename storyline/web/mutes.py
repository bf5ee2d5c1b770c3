"""Muted keywords and outlets: which front-page stories a user does not want to see."""
from __future__ import annotations

import re
from collections.abc import Callable


def _keyword_pattern(keyword: str) -> str:
    """A keyword matched as whole words, case-insensitively ("wall" is not in "wallet")."""
    body = r"\s+".join(re.escape(part) for part in keyword.split())
    start = r"(?<!\w)" if re.match(r"\w", keyword) else ""
    end = r"(?!\w)" if re.search(r"\w$", keyword) else ""
    return start + body + end


def story_filter(mutes: dict[str, list[str]]) -> Callable[[dict], bool] | None:
    """A test, true for a story the mutes hide: its title or brief names a muted
    keyword, or every one of its outlets is muted. None when nothing is muted."""
    keywords = [k.strip() for k in mutes.get("keyword", []) if k.strip()]
    outlets = {o.casefold() for o in mutes.get("outlet", []) if o.strip()}
    if not keywords and not outlets:
        return None
    pattern = re.compile("|".join(_keyword_pattern(k) for k in keywords), re.IGNORECASE) if keywords else None

    def hidden(story: dict) -> bool:
        names = {o.casefold() for o in story.get("outlets") or []}
        if outlets and names and names <= outlets:
            return True
        if pattern is None:
            return False
        text = "\n".join([story.get("title") or "", story.get("brief_text") or " ".join(story.get("lead") or [])])
        return pattern.search(text) is not None

    return hidden
