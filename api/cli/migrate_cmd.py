"""``diplograph migrate FILE... [--in-place | -o OUT]``: rewrite format 1 sheets as format 2.

Works on files only (no store is opened). See :mod:`loaders.migrate` for what changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from api.cli.common import err_console
from api.settings import Settings
from loaders.errors import LoadError
from loaders.factsheet import SHEET_SUFFIXES
from loaders.migrate import migrate_text
from loaders.source import read_text


def register(subparsers: Any) -> None:
    """Add the ``migrate`` subcommand."""
    parser = subparsers.add_parser(
        "migrate",
        help="rewrite format 1 fact sheets as format 2",
        description="Rewrite fact sheets as format 2 (comments and key order kept): add "
        "`format: 2`, rename event `location` to `place`, write integer years as strings. A "
        "format 2 sheet is left unchanged. Without --in-place or -o, prints the result.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="fact sheets (.yaml, .json)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true", help="rewrite each file in place")
    where.add_argument(
        "-o", "--output", metavar="OUT", help="write here (a directory when several FILEs)"
    )
    parser.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate every file; exit 1 if one could not be read, 2 on a bad ``-o``."""
    files = [Path(f) for f in args.files]
    out = Path(args.output) if args.output else None
    if out is not None and len(files) > 1 and not out.is_dir():
        err_console.print(f"error: -o {out}: with several files, -o must be a directory")
        return 2
    if out is None and not args.in_place and len(files) > 1:
        err_console.print("error: several files: give --in-place or -o DIRECTORY")
        return 2
    failed = 0
    for path in files:
        try:
            text = read_text(path)
            fmt = SHEET_SUFFIXES.get(path.suffix.lower(), "yaml")
            migrated = migrate_text(text, str(path), fmt)
        except LoadError as error:
            err_console.print(str(error), soft_wrap=True)
            failed += 1
            continue
        _write(path, migrated, changed=migrated != text, out=out, in_place=args.in_place)
    return 1 if failed else 0


def _write(path: Path, text: str, *, changed: bool, out: Path | None, in_place: bool) -> None:
    if out is None and not in_place:
        sys.stdout.write(text)
        return
    target = path if in_place else _target(path, out)
    if changed or target != path:
        target.write_text(text, encoding="utf-8")
    state = "migrated" if changed else "already format 2, unchanged"
    err_console.print(f"{path}: {state}" + ("" if target == path else f" -> {target}"))


def _target(path: Path, out: Path | None) -> Path:
    assert out is not None  # callers pass out unless in_place
    return out / path.name if out.is_dir() else out
