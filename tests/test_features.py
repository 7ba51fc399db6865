"""Feature transformers on tiny inputs: shapes, and that each cue reacts to what it looks for."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.config import FeatureConfig
from classifier.features import CLAIM_CUES, ClaimCues, PairFeatures, as_inputs, build_features

CUE_NAMES = [f"cue_{name}" for name in CLAIM_CUES] + ["cue_length"]


def cues(*sentences: str) -> dict[str, np.ndarray]:
    """ClaimCues of each sentence, by feature name."""
    transformer = ClaimCues().fit(list(sentences))
    values = transformer.transform(list(sentences)).toarray()
    return dict(zip(transformer.get_feature_names_out(), values.T))


# ----------------------------------------------------------------------------- ClaimCues


def test_claim_cues_give_one_row_per_sentence_and_one_column_per_cue():
    transformer = ClaimCues().fit(["a", "b", "c"])

    features = transformer.transform(["One.", "Two?", "Three!"])

    assert features.shape == (3, len(CUE_NAMES))
    assert list(transformer.get_feature_names_out()) == CUE_NAMES


@pytest.mark.parametrize("cue, with_cue, without_cue", [
    ("cue_number", "Prices rose by 5 in March.", "Prices rose in March."),
    ("cue_question", "Did prices rise in March?", "Prices rose in March."),
    ("cue_quote", 'He said "prices rose" in March.', "He said prices rose in March."),
    ("cue_reporting", "Prices rose, the minister said.", "Prices rose in March."),
    ("cue_boilerplate", "Read more: prices in March", "Prices rose in March."),
])
def test_claim_cue_fires_only_when_its_cue_is_present(cue, with_cue, without_cue):
    values = cues(with_cue, without_cue)[cue]

    assert values[0] > 0
    assert values[1] == 0


def test_claim_cues_count_repeated_cues_higher():
    values = cues("Is it true?", "Is it true? Really? Why?")["cue_question"]

    assert values[1] > values[0] > 0


def test_claim_cue_length_grows_with_the_sentence():
    values = cues("Prices rose.", "Prices rose sharply in the north of the country in March.")["cue_length"]

    assert values[1] > values[0]


def test_claim_cues_of_an_empty_sentence_are_zero():
    assert ClaimCues().fit([""]).transform([""]).toarray().tolist() == [[0.0] * len(CUE_NAMES)]


# ----------------------------------------------------------------------------- PairFeatures

# The last six columns of PairFeatures, in order.
COSINE, OVERLAP, REFUTATION, NEGATION, COSINE_REFUTATION, COSINE_NEGATION = range(-6, 0)


@pytest.fixture
def pair_features():
    texts = ["The mayor resigned after the audit.", "A cat show opened downtown.",
             "The mayor denied the report."]
    targets = ["Mayor resigns after audit"] * 3
    return PairFeatures().fit(as_inputs(texts, targets))


def pair(transformer, text, target):
    return transformer.transform(as_inputs([text], [target])).toarray()[0]


def test_pair_features_shape_is_both_tfidf_sides_plus_six_scores(pair_features):
    vocabulary = len(pair_features.vectorizer_.vocabulary_)

    features = pair_features.transform(as_inputs(["a", "b"], ["c", "d"]))

    assert features.shape == (2, 2 * vocabulary + 6)


def test_cosine_is_one_for_a_sentence_identical_to_its_target(pair_features):
    features = pair(pair_features, "Mayor resigns after audit", "Mayor resigns after audit")

    assert features[COSINE] == pytest.approx(1.0, abs=1e-5)
    assert features[OVERLAP] == pytest.approx(1.0)


def test_cosine_is_zero_for_a_sentence_sharing_no_word_with_its_target(pair_features):
    features = pair(pair_features, "A cat show opened downtown.", "Mayor resigns after audit")

    assert features[COSINE] == 0.0
    assert features[OVERLAP] == 0.0


def test_refutation_cue_fires_on_denied(pair_features):
    denied = pair(pair_features, "The mayor denied the report.", "Mayor resigns after audit")
    plain = pair(pair_features, "The mayor resigned after the audit.", "Mayor resigns after audit")

    assert denied[REFUTATION] > 0
    assert plain[REFUTATION] == 0


def test_refutation_is_weighted_by_similarity_to_the_target(pair_features):
    related = pair(pair_features, "The mayor denied the report.", "Mayor resigns after audit")
    unrelated = pair(pair_features, "The cat show denied entry.", "Mayor resigns after audit")

    assert related[COSINE_REFUTATION] > 0
    assert unrelated[COSINE_REFUTATION] == 0


def test_negation_cue_fires_on_not(pair_features):
    negated = pair(pair_features, "The mayor did not resign.", "Mayor resigns after audit")
    plain = pair(pair_features, "The mayor resigned.", "Mayor resigns after audit")

    assert negated[NEGATION] > 0
    assert plain[NEGATION] == 0


# ----------------------------------------------------------------------------- build_features

TEXTS = ["Officials said 23 people died.", "Will the port reopen?", "Read more:"]
TARGETS = ["Storm kills 23"] * 3


def test_build_features_for_a_text_task_uses_words_chars_and_cues():
    features = build_features(FeatureConfig(word_ngrams=(1, 1), char_ngrams=(2, 3), cues=True), pairwise=False)

    matrix = features.fit_transform(as_inputs(TEXTS, TARGETS))

    assert [name for name, _, _ in features.transformers] == ["words", "chars", "cues"]
    assert matrix.shape[0] == 3
    assert features.named_transformers_["cues"].n_features_out_ == len(CUE_NAMES)


def test_build_features_for_a_pair_task_adds_pair_features():
    config = FeatureConfig(word_ngrams=(1, 1), char_ngrams=None, cues=True)
    text_only = build_features(config, pairwise=False).fit_transform(as_inputs(TEXTS, TARGETS))
    features = build_features(config, pairwise=True)

    with_pair = features.fit_transform(as_inputs(TEXTS, TARGETS))

    assert [name for name, _, _ in features.transformers] == ["words", "cues", "pair"]
    assert with_pair.shape[1] > text_only.shape[1]


def test_build_features_leaves_out_disabled_blocks():
    features = build_features(FeatureConfig(word_ngrams=None, char_ngrams=None, cues=True), pairwise=False)

    matrix = features.fit_transform(as_inputs(TEXTS))

    assert matrix.shape == (3, len(CUE_NAMES))


def test_build_features_word_ngram_range_is_applied():
    unigrams = build_features(FeatureConfig(word_ngrams=(1, 1), char_ngrams=None, cues=False), pairwise=False)
    bigrams = build_features(FeatureConfig(word_ngrams=(1, 2), char_ngrams=None, cues=False), pairwise=False)

    assert bigrams.fit_transform(as_inputs(TEXTS)).shape[1] > unigrams.fit_transform(as_inputs(TEXTS)).shape[1]


def test_build_features_output_is_sparse():
    import scipy.sparse as sp

    features = build_features(FeatureConfig(char_ngrams=None), pairwise=True)

    assert sp.issparse(features.fit_transform(as_inputs(TEXTS, TARGETS)))
