"""Config -> one fitted pipeline per task, scored on dev and test, saved as a model bundle."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from threadpoolctl import threadpool_limits

from classifier.config import Config
from classifier.errors import UserError
from classifier.evaluation import evaluate_pipelines, write_reports
from classifier.features import build_pipeline
from classifier.models import add_decision_weights, add_transformer, build_model
from classifier.persistence import check_output_folder, library_versions, save_model


@dataclass
class TrainingResult:
    folder: Path
    scores: dict  # {task: {"dev": scores, "test": scores}}
    seconds: float


def output_folder(config: Config, output: str | Path | None = None) -> Path:
    return Path(output) if output is not None else Path(config.output_dir) / config.name


def fit_task(config: Config, task: str, train_split):
    """Build and fit the pipeline of one task on the train split."""
    from classifier.data import column, split_inputs

    task_config = config.tasks[task]
    model = build_model(task_config.model, seed=config.seed)
    pipeline = build_pipeline(task_config.features, pairwise=task_config.input == "pair", model=model)
    pipeline = add_transformer(pipeline, task_config.transformer, seed=config.seed)
    pipeline = add_decision_weights(pipeline, task_config.decision_weights)
    X = split_inputs(train_split)
    try:
        # Multi-threaded BLAS slows the many small dense steps of these solvers (2x on 2 cores).
        with threadpool_limits(limits=1, user_api="blas"):
            return pipeline.fit(X, column(train_split, task))
    except ValueError as exc:
        raise UserError(f"task '{task}': training failed: {exc}") from None


def train(config: Config, output: str | Path | None = None, on_step: Callable[[str], None] | None = None) -> TrainingResult:
    """Train every task of ``config``, evaluate on dev and test and save the bundle atomically.

    Parameters
    ----------
    config : Config
        A validated config (see :func:`classifier.config.load_config`).
    output : str or Path, optional
        Model folder; by default ``<output_dir>/<name>`` from the config.
    on_step : callable, optional
        Called with a short description before each step (for progress bars).
    """
    from classifier.data import label_counts, load_corpus

    step = on_step or (lambda description: None)
    started = time.perf_counter()
    folder = output_folder(config, output)
    check_output_folder(folder)
    step("loading data")
    corpus, data_fingerprint = load_corpus(config)
    pipelines, scores = {}, {}
    for task in config.tasks:
        step(f"training {task}")
        pipelines[task] = fit_task(config, task, corpus["train"])
        step(f"evaluating {task}")
        scores[task] = evaluate_pipelines({task: pipelines[task]}, corpus, splits=("dev", "test"))[task]
    seconds = time.perf_counter() - started
    metadata = {
        "name": config.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "config": config.model_dump(mode="json"),
        "data_fingerprint": data_fingerprint,
        "label_counts": label_counts(corpus, config.tasks),
        "train_seconds": round(seconds, 2),
        "tasks": {
            task: {"file": f"{task}.joblib", "input": config.tasks[task].input,
                   "labels": [str(c) for c in pipelines[task].classes_], "scores": scores[task]}
            for task in config.tasks
        },
    }
    step("saving model")
    save_model(folder, pipelines, metadata, lambda staging: write_reports(staging, f"Model {config.name}", scores))
    return TrainingResult(folder, scores, seconds)
