"""Which language a text is in, when the page does not say."""
from __future__ import annotations

import re

from storyline.extract.words import count_words

_TAG = re.compile(r"^[a-zA-Z]{2,3}")
_model = None


def normalize_tag(tag: str | None) -> str | None:
    """'en-GB', 'en_US', 'EN' -> 'en'."""
    if not tag:
        return None
    found = _TAG.match(tag.strip())
    return found.group(0).lower() if found else None


def detect(text: str) -> str | None:
    global _model
    sample = text[:1000]
    if count_words(sample) < 5:
        return None
    if _model is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _model.classify(sample)
    return lang if prob >= 0.5 else None
