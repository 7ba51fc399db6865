"""Reading article files and writing outputs atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from classifier.errors import UserError

ARTICLE_SEPARATOR = "\f"
"""A form feed on its own line separates articles that share one file."""


def article_files(paths: list[Path]) -> list[Path]:
    """Expand folders to their ``.txt`` files (sorted) and check every file before any is used."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not found:
                raise UserError(f"{path}: folder has no .txt files; put one article per .txt file in it")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: article file not found")
    for path in files:
        _read_text(path)
    return files


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise UserError(f"{path}: binary file, not a UTF-8 text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}: line {line}: not valid UTF-8; re-save the article as UTF-8 text") from None
    if not text.strip():
        raise UserError(f"{path}: article file is empty")
    return text


def split_articles(text: str, name: str) -> Iterator[tuple[str, str]]:
    """Yield ``(name, article)`` for each article of a text, split on form-feed lines."""
    parts = [part for part in text.split(ARTICLE_SEPARATOR) if part.strip()]
    if len(parts) == 1:
        yield name, parts[0]
        return
    for number, part in enumerate(parts, start=1):
        yield f"{name}#{number}", part.strip("\r\n")


def read_articles(paths: list[Path], stdin: TextIO) -> Iterator[tuple[str, str]]:
    """Yield ``(name, text)`` for each article: of each file, folder, or of stdin for ``-``/none."""
    if not paths or paths == [Path("-")]:
        text = stdin.read()
        if not text.strip():
            raise UserError("<stdin>: no article text on standard input")
        yield from split_articles(text, "<stdin>")
        return
    for path in article_files(paths):
        yield from split_articles(_read_text(path), str(path))


def write_text_atomic(path: Path, chunks: Iterable[str] | str) -> None:
    """Write text to ``path`` through a temporary file beside it, renamed into place at the end."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name for --output")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent}: folder not found for --output")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except PermissionError:
        raise UserError(f"{path.parent}: folder is not writable; choose another --output") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            for chunk in [chunks] if isinstance(chunks, str) else chunks:
                out.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
