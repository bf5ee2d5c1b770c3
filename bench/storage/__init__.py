"""SQLite and PostgreSQL side by side, from one run: `python -m bench.storage`.

1. A throwaway PostgreSQL server (storyline.storage.throwaway) and an SQLite
   file in a temporary folder; each step runs on both.
2. Ingest: generated articles (bench/storage/corpus.py) as .jsonl batches
   through the real pipeline, `Ingestor.add` once a batch: articles/s, and the
   time spent in database calls and in re-briefing stories (bench/storage/timing.py).
3. Load: generated articles written straight into the schema
   (bench/web/generate.py) up to the big size, beside the ingested ones, so the
   clustering state covers the ingested part only.
4. Add one: single-article files, each one `Ingestor.add`: every other one
   continues one of the latest ingested stories, the rest start new stories.
5. Search: `search_page(q, limit=20, snippets=10)` over place, person and topic queries.
6. Story page: GET /stories/ID through FastAPI's TestClient, briefs stored first.

Steps 2 and 4-6 take turns between the databases item by item, so load from
elsewhere on the machine weighs on both alike.
"""
