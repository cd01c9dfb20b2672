"""The block classifier: a linear model with calibrated probabilities (scikit-learn).

A logistic-regression model fitted by stochastic gradient descent
(``SGDClassifier(loss="log_loss")``, L2 penalty ``alpha``, seeded), on the block
features of :mod:`analysis.ingest.speakers.features`, predicts whether the guest speaks
in a block. Its scores are calibrated by Platt's sigmoid (Platt 1999, "Probabilistic
outputs for support vector machines") fitted on out-of-fold scores, the folds being
*groups of episodes* (``GroupKFold``), so that no episode calibrates its own scores:
scikit-learn's ``CalibratedClassifierCV(method="sigmoid", ensemble=False)``. The result
is one coefficient vector plus the two sigmoid parameters,
``p(guest) = 1 / (1 + exp(a * (x . w + b0) + b))``, which :mod:`analysis.ingest.speakers.model`
stores as plain numbers.
"""
from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold

ALPHA = 2e-6
EPOCHS = 15


def base_classifier(random_state: int = 0, alpha: float = ALPHA) -> SGDClassifier:
    """The uncalibrated linear model (logistic loss, seeded)."""
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=EPOCHS, tol=None, random_state=random_state)


def fit_calibrated(X, y, groups, *, random_state: int = 0, folds: int = 3) -> dict:
    """Fit and calibrate; return ``{"coef", "intercept", "a", "b"}`` (numpy arrays and floats)."""
    splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
    model = CalibratedClassifierCV(base_classifier(random_state), method="sigmoid", cv=splits, ensemble=False).fit(X, y)
    fitted = model.calibrated_classifiers_[0]
    calibrator = fitted.calibrators[0]
    return {"coef": fitted.estimator.coef_.ravel().astype(float), "intercept": float(fitted.estimator.intercept_[0]),
            "a": float(calibrator.a_), "b": float(calibrator.b_), "sklearn_model": model}


def guest_probability(X, coef, intercept: float, a: float, b: float) -> np.ndarray:
    """Calibrated ``p(guest)`` per row of ``X`` from the stored numbers."""
    score = X @ np.asarray(coef) + intercept
    return 1.0 / (1.0 + np.exp(a * score + b))


GAP_ALPHA = 1e-6
GAP_EPOCHS = 10


def fit_gap_classifier(X, y, *, random_state: int = 0, alpha: float = GAP_ALPHA) -> dict:
    """Logistic regression (SGD, seeded) of "the speaker changes before this word" on gap tokens.

    Not calibrated: its log-odds enter the decoder shifted by a switch offset that is chosen
    on validation episodes (``train.py``), which plays the calibration's part.
    Returns ``{"coef", "intercept"}``.
    """
    model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=GAP_EPOCHS, tol=None,
                          random_state=random_state).fit(X, y)
    return {"coef": model.coef_.ravel().astype(float), "intercept": float(model.intercept_[0])}
