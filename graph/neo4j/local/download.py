"""Fetch the jars of a lock file from a Maven repository: parallel, resumable, verified.

Each jar is downloaded to ``<lib>.download/<file>.part`` (a sibling of ``lib/``, so never on the
server's class path), resumed with an HTTP ``Range`` request when a ``.part`` is already there,
checked against the lock file's size and SHA-256, and only then moved into ``lib/``. Jars already
in ``lib/`` are verified the same way; one that does not match is refused, deleted and fetched
again. A jar the repository does not have, or serves with other bytes, is an error naming its
coordinates and URL; the other jars are still fetched, so that a second run has less to do.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from graph.neo4j.local.layout import Neo4jLocalError, Progress
from graph.neo4j.local.lockfile import Lock, LockedJar

MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2/"
WORKERS = 4
"""Jars fetched at once: most are small, so a few connections hide the per-request latency."""
ATTEMPTS = 4
"""Tries per jar when the connection drops; each try resumes where the last one stopped."""
REPORT_EVERY_S = 2.0
USER_AGENT = "diplograph-neo4j-local (+https://pypi.org/project/diplograph/)"


@dataclass
class FetchReport:
    """What one ``fetch_jars`` call did."""

    verified: int = 0
    """Jars already in ``lib/`` and intact."""
    refused: list[str] = field(default_factory=list)
    """Jars in ``lib/`` that did not match the lock file (deleted and fetched again)."""
    downloaded: int = 0
    resumed: int = 0
    """Downloads that continued a ``.part`` file with a Range request."""
    bytes_received: int = 0


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def mismatch(path: Path, jar: LockedJar) -> str | None:
    """Why the file at ``path`` is not ``jar`` (size first: cheap), or None when it is."""
    size = path.stat().st_size
    if size != jar.size:
        return f"{size} bytes instead of {jar.size}"
    digest = sha256_of(path)
    if digest != jar.sha256:
        return f"SHA-256 {digest} instead of {jar.sha256}"
    return None


def verify(lock: Lock, lib: Path) -> list[str]:
    """What is wrong with ``lib`` compared with ``lock`` (missing, extra or altered jars)."""
    problems = []
    for jar in lock.jars:
        path = lib / jar.file_name
        problem = mismatch(path, jar) if path.is_file() else "missing"
        if problem is not None:
            problems.append(f"{jar.coordinates} ({jar.file_name}): {problem}")
    wanted = {jar.file_name for jar in lock.jars}
    problems += [
        f"{path.name}: not in the lock file"
        for path in sorted(lib.glob("*.jar"))
        if path.name not in wanted
    ]
    return problems


def partial_dir(lib: Path) -> Path:
    """Where unfinished downloads wait: beside the real ``lib`` directory, on the same disk."""
    real = lib.resolve()
    return real.with_name(real.name + ".download")


class _Tally:
    """Progress shared by the download threads: bytes and jars, reported every few seconds."""

    def __init__(self, jars: int, size: int, progress: Progress) -> None:
        self.jars, self.size, self.progress = jars, size, progress
        self.done_jars = self.done_bytes = 0
        self._lock = threading.Lock()
        self._last = time.monotonic()

    def add(self, received: int, *, finished: bool = False) -> None:
        with self._lock:
            self.done_bytes += received
            self.done_jars += finished
            now = time.monotonic()
            if now - self._last < REPORT_EVERY_S and not (finished and self.done_jars == self.jars):
                return
            self._last = now
            self.progress(
                f"  {self.done_jars}/{self.jars} jars, "
                f"{_mb(self.done_bytes)} of {_mb(self.size)} MB"
            )


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


class _Retryable(Exception):
    """A server error worth another try (5xx, 429), as for a dropped connection."""


class _Cancelled(Exception):
    """Another thread failed hard (or the user pressed Ctrl-C): stop this download, keep .part."""


@dataclass
class _Job:
    """One jar to download, and what the threads need to do it."""

    jar: LockedJar
    url: str
    part: Path
    target: Path


def fetch_jars(
    lock: Lock,
    repository: str,
    lib: Path,
    progress: Progress,
    *,
    workers: int = WORKERS,
) -> FetchReport:
    """Make ``lib`` hold exactly the jars of ``lock``, each verified; download what is missing.

    Raises Neo4jLocalError naming every jar that could not be fetched or did not match.
    """
    lib.mkdir(parents=True, exist_ok=True)
    report = FetchReport()
    todo = _check_cached(lock, lib, progress, report)
    _remove_strays(lock, lib, progress)
    if not todo:
        return report
    parts = partial_dir(lib)
    parts.mkdir(exist_ok=True)
    jobs = [
        _Job(jar, jar.url(repository), parts / f"{jar.file_name}.part", lib / jar.file_name)
        for jar in todo
    ]
    size = sum(jar.size for jar in todo)
    progress(f"downloading {len(todo)} jars ({_mb(size)} MB) from {repository}")
    tally = _Tally(len(todo), size, progress)
    errors = _run(jobs, tally, report, workers)
    report.bytes_received = tally.done_bytes
    if errors:
        listed = "\n".join(f"  {error}" for error in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise Neo4jLocalError(
            f"{len(errors)} of the {len(lock.jars)} Neo4j {lock.neo4j_version} jars could not be "
            f"fetched from {repository} (nothing unverified was put in {lib}; run again to "
            f"resume):\n{listed}{more}"
        )
    if not any(parts.iterdir()):
        parts.rmdir()
    return report


def _check_cached(
    lock: Lock, lib: Path, progress: Progress, report: FetchReport
) -> list[LockedJar]:
    """Verify the jars already in ``lib``; delete those that do not match. Returns the rest."""
    todo = []
    for jar in lock.jars:
        path = lib / jar.file_name
        if not path.is_file():
            todo.append(jar)
            continue
        problem = mismatch(path, jar)
        if problem is None:
            report.verified += 1
            continue
        progress(f"refusing {path} ({jar.coordinates}): {problem}; fetching it again")
        path.unlink()
        report.refused.append(jar.coordinates)
        todo.append(jar)
    return todo


def _remove_strays(lock: Lock, lib: Path, progress: Progress) -> None:
    """Delete jars that the lock file does not list: on the class path they could clash."""
    wanted = {jar.file_name for jar in lock.jars}
    strays = sorted(path for path in lib.glob("*.jar") if path.name not in wanted)
    for path in strays:
        path.unlink()
    if strays:
        progress(f"removed {len(strays)} jars not in the lock file from {lib}")


def _run(jobs: list[_Job], tally: _Tally, report: FetchReport, workers: int) -> list[str]:
    """Download the jobs on ``workers`` threads; the error messages of those that failed."""
    stop = threading.Event()
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    timeout = httpx.Timeout(60.0, connect=20.0)
    with (
        httpx.Client(headers=headers, timeout=timeout, limits=limits, follow_redirects=True) as c,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jar") as pool,
    ):
        futures: dict[Future[bool], _Job] = {
            pool.submit(_fetch, c, job, tally, stop): job for job in jobs
        }
        try:
            wait(futures)
        except BaseException:
            stop.set()
            pool.shutdown(cancel_futures=True)
            raise
    errors = []
    for future, job in futures.items():
        error = future.exception()
        if error is None:
            report.downloaded += 1
            report.resumed += future.result()
        elif isinstance(error, Neo4jLocalError):
            errors.append(str(error))
        else:
            errors.append(f"{job.jar.coordinates} ({job.url}): {type(error).__name__}: {error}")
    return errors


def _fetch(client: httpx.Client, job: _Job, tally: _Tally, stop: threading.Event) -> bool:
    """Download one jar into its ``.part``, verify it, move it into ``lib``; True if resumed."""
    resumed = False
    last_error = ""
    for attempt in range(ATTEMPTS):
        try:
            resumed = _transfer(client, job, tally, stop) or resumed
        except (httpx.TransportError, _Retryable) as error:  # dropped, timed out: .part kept
            last_error = f"{type(error).__name__}: {error}"
            time.sleep(min(0.5 * 2**attempt, 4.0))
            continue
        problem = mismatch(job.part, job.jar)
        if problem is None:
            os.replace(job.part, job.target)
            tally.add(0, finished=True)
            return resumed
        tally.add(-job.part.stat().st_size)
        job.part.unlink()
        if not resumed:
            raise Neo4jLocalError(
                f"{job.jar.coordinates} ({job.url}): checksum mismatch, the repository served "
                f"{problem}; refused"
            )
        resumed = False  # the kept beginning may have come from another file: once afresh
        last_error = f"the resumed download did not match ({problem})"
    raise Neo4jLocalError(
        f"{job.jar.coordinates} ({job.url}): failed {ATTEMPTS} times, last: {last_error}"
    )


def _transfer(client: httpx.Client, job: _Job, tally: _Tally, stop: threading.Event) -> bool:
    """One request: the whole jar, or its rest after ``.part``. True when it appended."""
    offset = job.part.stat().st_size if job.part.exists() else 0
    if offset >= job.jar.size:  # complete but unverified, or too long: let the check decide
        return offset > 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with client.stream("GET", job.url, headers=headers) as response:
        if response.status_code == 404:
            raise Neo4jLocalError(
                f"{job.jar.coordinates} is missing from the repository: {job.url} answered 404"
            )
        if response.status_code >= 500 or response.status_code == 429:
            raise _Retryable(f"{response.status_code} {response.reason_phrase}")
        appending = offset > 0 and response.status_code == 206 and _range_start(response) == offset
        if not appending and response.status_code != 200:
            raise Neo4jLocalError(
                f"{job.jar.coordinates} ({job.url}): the repository answered "
                f"{response.status_code} {response.reason_phrase}"
            )
        if appending:
            tally.add(offset)
        with open(job.part, "ab" if appending else "wb") as out:
            for chunk in response.iter_raw():  # unbuffered: what arrived is kept if it breaks
                if stop.is_set():
                    raise _Cancelled(job.jar.coordinates)
                out.write(chunk)
                tally.add(len(chunk))
    return appending


def _range_start(response: httpx.Response) -> int | None:
    """The first byte of a 206 answer (``Content-Range: bytes 100-199/200`` → 100)."""
    value = response.headers.get("Content-Range", "")
    unit, _, span = value.partition(" ")
    start = span.partition("-")[0]
    return int(start) if unit == "bytes" and start.isdigit() else None
