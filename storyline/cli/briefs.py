"""`storyline summarize` and `storyline brief`: an article's summary and a
story's cited brief (with its agreement panel, and the optional LLM brief),
for stored ids or for article files with no database."""
from __future__ import annotations

from pathlib import Path

from storyline.cli.output import err, fail as _fail, one_line, out, print_json as _print_json
from storyline.storage import open_store


def _folder(target: str) -> str | None:
    """Why a path given as an article file is not one, when that is plain before reading it."""
    if Path(target).is_dir():
        return f"{target}: it is a folder; give article files (`storyline add` takes folders)"
    return None


def cmd_summarize(args) -> int:
    """Summarize a stored article (by id) or an article file (no database needed)."""
    from storyline.extract import ExtractionError, extract_file
    from storyline.summary import summarize
    from storyline.summary.stored import article_summary

    target = args.target
    if isinstance(target, int):
        with open_store(args.db) as store:
            summary = article_summary(store, target, sentences=args.sentences, words=args.words)
        if summary is None:
            return _fail(f"no article with id {target}")
    else:
        if reason := _folder(target):
            return _fail(f"cannot summarize {reason}")
        try:
            extracted = extract_file(target)
            summary = summarize(extracted.text, title=extracted.title, sentences=args.sentences,
                                words=args.words, language=extracted.language)
        except (ExtractionError, ValueError, OSError) as exc:
            return _fail(f"cannot summarize {target}: {getattr(exc, 'strerror', None) or exc}")
    if args.json:
        _print_json({
            "article": target,
            "sentences": [{"text": s.text, "position": s.position} for s in summary.sentences],
            "method": summary.method, "words": summary.words,
            "language": summary.language, "note": summary.note,
        })
        return 0
    for sentence in summary.sentences:
        out.print(f"• {one_line(sentence.text)}")
    if summary.note:
        err.print(f"({one_line(summary.note)})")
    return 0


def cmd_brief(args) -> int:
    """Brief a stored story (by id) or several article files (no database needed)."""
    from storyline.brief import brief, brief_json
    from storyline.brief.stored import story_brief
    from storyline.extract import ExtractionError, extract_file
    from storyline.model import Source

    targets = args.targets
    ids = [t for t in targets if isinstance(t, int)]
    if ids and len(targets) > 1:
        return _fail("brief takes one story id, or article files (no file is named "
                     f"{' or '.join(map(str, ids))})", 2)
    llm = None
    if args.llm:
        from storyline.brief.llm import settings_from_env
        try:
            llm = settings_from_env()
        except ValueError as exc:
            return _fail(str(exc), 2)
        if llm is None:
            return _fail("--llm needs STORYLINE_LLM_URL (an OpenAI-compatible server) and STORYLINE_LLM_MODEL", 2)
    if ids:
        with open_store(args.db) as store:
            body = story_brief(store, ids[0], words=args.words)
            if body is not None and llm is not None:
                from storyline.brief.llm import stored_llm_brief
                body = stored_llm_brief(store, ids[0], body, llm, words=args.words)
        if body is None:
            return _fail(f"no story with id {ids[0]}")
    else:
        if reason := next(filter(None, map(_folder, targets)), None):
            return _fail(f"cannot brief {reason}")
        sources = []
        for path in targets:
            try:
                extracted = extract_file(path)
            except (ExtractionError, OSError) as exc:
                return _fail(f"cannot brief {path}: {getattr(exc, 'strerror', None) or exc}")
            sources.append(Source(path, extracted.text, extracted.title, extracted.site_name,
                                  extracted.published))
        try:
            body = brief_json(brief(sources, words=args.words))
        except ValueError as exc:
            return _fail(f"cannot brief {' '.join(targets)}: {exc}")
        if llm is not None:
            from storyline.brief.llm import llm_brief
            body = llm_brief(sources, body, llm, words=args.words)
    if args.json:
        _print_json(body)
        return 0
    _print_brief(body)
    if "llm" in body:
        _print_llm(body)
    return 0


def _print_llm(body: dict) -> None:
    """Who wrote the brief and what the check left out (or why the extractive brief is shown)."""
    llm = body["llm"]
    if llm.get("error"):
        err.print(f"(LLM brief not used: {one_line(llm['error'])}; this is the extractive brief)")
    else:
        out.print(f"\nWritten by {one_line(llm['model'])}; {one_line(llm['note'])}.")
    for rejected in body.get("rejected", []):
        marks = "".join(f" [{n}]" for n in rejected["citations"])
        out.print(f"Rejected: {one_line(rejected['text'])}{marks} — {one_line(rejected['reason'])}")


def _print_brief(body: dict) -> None:
    numbers: dict = {}
    for sentence in body["sentences"]:
        marks = "".join(f"[{numbers.setdefault(c, len(numbers) + 1)}]" for c in sentence["citations"])
        out.print(f"{one_line(sentence['text'])} {marks}")
    if numbers:
        out.print("\nSources: " + "  ".join(f"[{n}] {one_line(c)}" for c, n in numbers.items()))
    facts = body["facts"]
    for label, key in (("People", "people"), ("Organisations", "organisations"), ("Places", "places")):
        if facts[key]:
            out.print(f"{label}: " + ", ".join(one_line(m["name"]) for m in facts[key][:10]))
    if facts["dates"]:
        out.print("Dates: " + ", ".join(one_line(f"{d['text']} ({d['date']})" if d["date"] else d["text"])
                                        for d in facts["dates"][:10]))
    for quote in facts["quotes"][:5]:
        out.print(f"“{one_line(quote['text'])}” — {one_line(quote['speaker'] or 'unattributed')}")
    agreement = body["agreement"]
    if agreement:
        for statement in agreement["shared"]:
            marks = "".join(f"[{numbers.setdefault(a, len(numbers) + 1)}]" for a in statement["articles"])
            count = "all" if statement["outlets"] == statement["of"] else f"{statement['outlets']} of {statement['of']}"
            out.print(f"Reported by {count} outlets: {one_line(statement['text'])} {marks}")
        for conflict in agreement["conflicts"]:
            values = "; ".join(f"{one_line(v['value'])} ({', '.join(map(one_line, v['articles']))})"
                               for v in conflict["values"])
            out.print(f"Conflicting — {one_line(conflict['about'])}: {values}")
        for article, statements in agreement["only_in"].items():
            for statement in statements:
                out.print(f"Only in {one_line(article)}: {one_line(statement['text'])}")
