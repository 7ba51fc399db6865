"""Load labelled article sentences, validate them and split them by article.

The canonical row has ``article_id``, ``sentence_id``, ``text``, ``target`` (what stance is
toward: by default the article's headline, i.e. its first sentence), one column per task label
and ``split``. Files are read with Hugging Face ``datasets``; every problem is raised as a
:class:`~classifier.errors.UserError` naming the file, the row and the column.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from classifier.config import Config, DataConfig, SplitConfig, TaskConfig
from classifier.errors import UserError, did_you_mean
from classifier.io import read_utf8_text

log = logging.getLogger("classifier")

SPLITS = ("train", "dev", "test")
_SPLIT_ALIASES = {"train": "train", "training": "train", "dev": "dev", "validation": "dev",
                  "valid": "dev", "val": "dev", "test": "test", "testing": "test"}
_FORMATS_BY_SUFFIX = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".json": "jsonl",
                      ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class Table:
    """Canonical rows, column by column, with where each row came from (for error messages)."""

    source: str
    columns: dict[str, list] = field(default_factory=dict)
    where: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.where)


# ----------------------------------------------------------------------------- reading files


def resolve_source(data: DataConfig) -> tuple[str, str]:
    """Return the path (or Hub id) to read and its format."""
    path = Path(data.path)
    if data.file:
        path = path / data.file
    fmt = data.format
    if fmt == "auto":
        if path.is_dir():
            fmt = "disk" if _is_saved_dataset(path) else "hub"
        elif path.exists():
            fmt = _FORMATS_BY_SUFFIX.get(path.suffix.lower())
            if fmt is None:
                raise UserError(f"{path}: unknown file type '{path.suffix}'; use .csv, .jsonl or .parquet, "
                                "or set data.format")
        elif _looks_like_hub_id(data.path) and not data.file:
            fmt = "hub"
        else:
            raise UserError(f"{path}: file not found; check data.path (relative paths start at the current folder)")
    if fmt in ("csv", "jsonl", "parquet") and not path.is_file():
        what = "is a folder, not a file; set data.file to the file inside it" if path.is_dir() else "file not found"
        raise UserError(f"{path}: {what}")
    if fmt == "disk" and not path.is_dir():
        raise UserError(f"{path}: a dataset saved with save_to_disk must be a folder")
    return str(path), fmt


def _is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_dict.json").is_file() or (path / "state.json").is_file()


def _looks_like_hub_id(name: str) -> bool:
    """``owner/name`` that is not a local path: no data-file suffix, no existing first folder."""
    parts = name.split("/")
    return (len(parts) == 2 and all(parts) and not name.startswith((".", "/", "~"))
            and Path(name).suffix.lower() not in _FORMATS_BY_SUFFIX and not Path(parts[0]).exists())


def read_file(path: str, fmt: str):
    """Read a data file (or saved dataset, or Hub id) into a ``datasets.Dataset``.

    A saved ``DatasetDict`` comes back as one dataset with a ``split`` column.
    """
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    if fmt in ("csv", "jsonl"):
        _check_text_file(Path(path), fmt)
    elif fmt == "parquet":
        _check_parquet_file(Path(path))
    try:
        if fmt == "csv":
            delimiter = "\t" if path.lower().endswith(".tsv") else ","
            as_text = datasets.Features({name: datasets.Value("string") for name in _csv_header(path, delimiter)})
            dataset = datasets.load_dataset("csv", data_files=path, split="train", delimiter=delimiter,
                                            features=as_text, keep_default_na=False, encoding="utf-8-sig")
        elif fmt == "jsonl":
            dataset = datasets.load_dataset("json", data_files=path, split="train")
        elif fmt == "parquet":
            dataset = datasets.load_dataset("parquet", data_files=path, split="train")
        elif fmt == "disk":
            dataset = datasets.load_from_disk(path)
        else:
            dataset = datasets.load_dataset(path)
    except UserError:
        raise
    except Exception as exc:  # datasets wraps parser errors of every kind; report the root cause
        raise UserError(_read_failure(path, fmt, exc)) from None
    if isinstance(dataset, datasets.DatasetDict):
        dataset = _flatten_splits(dataset)
    return dataset


def _read_failure(path: str, fmt: str, exc: Exception) -> str:
    cause = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if fmt == "hub":
        return (f"{path}: could not load this dataset from the Hugging Face Hub ({reason}); without network, "
                "save it with save_to_disk on a connected machine and give that folder")
    if fmt == "disk":
        return f"{path}: not a complete dataset saved with save_to_disk ({reason}); save it again"
    return f"{path}: could not read as {fmt.upper()} ({reason})"


def _flatten_splits(dataset_dict):
    import datasets

    parts = []
    for name, part in dataset_dict.items():
        if "split" in part.column_names:
            part = part.remove_columns("split")
        parts.append(part.add_column("split", [name] * len(part)))
    return datasets.concatenate_datasets(parts)


def _check_text_file(path: Path, fmt: str) -> None:
    """Refuse empty, binary and non-UTF-8 files; warn about a byte-order mark or CRLF line ends."""
    text = read_utf8_text(path, f"{fmt.upper()} file with a header and rows")
    if "\r\n" in text[:65536]:
        log.warning("%s: has Windows (CRLF) line ends; they were read as plain line ends", path)
    if fmt == "jsonl":
        _check_json_lines(path, text)
    else:
        _check_csv_header(path, text)


def _check_csv_header(path: Path, text: str) -> None:
    header, _, rest = text.partition("\n")
    if "," not in header and not path.name.lower().endswith(".tsv"):
        for delimiter in (";", "\t", "|"):
            if delimiter in header:
                name = "tab" if delimiter == "\t" else f"'{delimiter}'"
                raise UserError(f"{path}: line 1: columns are separated by {name}; CSV files must use commas "
                                "(re-export the file as comma-separated, or name it .tsv for tabs)")
    if not rest.strip():
        raise UserError(f"{path}: has a header but no data rows")


def _csv_header(path: str, delimiter: str) -> list[str]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter))
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise UserError(f"{path}: line 1: column '{duplicates[0]}' appears twice in the header; rename one")
    return header


def _check_json_lines(path: Path, text: str) -> None:
    rows = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}: line {number}: not valid JSON ({exc.msg}); each line must be one JSON object") from None
        if not isinstance(record, dict):
            raise UserError(f"{path}: line {number}: a JSON {type(record).__name__}, not an object; "
                            "each line must be one object such as {\"text\": ...}")
        rows += 1
    if rows == 0:
        raise UserError(f"{path}: file has no JSON lines")


def _check_parquet_file(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head != b"PAR1":
        raise UserError(f"{path}: not a Parquet file (it does not start with 'PAR1')")


def _row_names(fmt: str, count: int, splits: list[str] | None) -> list[str]:
    """How to name each row in a message: spreadsheet rows for CSV, lines for JSONL."""
    if fmt == "csv":
        return [f"row {i + 2}" for i in range(count)]
    if fmt == "jsonl":
        return [f"line {i + 1}" for i in range(count)]
    if splits is not None:
        seen: Counter = Counter()
        names = []
        for split in splits:
            names.append(f"{split} row {seen[split] + 1}")
            seen[split] += 1
        return names
    return [f"row {i + 1}" for i in range(count)]


# ----------------------------------------------------------------------------- canonical rows


def read_rows(data: DataConfig, tasks: dict[str, TaskConfig], labels: dict[str, list[str]] | None = None) -> Table:
    """Read the configured data into canonical rows and check each row.

    Parameters
    ----------
    data : DataConfig
        Where the data is and how its columns map onto the canonical ones.
    tasks : dict of TaskConfig
        The tasks whose label columns to read (label maps applied).
    labels : dict, optional
        Allowed labels per task (e.g. a saved model's); overrides the tasks' ``labels``.
    """
    path, fmt = resolve_source(data)
    dataset = read_file(path, fmt)
    if data.join is not None:
        dataset = _join(dataset, data.join, path, fmt)
    present = set(dataset.column_names)
    split_column = data.split.column if data.split.column in present else None
    if split_column is None and "split" in present and fmt == "disk":
        split_column = "split"
    raw = dataset.to_dict()
    count = len(dataset)
    if count == 0:
        raise UserError(f"{path}: has no data rows")
    table = Table(source=path, where=_row_names(fmt, count, raw.get(split_column) if fmt == "disk" else None))

    def column(name: str | None, config_key: str, required: bool = True) -> list | None:
        """The column's values as text; ``config_key`` is where the user maps it."""
        if name is None:
            return None
        if name in present:
            return [None if value is None else str(value) for value in raw[name]]
        explicitly_mapped = config_key.rpartition(".")[2] in data.columns.model_fields_set
        if required or (config_key.startswith("data.columns.") and explicitly_mapped):
            found = ", ".join(sorted(present))
            raise UserError(f"{path}: missing column '{name}'{did_you_mean(name, present)}; "
                            f"columns found: {found} (set {config_key})")
        return None

    text = column(data.columns.text, "data.columns.text")
    for i, value in enumerate(text):
        if value is None or not value.strip():
            raise UserError(f"{path}: {table.where[i]}: column '{data.columns.text}' is empty; "
                            "remove the row or fill in the sentence")
    article_ids = column(data.columns.article_id, "data.columns.article_id")
    for i, value in enumerate(article_ids):
        if value is None or not value.strip():
            raise UserError(f"{path}: {table.where[i]}: column '{data.columns.article_id}' is empty; every row needs its article's id")
    sentence_ids = column(data.columns.sentence_id, "data.columns.sentence_id", required=False) or _number_within(article_ids)
    table.columns.update(article_id=article_ids, sentence_id=sentence_ids, text=text)
    _check_unique_ids(table)
    targets = column(data.columns.target, "data.columns.target", required=False)
    table.columns["target"] = [t if t else "" for t in targets] if targets else _headlines(table)
    for task, task_config in tasks.items():
        allowed = (labels or {}).get(task) or task_config.labels
        table.columns[task] = _read_labels(table, task, task_config, allowed, column)
    table.columns["split"] = _read_splits(table, column(split_column, "data.split.column", required=False))
    return table


def _join(dataset, join, path: str, fmt: str):
    """Add ``join.columns`` of a second file to each row, matched on ``join.key``."""
    base = Path(path) if fmt == "disk" else Path(path).parent
    other_path = Path(join.path) if Path(join.path).is_absolute() else base / join.path
    if not other_path.exists():
        raise UserError(f"{other_path}: join file not found; check data.join.path (relative to the data file's folder)")
    other = read_file(str(other_path), _FORMATS_BY_SUFFIX.get(other_path.suffix.lower(), "csv"))
    for name, columns in ((path, dataset.column_names), (str(other_path), other.column_names)):
        if join.key not in columns:
            raise UserError(f"{name}: missing join column '{join.key}' (data.join.key){did_you_mean(join.key, columns)}")
    wanted = join.columns or [c for c in other.column_names if c != join.key and c not in dataset.column_names]
    for name in wanted:
        if name not in other.column_names:
            raise UserError(f"{other_path}: missing column '{name}' listed in data.join.columns"
                            f"{did_you_mean(name, other.column_names)}")
    keys = [str(k) for k in other[join.key]]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    if duplicates:
        raise UserError(f"{other_path}: join key '{duplicates[0]}' appears more than once in column '{join.key}'")
    index = {key: i for i, key in enumerate(keys)}
    positions = []
    for i, key in enumerate(str(k) for k in dataset[join.key]):
        if key not in index:
            where = _row_names(fmt, i + 1, None)[i]
            raise UserError(f"{path}: {where}: '{join.key}' = '{key}' has no match in {other_path}")
        positions.append(index[key])
    for name in wanted:
        values = other[name]
        dataset = dataset.add_column(name, [values[p] for p in positions])
    return dataset


def _number_within(article_ids: list[str]) -> list[str]:
    seen: Counter = Counter()
    numbers = []
    for article in article_ids:
        numbers.append(str(seen[article]))
        seen[article] += 1
    return numbers


def _check_unique_ids(table: Table) -> None:
    first_seen: dict[tuple[str, str], int] = {}
    for i, key in enumerate(zip(table.columns["article_id"], table.columns["sentence_id"])):
        if key in first_seen:
            raise UserError(f"{table.source}: {table.where[i]}: duplicate (article_id, sentence_id) = {key} "
                            f"(first at {table.where[first_seen[key]]}); ids must be unique")
        first_seen[key] = i


def _headlines(table: Table) -> list[str]:
    """Each article's first sentence (lowest sentence_id), used as the default stance target."""
    first: dict[str, tuple] = {}
    for article, sentence, text in zip(table.columns["article_id"], table.columns["sentence_id"], table.columns["text"]):
        order = (0, int(sentence), "") if sentence.lstrip("-").isdigit() else (1, 0, sentence)
        if article not in first or order < first[article][0]:
            first[article] = (order, text)
    return [first[article][1] for article in table.columns["article_id"]]


def _read_labels(table: Table, task: str, config: TaskConfig, allowed: list[str] | None, column) -> list[str]:
    name = config.label_column or task
    values = column(name, f"tasks.{task}.label_column")
    labels = []
    for i, value in enumerate(values):
        if value is None or not value.strip() or value.lower() == "nan":
            raise UserError(f"{table.source}: {table.where[i]}: column '{name}' has no label; "
                            "label the row or remove it")
        label = config.label_map.get(value, value)
        if allowed is not None and label not in allowed:
            hint = (f"; map it with tasks.{task}.label_map" if not config.label_map else
                    f"{did_you_mean(label, allowed)}")
            raise UserError(f"{table.source}: {table.where[i]}: unknown label '{value}' in column '{name}' "
                            f"(expected one of {', '.join(allowed)}){hint}")
        labels.append(label)
    return labels


def _read_splits(table: Table, values: list[str] | None) -> list[str | None]:
    if values is None:
        return [None] * len(table)
    splits = []
    for i, value in enumerate(values):
        split = _SPLIT_ALIASES.get((value or "").strip().lower())
        if split is None:
            raise UserError(f"{table.source}: {table.where[i]}: unknown split '{value}' "
                            "(use train, dev/validation or test)")
        splits.append(split)
    first_split: dict[str, tuple[str, int]] = {}
    for i, (article, split) in enumerate(zip(table.columns["article_id"], splits)):
        seen = first_split.setdefault(article, (split, i))
        if seen[0] != split:
            raise UserError(f"{table.source}: {table.where[i]}: article '{article}' is in split '{split}' here but in "
                            f"'{seen[0]}' at {table.where[seen[1]]}; all sentences of an article must share one split")
    return splits


# ----------------------------------------------------------------------------- splitting


def split_by_article(table: Table, config: SplitConfig, seed: int, stratify: str | None) -> dict[str, list[int]]:
    """Row indices per split: the file's own split where given, the rest split by article.

    Splits missing from the file (all of them, or dev, or test) are carved out of the train rows,
    grouped by ``article_id`` and stratified by the ``stratify`` task's labels as far as groups allow.
    """
    given = table.columns["split"]
    if given[0] is None:
        rows = {"train": list(range(len(table))), "dev": [], "test": []}
    else:
        rows = {name: [i for i, s in enumerate(given) if s == name] for name in SPLITS}
    test_carved = not rows["test"]
    if test_carved:
        rows["train"], rows["test"] = _carve(table, rows["train"], config.test_size, seed, stratify, "test")
    if not rows["dev"]:
        share = config.dev_size / (1 - config.test_size) if test_carved else config.dev_size
        rows["train"], rows["dev"] = _carve(table, rows["train"], share, seed, stratify, "dev")
    return rows


def _carve(table: Table, rows: list[int], share: float, seed: int, stratify: str | None, name: str):
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [table.columns["article_id"][i] for i in rows]
    folds = max(2, round(1 / share))
    if len(set(groups)) < folds:
        raise UserError(f"{table.source}: only {len(set(groups))} articles in train; need at least {folds} to hold "
                        f"out a {name} split of {share:.0%} by article (add articles, or add a split column)")
    labels = [table.columns[stratify][i] for i in rows] if stratify else [0] * len(rows)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    keep, held = next(splitter.split(np.zeros(len(rows)), labels, groups))
    return [rows[i] for i in keep], [rows[i] for i in held]


def check_splits(table: Table, rows: dict[str, list[int]], tasks) -> None:
    """Every train label needs 2+ examples; dev and test may only use labels seen in train."""
    for task in tasks:
        labels = table.columns[task]
        train_counts = Counter(labels[i] for i in rows["train"])
        declared = tasks[task].labels or []
        for label in declared:
            if train_counts[label] == 0:
                raise UserError(f"{table.source}: label '{label}' of task '{task}' has no example in train; "
                                f"add examples or remove it from tasks.{task}.labels")
        for label, count in train_counts.items():
            if count < 2:
                where = table.where[next(i for i in rows["train"] if labels[i] == label)]
                raise UserError(f"{table.source}: {where}: label '{label}' of task '{task}' has only 1 example in "
                                "train; a class needs at least 2 (add examples or merge the label)")
        if len(train_counts) < 2:
            raise UserError(f"{table.source}: task '{task}' has only one label in train ('{next(iter(train_counts))}'); "
                            "a classifier needs at least two")
        for split in ("dev", "test"):
            for i in rows[split]:
                if labels[i] not in train_counts:
                    raise UserError(f"{table.source}: {table.where[i]}: label '{labels[i]}' of task '{task}' is in "
                                    f"{split} but never in train; add train examples or fix the label")


def to_dataset_dict(table: Table, rows: dict[str, list[int]]):
    """The rows of each split (``{split: row indices}``) as a ``datasets.DatasetDict``."""
    import datasets

    names = [c for c in table.columns if c != "split"]
    parts = {}
    for split in rows:
        picked = {name: [table.columns[name][i] for i in rows[split]] for name in names}
        features = datasets.Features({name: datasets.Value("string") for name in names})
        parts[split] = datasets.Dataset.from_dict(picked, features=features)
    return datasets.DatasetDict(parts)


def load_corpus(config: Config):
    """Read, validate and split the config's data: a ``DatasetDict`` and the data's fingerprint."""
    table = read_rows(config.data, config.tasks)
    first_task = next(iter(config.tasks))
    rows = split_by_article(table, config.data.split, config.seed, stratify=first_task)
    check_splits(table, rows, config.tasks)
    return to_dataset_dict(table, rows), fingerprint(table)


def fingerprint(table: Table) -> str:
    """SHA-256 of the canonical rows: equal fingerprints mean equal training data."""
    digest = hashlib.sha256()
    for name in sorted(table.columns):
        digest.update(name.encode())
        for value in table.columns[name]:
            digest.update(b"\x1f" + str(value).encode("utf-8"))
    return digest.hexdigest()


def label_counts(dataset_dict, tasks) -> dict[str, dict[str, dict[str, int]]]:
    """``{task: {split: {label: count}}}`` for reports and ``data validate``."""
    return {task: {split: dict(sorted(Counter(dataset_dict[split][task]).items())) for split in dataset_dict}
            for task in tasks}
