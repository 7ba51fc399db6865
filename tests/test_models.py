"""The logistic regression's binary models are fitted in threads, to the same model as without."""

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from classifier.config import ModelConfig
from classifier.estimators import OneVsRestInThreads
from classifier.models import build_model


def _unsorted_counts(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """A float64 matrix with unsorted column indices and repeated entries, as the n-gram counts come."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(60), 8)
    columns = rng.integers(0, 40, size=len(rows))
    X = sp.csr_matrix((np.ones(len(rows)), columns, np.arange(0, len(rows) + 1, 8)), shape=(60, 40))
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, size=60)]
    return X, y


def test_logistic_regression_fits_its_binary_models_in_threads():
    model = build_model(ModelConfig(name="logistic_regression"))
    assert isinstance(model, OneVsRestInThreads)
    assert model.n_jobs == -1


def test_solvers_that_draw_random_numbers_fit_without_threads():
    for params in ({"dual": True}, {"penalty": "l1"}, {"l1_ratio": 1.0}):
        model = build_model(ModelConfig(name="logistic_regression", **params))
        assert type(model) is OneVsRestClassifier


def test_threaded_fit_gives_the_model_fitted_without_threads():
    X, y = _unsorted_counts()
    estimator = LogisticRegression(solver="liblinear", C=4.0)
    threaded = OneVsRestInThreads(estimator, n_jobs=-1).fit(X.copy(), y)
    serial = OneVsRestClassifier(estimator).fit(X.copy(), y)
    for ours, theirs in zip(threaded.estimators_, serial.estimators_):
        np.testing.assert_array_equal(ours.coef_, theirs.coef_)


def test_threaded_fit_sorts_the_matrix_before_the_threads_share_it():
    X, y = _unsorted_counts()
    assert not X.has_canonical_format
    OneVsRestInThreads(LogisticRegression(solver="liblinear"), n_jobs=-1).fit(X, y)
    assert X.has_canonical_format
