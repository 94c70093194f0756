"""How facts of each kind are told apart, and in which order kinds are placed."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.namespace import RDF

from ontology.namespace import DG


@dataclass(frozen=True)
class FactSpec:
    """How facts of one class are told apart."""

    kind: str
    cls: str
    exact: tuple[str, ...]
    optional: tuple[str, ...] = ()
    members: str | None = None
    dates: tuple[tuple[str, bool], ...] = ()
    """Date predicates, each with whether an absent date matches any date."""
    texts: tuple[str, ...] = ()


def _p(*terms: object) -> tuple[str, ...]:
    return tuple(str(t) for t in terms)


SPECS: tuple[tuple[FactSpec, ...], ...] = (
    (
        FactSpec(
            "agreement",
            str(DG.Agreement),
            _p(RDF.type),
            members=str(DG.party),
            dates=((str(DG.dateSigned), True),),
            texts=_p(DG.title, DG.alias),
        ),
        FactSpec(
            "event",
            str(DG.Event),
            _p(DG.eventKind),
            optional=_p(DG.location),
            members=str(DG.participant),
            dates=((str(DG.startDate), False), (str(DG.endDate), True)),
        ),
        FactSpec(
            "tenure",
            str(DG.Tenure),
            _p(DG.holder, DG.post),
            dates=((str(DG.startDate), True), (str(DG.endDate), True)),
        ),
        FactSpec(
            "relation",
            str(DG.Relation),
            _p(DG.relationSubject, DG.relationObject, DG.relationKind),
            dates=((str(DG.startDate), True), (str(DG.endDate), True)),
        ),
        FactSpec(
            "influence",
            str(DG.Influence),
            _p(DG.influencer, DG.influenced, DG.influenceKind, DG.direction),
            dates=((str(DG.startDate), True), (str(DG.endDate), True)),
        ),
    ),
    (
        FactSpec("signature", str(DG.Signature), _p(DG.agreement, DG.signatory, DG.onBehalfOf)),
        FactSpec(
            "commitment",
            str(DG.Commitment),
            _p(DG.agreement, DG.commitmentKind, DG.area, DG.actor, DG.dueDate),
        ),
    ),
)
"""Fact kinds by phase: a phase's keys use the IRIs the earlier phases chose."""
