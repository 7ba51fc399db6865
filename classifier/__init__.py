"""Claim-type and stance classifiers for the sentences of news articles.

>>> import classifier
>>> model = classifier.load("models/default")          # doctest: +SKIP
>>> model.predict_article(open("article.txt").read())   # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["load", "UserError"]

from classifier.errors import UserError


def load(folder, allow_version_mismatch: bool = False):
    """Load a trained model folder (see :func:`classifier.persistence.load_model`)."""
    from classifier.persistence import load_model

    return load_model(folder, allow_version_mismatch=allow_version_mismatch)
