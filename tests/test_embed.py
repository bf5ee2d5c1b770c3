"""The int8 ONNX export against the reference: sentence-transformers running the
same all-MiniLM-L6-v2 weights on torch."""
import numpy as np
import pytest

from storyline import embed

SENTENCES = [
    "The council voted 7 to 2 on Tuesday to close the Harbor Street bridge for repairs.",
    "Lawmakers approved shutting the bridge on Harbor Street so it can be fixed, by a vote of seven to two.",
    "Heavy rain flooded dozens of basements in the north end overnight.",
    "Kim Jong Un met the South Korean president at the border village of Panmunjom.",
    "North Korea's leader Kim Jong-un and South Korea's president held talks in Panmunjom.",
    "Officials said more information would be released later.",
    "Shares of the carmaker fell 4% after it cut its forecast for the year.",
    "The striker scored twice in the second half as the visitors won 3-1.",
    "A 67-year-old man was taken to hospital with burns to his hands.",
    "Firefighters needed three hours to bring the warehouse blaze under control.",
    "It was not immediately clear what caused the fire.",
    "Ok.",
    "",
    "Der Bürgermeister hat die Brücke am Dienstag gesperrt.",
    " ".join(["very long sentence"] * 200),
]


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embed.reference_dir()), device="cpu")
    model.max_seq_length = embed.MAX_TOKENS
    return model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)


def test_vectors_match_the_reference_implementation(reference):
    ours = embed.embed(SENTENCES)
    assert ours.shape == (len(SENTENCES), embed.DIMENSIONS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-3)
    agreement = (ours * reference).sum(axis=1)
    assert agreement.min() > 0.95, agreement
    assert agreement.mean() > 0.98
    # what the support check reads: the cosine between two sentences
    assert np.abs(ours @ ours.T - reference @ reference.T).max() < 0.06


def test_paraphrases_are_closer_than_unrelated_sentences():
    v = embed.embed(SENTENCES)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert v[3] @ v[4] > 0.7
    assert v[3] @ v[4] > v[3] @ v[6] + 0.4


def test_the_same_texts_always_get_the_same_vectors():
    many = embed.embed(SENTENCES * 3)  # several batches, sorted by length inside
    assert np.array_equal(many, embed.embed(SENTENCES * 3))
    assert np.array_equal(many[1], many[len(SENTENCES) + 1])  # same batch, same vector
    # int8 activations are scaled per batch, so a batch's other texts move a vector a little
    alone = embed.embed([SENTENCES[1]])[0]
    assert float(alone @ many[1]) > 0.98
    assert embed.embed([]).shape == (0, embed.DIMENSIONS)


def test_a_missing_model_is_a_clear_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBED_MODEL", str(tmp_path / "nowhere"))
    monkeypatch.setattr(embed, "_encoder", None)
    monkeypatch.setattr(embed, "_failure", None)
    assert not embed.available()
    with pytest.raises(embed.EmbeddingsUnavailable, match="storyline.embed.export"):
        embed.embed(["A sentence."])
