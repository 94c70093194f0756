"""The command line as a user runs it: exit codes, messages, and nothing written on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph.rdf.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "loaders" / "bad"


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env["DIPLOGRAPH_DATA_DIR"] = str(data_dir)
    env["DIPLOGRAPH_CACHE_DIR"] = str(data_dir / "cache")
    return subprocess.run(
        [sys.executable, "-m", "api.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_load_then_stats_and_articles(tmp_path: Path) -> None:
    loaded = run("load", "examples", data_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 2 article(s)" in loaded.stdout  # both example articles
    stats = run("stats", data_dir=tmp_path)
    assert "in 2 articles" in stats.stdout
    assert "defensescoop-2025-01-us-algeria-mou" in run("articles", data_dir=tmp_path).stdout


def test_a_bad_file_fails_the_batch_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    result = run("load", "examples", str(BAD / "unknown-entity.yaml"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "unknown-entity.yaml:" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert OxigraphStore(tmp_path).counts().triples == 0


def test_keep_going_loads_the_good_file_and_exits_1(tmp_path: Path) -> None:
    result = run("load", "--keep-going", "examples", str(BAD / "malformed.yaml"), data_dir=tmp_path)
    assert result.returncode == 1
    assert "1 file(s) refused" in result.stdout
    assert OxigraphStore(tmp_path).counts().articles == 2


def test_validate_writes_nothing(tmp_path: Path) -> None:
    result = run("validate", "examples", str(BAD / "impossible-date.yaml"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "2 valid, 1 invalid" in result.stdout
    assert OxigraphStore(tmp_path).counts().triples == 0


def test_a_data_dir_in_use_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    holder = OxigraphStore(tmp_path)  # holds the lock, like a running server
    result = run("stats", data_dir=tmp_path)
    del holder
    assert result.returncode == 3
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_retracting_an_over_long_id_is_a_clear_error(tmp_path: Path) -> None:
    result = run("retract", "a" * 100_000, data_dir=tmp_path)
    assert result.returncode != 0
    assert "the limit is 2,000" in result.stderr and len(result.stderr) < 2_000


def test_retracting_an_unknown_article_is_an_error(tmp_path: Path) -> None:
    result = run("retract", "no-such-article", data_dir=tmp_path)
    assert result.returncode == 3
    assert "no-such-article" in result.stderr
