"""The judgement log: reviewed identity decisions, kept apart from the articles.

Like the resolver of OpenSanctions' nomenklatura, positive ("same") and negative ("not-same")
decisions about pairs of entity ids are data of their own, never edits of the source fact sheets:
they live in one plain, diffable file, ``<data_dir>/judgements.jsonl``, one JSON object a line
with sorted keys::

    {"at": "2026-12-03T19:40:00Z", "by": "analyst", "ids": ["https://…/person/a",
    "https://…/person/b"], "judgement": "same", "note": null}

(on one line in the file).

* ``ids`` are two distinct entity IRIs (local ids as one article gives them, or canonical IRIs),
  kept in sorted order, so a pair has one spelling.
* **The last word wins**: one pair has at most one judgement; recording another replaces it (the
  new line goes to the end), and a file edited by hand that names a pair twice keeps its last line.
* Removing a judgement (undo) deletes its line.

Every change rewrites the file through a temporary file and an atomic rename, under a lock, so a
reader never sees half a file and two writers never lose each other's line. A file that is not
well formed is refused whole, with every bad line numbered (:class:`JudgementFileError`).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from loaders.errors import LoadError, Problem
from ontology.identifiers import iri_problem, preview

Verdict = Literal["same", "not-same"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
FILE_NAME = "judgements.jsonl"
KEYS = frozenset({"at", "by", "ids", "judgement", "note"})
MAX_BY_LENGTH = 200
MAX_NOTE_LENGTH = 2000

Pair = tuple[str, str]


class JudgementFileError(LoadError):
    """The judgement file is not well formed; ``problems`` name each bad line."""


class JudgementRefused(ValueError):
    """A judgement that cannot be recorded (unknown id, different kinds of entity, an entity
    with itself, a pair the rules force together…); nothing was written."""


class NoJudgement(LookupError):
    """There is no judgement on this pair (nothing to remove)."""


def now() -> str:
    """The current UTC time, to the second, as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pair(a: str, b: str) -> Pair:
    """The one spelling of an unordered pair of ids."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Judgement:
    """One reviewed decision about two entity ids."""

    ids: Pair
    judgement: Verdict
    at: str | None = field(default_factory=now)
    by: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", pair(*self.ids))

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of the file (and of the API)."""
        return {
            "at": self.at,
            "by": self.by,
            "ids": list(self.ids),
            "judgement": self.judgement,
            "note": self.note,
        }

    def line(self) -> str:
        """One line of the file: sorted keys, UTF-8 as is."""
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False) + "\n"


def judgement_problems(data: Any) -> list[str]:
    """What is wrong with one decoded line (empty when it is a valid judgement)."""
    if not isinstance(data, dict):
        return [f"expected a JSON object, found {type(data).__name__}"]
    problems = [
        f"unknown key {key!r} (known: {', '.join(sorted(KEYS))})" for key in data.keys() - KEYS
    ]
    problems += [f"missing key {key!r}" for key in sorted({"ids", "judgement"} - data.keys())]
    verdict = data.get("judgement")
    if "judgement" in data and verdict not in VERDICTS:
        problems.append(f"judgement must be 'same' or 'not-same', not {verdict!r}")
    if "ids" in data:
        problems += _ids_problems(data["ids"])
    problems += _text_problems(data, "by", MAX_BY_LENGTH) + _text_problems(
        data, "note", MAX_NOTE_LENGTH
    )
    at = data.get("at")
    if at is not None and (not isinstance(at, str) or not _is_timestamp(at)):
        problems.append(f"at must be an ISO 8601 timestamp, not {preview(str(at))!r}")
    return problems


def _ids_problems(ids: Any) -> list[str]:
    if not isinstance(ids, list) or len(ids) != 2 or not all(isinstance(i, str) for i in ids):
        return ["ids must be a list of two entity IRIs"]
    problems = [p for i in ids if (p := iri_problem(i, "id"))]
    if not problems and ids[0] == ids[1]:
        problems.append(f"ids name the same entity twice ({preview(ids[0])!r})")
    return problems


def _text_problems(data: dict[str, Any], key: str, limit: int) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, str):
        return [f"{key} must be a string or null"]
    if len(value) > limit:
        return [f"{key} is longer than {limit} characters"]
    return []


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _from_dict(data: dict[str, Any]) -> Judgement:
    ids = data["ids"]
    return Judgement(
        ids=(ids[0], ids[1]),
        judgement=data["judgement"],
        at=data.get("at"),
        by=data.get("by"),
        note=data.get("note"),
    )


def parse_judgements(raw: bytes, file: str = FILE_NAME) -> list[Judgement]:
    """The judgements of a file's content, last word per pair, in file order; blank lines are
    skipped. Raises :class:`JudgementFileError` naming every bad line."""
    found: dict[Pair, Judgement] = {}
    problems: list[Problem] = []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        if not chunk.strip():
            continue
        try:
            data = json.loads(chunk.decode("utf-8"))
        except UnicodeDecodeError as error:
            problems.append(Problem(file, number, "", f"not UTF-8 text: {error.reason}"))
            continue
        except json.JSONDecodeError as error:
            problems.append(
                Problem(file, number, "", f"not JSON: {error.msg} (column {error.colno})")
            )
            continue
        except (ValueError, RecursionError) as error:  # a 5,000-digit number, [[[[…
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            problems.append(Problem(file, number, "", f"not JSON: {preview(reason, 80)}"))
            continue
        if line_problems := judgement_problems(data):
            problems += [Problem(file, number, "", message) for message in line_problems]
            continue
        judgement = _from_dict(data)
        found.pop(judgement.ids, None)  # the last word wins, and goes last
        found[judgement.ids] = judgement
    if problems:
        raise JudgementFileError(problems)
    return list(found.values())


class JudgementLog:
    """The judgements of one data directory (``path`` None: kept in memory only).

    Reads go to the file every time (it is small, and a person may edit it); writes take a
    process lock and a file lock, read the file again, and replace it atomically.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: list[Judgement] = []
        self._lock = threading.Lock()

    @classmethod
    def for_data_dir(cls, data_dir: Path | None) -> JudgementLog:
        """The log of a data directory (``judgements.jsonl`` in it), in memory for None."""
        return cls(None if data_dir is None else Path(data_dir) / FILE_NAME)

    # ------------------------------------------------------------------ reading

    def judgements(self) -> list[Judgement]:
        """Every judgement in force, in the order recorded."""
        if self.path is None:
            return list(self._memory)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        # problems name the file, not its directory: an HTTP error must not reveal server paths
        return parse_judgements(raw, self.path.name)

    def get(self, a: str, b: str) -> Judgement | None:
        """The judgement on the pair ``a``, ``b``, if any."""
        key = pair(a, b)
        return next((j for j in self.judgements() if j.ids == key), None)

    def same_pairs(self) -> list[Pair]:
        """Pairs judged the same entity (strong links of the clustering)."""
        return [j.ids for j in self.judgements() if j.judgement == "same"]

    def not_same_pairs(self) -> list[Pair]:
        """Pairs judged different entities (no cluster may hold both)."""
        return [j.ids for j in self.judgements() if j.judgement == "not-same"]

    def involving(self, ids: Iterable[str]) -> list[Judgement]:
        """The judgements that name any of ``ids`` (what shaped an entity)."""
        wanted = set(ids)
        return [j for j in self.judgements() if wanted & set(j.ids)]

    # ------------------------------------------------------------------ writing

    def record(self, judgements: Iterable[Judgement]) -> list[Judgement]:
        """Record judgements, each replacing any earlier one on its pair, all in one write;
        returns the judgements they replaced."""
        new = list(judgements)
        with self._editing() as current:
            replaced = []
            for judgement in new:
                if (old := current.pop(judgement.ids, None)) is not None:
                    replaced.append(old)
                current[judgement.ids] = judgement
        return replaced

    def remove(self, a: str, b: str) -> Judgement:
        """Undo the judgement on a pair; :class:`NoJudgement` when there is none."""
        key = pair(a, b)
        with self._editing() as current:
            if key not in current:
                raise NoJudgement(f"no judgement on {key[0]} and {key[1]}")
            return current.pop(key)

    @contextmanager
    def _editing(self) -> Iterator[dict[Pair, Judgement]]:
        """The judgements by pair, written back (atomically) when the block ends cleanly."""
        with self._lock, self._file_lock():
            current = {j.ids: j for j in self.judgements()}
            yield current
            self._write(list(current.values()))

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name("." + self.path.name + ".lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, judgements: list[Judgement]) -> None:
        if self.path is None:
            self._memory = judgements
            return
        text = "".join(j.line() for j in judgements).encode("utf-8")
        handle, temporary = tempfile.mkstemp(prefix=".judgements-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)
