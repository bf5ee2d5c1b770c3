"""`python -m bench.batch`: `storyline batch` (storyline.batch on a local Dask
cluster) measured on generated corpora (tests/batch_corpus.py: JSONL, HTML
folders and WARC.gz files, with gold stories).

1. throughput.py: the whole batch with 1 and with 2 single-threaded worker
   processes, each on a fresh results folder: articles/s, seconds per stage,
   the scaling ratio; then full briefs (facts and sentence vectors) timed on
   a sample of stories beside text briefs of the same stories.
2. memory.py: every worker's resident set and this process's, sampled every
   0.5 s with psutil from outside the workers (nothing is sent to them).
3. agreement.py: `storyline add` then `recluster` (the real commands) and the
   batch over the same subset, compared by storyline.batch.agreement.compare,
   and both scored against the corpus's gold stories.
4. estimate.py: what a 10-million-article month needs, from these figures.
"""
