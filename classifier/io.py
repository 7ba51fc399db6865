"""Reading article files and writing outputs atomically."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from classifier.errors import UserError

log = logging.getLogger("classifier")

ARTICLE_SEPARATOR = "\f"
"""A form feed on its own line separates articles that share one file."""

_BINARY_SIGNATURES = {b"\x89PNG": "a PNG image", b"\x1f\x8b": "gzip-compressed", b"PK\x03\x04": "a ZIP archive",
                      b"%PDF": "a PDF document", b"PAR1": "a Parquet file", b"\xff\xd8\xff": "a JPEG image"}


def read_utf8_text(path: Path, kind: str) -> str:
    """The text of a UTF-8 file, refusing empty, binary and non-UTF-8 files.

    A byte-order mark is dropped with a warning. ``kind`` names what the file should be
    (e.g. "CSV file") in the messages.
    """
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError(f"{path}: file is empty; give a {kind}")
    for signature, description in _BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            raise UserError(f"{path}: binary file ({description}), not a {kind}")
    if b"\x00" in raw[:65536]:
        raise UserError(f"{path}: binary data (NUL bytes), not a {kind}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{path}: line {line}: not valid UTF-8 (byte {raw[exc.start]:#x}); "
                        "re-save the file as UTF-8 (e.g. from Latin-1)") from None
    if text.startswith("\ufeff"):
        log.warning("%s: starts with a UTF-8 byte-order mark; it was ignored", path)
        text = text[1:]
    return text


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
        read_utf8_text(path, "UTF-8 text article")
    return files


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
        yield from split_articles(read_utf8_text(path, "UTF-8 text article"), str(path))


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
