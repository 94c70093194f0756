"""``diplograph xref | merge | not-same | split | judgements | undo-judgement``.

Reviewed identity decisions are recorded in ``<data_dir>/judgements.jsonl`` (see
``loaders.identity.judgements``), never in the fact sheets; ``api.identity`` checks each id
against the store before anything is written.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from rich.table import Table

from api.cli.common import err_console, opened, out_console
from api.identity import JudgementOutcome, candidate_dict, candidates, judge, split, undo
from api.settings import Settings
from graph.backends import Backends
from graph.errors import GraphError, QueryError
from graph.queries.refs import short_id
from loaders.identity.judgements import (
    JudgementFileError,
    JudgementLog,
    JudgementRefused,
    NoJudgement,
)

DEFAULT_LIMIT = 20


def register(subparsers: Any) -> None:
    """Add the identity subcommands."""
    xref = subparsers.add_parser(
        "xref",
        help="list candidate duplicate entities the rules did not merge",
        description="Candidate duplicates (similar names, transliterations, shared aliases, "
        "shared posts, same-day agreements between the same parties), best first, with the "
        "evidence for each; pairs judged not the same are left out.",
    )
    xref.add_argument("--limit", type=_positive, default=DEFAULT_LIMIT, help="pairs to show")
    xref.add_argument("--min-score", type=float, default=0.0, help="weakest score shown (0-100)")
    xref.add_argument("--json", action="store_true", help="JSON instead of a table")
    xref.set_defaults(handler=run_xref)

    for name, verdict, help_text in (
        ("merge", "same", "record that two ids are one entity"),
        ("not-same", "not-same", "record that two ids are different entities"),
    ):
        command = subparsers.add_parser(
            name,
            help=help_text,
            description=f"{help_text[0].upper()}{help_text[1:]} (canonical IRIs, former ids "
            "or short forms such as person/said-chengriha), then re-resolve both stores.",
        )
        command.add_argument("a", help="entity id")
        command.add_argument("b", help="entity id")
        _judgement_options(command)
        command.set_defaults(handler=_judge_handler(verdict))

    split_cmd = subparsers.add_parser(
        "split",
        help="take a former id out of the entity it was merged into",
        description="Record that the id is not the same as any other id merged into its entity.",
    )
    split_cmd.add_argument("id", help="a former (local) id of a merged entity")
    _judgement_options(split_cmd)
    split_cmd.set_defaults(handler=run_split)

    listing = subparsers.add_parser("judgements", help="list the recorded judgements")
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(handler=run_judgements)

    forget = subparsers.add_parser("undo-judgement", help="remove the judgement on two ids")
    forget.add_argument("a", help="entity id")
    forget.add_argument("b", help="entity id")
    forget.set_defaults(handler=run_undo)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _judgement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--note", help="why (kept with the judgement)")
    parser.add_argument("--by", default=None, help="who decides (default: the login name)")


def _log(settings: Settings) -> JudgementLog:
    return JudgementLog.for_data_dir(settings.data_dir)


def _by(args: argparse.Namespace) -> str:
    return str(args.by) if args.by else getpass.getuser()


def _refused(error: Exception, settings: Settings | None = None) -> int:
    if isinstance(error, JudgementFileError):
        for problem in error.problems:
            err_console.print(f"[red]error[/red]: {problem}", soft_wrap=True)
        where = _log(settings).path if settings is not None else None
        err_console.print(f"nothing was recorded: fix the judgement file ({where or 'above'})")
        return 2
    err_console.print(f"[red]error[/red]: {error}", soft_wrap=True)
    err_console.print("nothing was recorded")
    return 2


def _guarded(run: Callable[[Backends], JudgementOutcome], settings: Settings) -> int:
    with opened(settings) as backends:
        try:
            outcome = run(backends)
        except (JudgementRefused, JudgementFileError, NoJudgement, QueryError) as error:
            return _refused(error, settings)
        except GraphError as error:
            err_console.print(f"[red]error[/red]: {error}", soft_wrap=True)
            return 3
    for judgement in outcome.recorded:
        a, b = (short_id(i) for i in judgement.ids)
        out_console.print(f"recorded: {a} {judgement.judgement} {b}")
    verb = "replaced" if outcome.recorded else "removed"
    for judgement in outcome.replaced:
        a, b = (short_id(i) for i in judgement.ids)
        out_console.print(f"{verb}: {a} {judgement.judgement} {b} (of {judgement.at})")
    if outcome.report is not None:
        out_console.print(str(outcome.report))
    return 0


def _judge_handler(verdict: str) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        log = _log(settings)
        return _guarded(
            lambda b: judge(
                b.store, log, "same" if verdict == "same" else "not-same", args.a, args.b,
                by=_by(args), note=args.note,
            ),
            settings,
        )  # fmt: skip

    return run


def run_split(args: argparse.Namespace, settings: Settings) -> int:
    """Record not-same between a former id and the other ids of its entity."""
    log = _log(settings)
    return _guarded(lambda b: split(b.store, log, args.id, by=_by(args), note=args.note), settings)


def run_undo(args: argparse.Namespace, settings: Settings) -> int:
    """Remove the judgement on a pair and re-resolve."""
    log = _log(settings)
    return _guarded(lambda b: undo(b.store, log, args.a, args.b), settings)


def run_judgements(args: argparse.Namespace, settings: Settings) -> int:
    """Print the judgements in force as a table, JSON or CSV."""
    try:
        judgements = _log(settings).judgements()
    except JudgementFileError as error:
        return _refused(error, settings)
    rows = [j.as_dict() for j in judgements]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["a", "b", "judgement", "at", "by", "note"])
        for j in judgements:
            writer.writerow([*j.ids, j.judgement, j.at or "", j.by or "", j.note or ""])
    else:
        table = Table("a", "judgement", "b", "at", "by", "note")
        for j in judgements:
            a, b = (short_id(i) for i in j.ids)
            table.add_row(a, j.judgement, b, j.at or "", j.by or "", j.note or "")
        out_console.print(table)
    return 0


def run_xref(args: argparse.Namespace, settings: Settings) -> int:
    """Print candidate duplicates, best first."""
    with opened(settings) as backends:
        try:
            found = candidates(backends.store, _log(settings), min_score=args.min_score)
        except JudgementFileError as error:
            return _refused(error, settings)
    shown = found[: args.limit]
    if args.json:
        body = {"total": len(found), "items": [candidate_dict(c) for c in shown]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return 0
    table = Table("score", "kind", "a", "b", "evidence")
    for c in shown:
        evidence = "\n".join(
            f"{e.rule}: {e.detail} ({len(e.articles)} article(s))" for e in c.evidence
        )
        table.add_row(
            f"{c.score:.1f}",
            c.group,
            f"{c.names[0]}\n{short_id(c.a)}",
            f"{c.names[1]}\n{short_id(c.b)}",
            evidence,
        )
    out_console.print(table)
    out_console.print(f"{len(shown)} of {len(found)} candidate pair(s)")
    return 0
