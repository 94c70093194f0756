"""Reviewed identity decisions: ``merge``, ``not-same``, ``split``, undo, and ``xref``.

The one place where the judgement log meets the stores, so the CLI and the HTTP API check and
record judgements the same way. Every id is checked before anything is written: an unknown id,
two entities of different kinds (a Country and a Person), an entity with itself, or a not-same
the rules overrule (two countries with one ISO code) is refused with
:class:`loaders.identity.judgements.JudgementRefused` and the log is left as it was. After a
change, both stores are re-resolved with the judgements (:func:`apply_judgements`); if that
fails, the change to the log is undone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from api.identity_records import IdentityRecords, identity_records
from api.ingest import IngestReport, reresolve
from graph.errors import QueryError
from graph.queries.refs import short_id, to_iri
from graph.writer import GraphStore
from loaders.identity.judgements import Judgement, JudgementLog, JudgementRefused, Verdict
from loaders.identity.xref import Candidate, find_candidates

GROUP_LABELS = {
    "person": "a person",
    "organization": "an organisation",
    "country": "a country",
    "region": "a region",
    "post": "a post",
    "agreement": "an agreement",
    "group": "a collective actor",
}


@dataclass(frozen=True)
class Resolved:
    """An id as given, its IRI, and the entity it belongs to now."""

    given: str
    iri: str
    canonical: str
    group: str
    iso: str | None


@dataclass(frozen=True)
class JudgementOutcome:
    """What a command recorded (and what it replaced); ``report`` is the re-resolution's."""

    recorded: list[Judgement]
    replaced: list[Judgement]
    report: IngestReport | None = None


def resolve_id(records: IdentityRecords, text: str) -> Resolved:
    """An entity or agreement id (IRI, ``id:…`` or short form ``person/x``; a canonical IRI or
    a former, local id); :class:`JudgementRefused` when it is not one the store knows."""
    try:
        iri = to_iri(text)
    except QueryError as error:
        raise JudgementRefused(str(error)) from None
    found = records.by_id().get(iri)
    if found is None:
        raise JudgementRefused(
            f"unknown id {text!r}: no entity or agreement of the loaded articles has this id "
            "(canonical or former)"
        )
    canonical, group, iso = found
    return Resolved(text, iri, canonical, group, iso)


def check_pair(verdict: Verdict, a: Resolved, b: Resolved) -> None:
    """Refuse a judgement the data cannot take (see the module docstring)."""
    if a.iri == b.iri:
        raise JudgementRefused(f"{a.given!r} and {b.given!r} are the same id")
    if a.group != b.group:
        raise JudgementRefused(
            f"{short_id(a.iri)} is {GROUP_LABELS[a.group]} and {short_id(b.iri)} is "
            f"{GROUP_LABELS[b.group]}: only entities of one kind can be the same"
        )
    if verdict == "same" and a.canonical == b.canonical:
        raise JudgementRefused(
            f"{short_id(a.iri)} and {short_id(b.iri)} are already one entity "
            f"({short_id(a.canonical)}): nothing to merge"
        )
    if verdict == "same" and a.iso and b.iso and a.iso != b.iso:
        raise JudgementRefused(
            f"{short_id(a.iri)} ({a.iso}) and {short_id(b.iri)} ({b.iso}) have different ISO "
            "codes: countries with different codes are different states"
        )
    if verdict == "not-same" and a.group == "country" and a.canonical == b.canonical and a.iso:
        raise JudgementRefused(
            f"{short_id(a.iri)} and {short_id(b.iri)} share the ISO code {a.iso}: the rules "
            "make them one state whatever a judgement says"
        )


def apply_judgements(store: GraphStore, log: JudgementLog) -> IngestReport:
    """Re-resolve both stores with the judgements, in one transaction of each."""
    return reresolve(store, log)


@contextmanager
def _undone_on_error(
    log: JudgementLog, recorded: list[Judgement], replaced: list[Judgement]
) -> Iterator[None]:
    """Put the log back as it was when the re-resolution after a change fails."""
    try:
        yield
    except BaseException:
        for judgement in recorded:
            log.remove(*judgement.ids)
        log.record(replaced)
        raise


def _commit(store: GraphStore, log: JudgementLog, new: list[Judgement]) -> JudgementOutcome:
    replaced = log.record(new)
    with _undone_on_error(log, new, replaced):
        report = apply_judgements(store, log)
    return JudgementOutcome(new, replaced, report)


def judge(
    store: GraphStore,
    log: JudgementLog,
    verdict: Verdict,
    a: str,
    b: str,
    *,
    by: str | None = None,
    note: str | None = None,
) -> JudgementOutcome:
    """Record that ``a`` and ``b`` are (``same``) or are not (``not-same``) one entity."""
    records = identity_records(store.rdf)
    left, right = resolve_id(records, a), resolve_id(records, b)
    check_pair(verdict, left, right)
    return _commit(store, log, [Judgement((left.iri, right.iri), verdict, by=by, note=note)])


def split(
    store: GraphStore, log: JudgementLog, a: str, *, by: str | None = None, note: str | None = None
) -> JudgementOutcome:
    """Take the local id ``a`` out of the entity it is merged into: not-same between ``a`` and
    each other id of that entity."""
    records = identity_records(store.rdf)
    target = resolve_id(records, a)
    others = [i for i in records.merged_ids(target.canonical) if i != target.iri]
    if not others:
        raise JudgementRefused(
            f"{short_id(target.iri)} is not merged with any other id: nothing to split"
        )
    if target.group == "country" and target.iso:
        raise JudgementRefused(
            f"{short_id(target.iri)} has the ISO code {target.iso}: the rules make every id with "
            "that code one state"
        )
    new = [Judgement((target.iri, other), "not-same", by=by, note=note) for other in others]
    return _commit(store, log, new)


def undo(store: GraphStore, log: JudgementLog, a: str, b: str) -> JudgementOutcome:
    """Remove the judgement on a pair (``NoJudgement`` when there is none) and re-resolve."""
    iris = to_iri(a), to_iri(b)
    removed = log.remove(*iris)
    try:
        report = apply_judgements(store, log)
    except BaseException:
        log.record([removed])
        raise
    return JudgementOutcome([], [removed], report)


def candidates(store: GraphStore, log: JudgementLog, *, min_score: float = 0.0) -> list[Candidate]:
    """xref over the whole store: candidate duplicates, best first, without the pairs already
    judged (either way)."""
    records = identity_records(store.rdf)
    return find_candidates(
        records.entities,
        records.tenures,
        records.agreements,
        [j.ids for j in log.judgements()],
        min_score=min_score,
    )


def candidate_dict(candidate: Candidate) -> dict[str, Any]:
    """The JSON form of a candidate pair (CLI ``--json`` and HTTP)."""
    return {
        "ids": [candidate.a, candidate.b],
        "names": list(candidate.names),
        "group": candidate.group,
        "score": candidate.score,
        "evidence": [
            {
                "rule": e.rule,
                "detail": e.detail,
                "score": e.score,
                "names": list(e.names),
                "articles": list(e.articles),
            }
            for e in candidate.evidence
        ],
    }
