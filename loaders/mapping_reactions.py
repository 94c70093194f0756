"""Format 2, part "reactions": facts about facts, mapped after every other fact of the sheet.

* ``reactions:`` → ``dg:Reaction`` nodes: ``dg:reactor``, ``dg:stance``, ``dg:towards`` the fact
  (or ``dg:towardsRef "article-id#local-id"`` for another article's fact), ``dg:pointInTime``,
  ``dg:asOf``, the evidence;
* ``in_response_to:`` on agreements, events, influences, relations and reactions →
  ``dg:inResponseTo`` (an IRI) or ``dg:inResponseToRef`` (another article's reference, resolved
  when reading through ``dg:localRef``, as identity resolves ``dg:sameAsRef``);
* ``quantity:`` on an influence → flat ``dg:quantityValue``/``dg:quantityUnit``/``dg:share``/
  ``dg:shareOf``/``dg:quantityApproximate`` properties (Neo4j gets them as node properties);
* an ``id`` on an influence, relation or reaction → ``dg:localRef`` (other articles can name it).

The pass runs last (:meth:`loaders.mapping._Builder.build`), so ``towards`` and
``in_response_to`` may name any fact of the sheet, earlier or later in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from rdflib import Literal, URIRef
from rdflib import namespace as rdf_ns

from loaders.checks import local_fact_id, responding
from loaders.errors import render_path
from loaders.iris import KeyField
from loaders.model import Evidence, FactSheet, Quantity, Reaction
from loaders.source import Path
from loaders.terms import Terms
from loaders.vocab import resolve_concept
from ontology import namespace as ns

DG, RDF = Terms(ns.DG), Terms(rdf_ns.RDF)


class Builder(Protocol):
    """What this pass uses of the article builder (:class:`loaders.mapping._Builder`)."""

    sheet: FactSheet
    refs: dict[str, URIRef]

    def minted(self) -> dict[str, URIRef]:
        """The node minted for each sheet entry, by its rendered path."""
        ...

    def add(self, subject: URIRef, predicate: URIRef, value: URIRef | Literal | None) -> None:
        """Add a triple unless ``value`` is None."""
        ...

    def text(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        """Add a string literal unless None."""
        ...

    def date(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        """Add a date literal unless None."""
        ...

    def ref(self, subject: URIRef, predicate: URIRef, local: str | None) -> None:
        """Add the IRI of a local id unless None."""
        ...

    def concept(self, subject: URIRef, predicate: URIRef, scheme: str, text: str | None) -> None:
        """Add the concept of a notation or label (minting it if new)."""
        ...

    def mint(self, kind: str, path: Path, key: Sequence[KeyField], extra: str | None) -> URIRef:
        """A fact IRI for ``key``."""
        ...

    def evidence(self, fact: URIRef, items: list[Evidence], path: Path) -> None:
        """Add the evidence of a fact."""
        ...


def map_facts_about_facts(builder: Builder) -> None:
    """Add the reactions, responses, quantities and fact ids of ``builder.sheet``."""
    sheet = builder.sheet
    nodes = builder.minted()
    named = [("influences", i, x.id) for i, x in enumerate(sheet.influences)]
    named += [("relations", i, x.id) for i, x in enumerate(sheet.relations)]
    for section, i, local in named:
        if local:
            _name_fact(builder, nodes[render_path((section, i))], local)
    for i, influence in enumerate(sheet.influences):
        if influence.quantity is not None:
            _quantity(builder, nodes[render_path(("influences", i))], influence.quantity)
    reactions = [_mint_reaction(builder, r, i) for i, r in enumerate(sheet.reactions)]
    for i, (reaction, node) in enumerate(zip(sheet.reactions, reactions, strict=True)):
        _reaction(builder, reaction, node, ("reactions", i))
        nodes[render_path(("reactions", i))] = node
    for path, _, targets in responding(sheet):
        for target in targets:
            _respond(builder, nodes[render_path(path)], target)


def _name_fact(builder: Builder, node: URIRef, local: str) -> None:
    """Register a fact's local id and say it as ``dg:localRef`` for other articles."""
    builder.refs[local] = node
    builder.text(node, DG.localRef, f"{builder.sheet.article.id}#{local}")


def _decimal(value: float) -> Literal:
    """A YAML number as an ``xsd:integer`` when whole (``2000``), else an ``xsd:decimal``
    (``0.75``). A whole ``xsd:decimal`` has no lexical form every writer keeps: Oxigraph
    stores ``2000``, rdflib's Turtle writes ``2000.0``, so exports would not round-trip."""
    if float(value).is_integer():
        return Literal(int(value))
    return Literal(Decimal(str(value)))


def _quantity(builder: Builder, node: URIRef, quantity: Quantity) -> None:
    """The flat quantity properties of an influence."""
    if quantity.value is not None:
        builder.add(node, DG.quantityValue, _decimal(quantity.value))
    builder.text(node, DG.quantityUnit, quantity.unit)
    if quantity.share is not None:
        builder.add(node, DG.share, _decimal(quantity.share))
    builder.text(node, DG.shareOf, quantity.of)
    if quantity.approximate is not None:
        builder.add(node, DG.quantityApproximate, Literal(quantity.approximate))


def _target_key(builder: Builder, target: str) -> str:
    """What a target contributes to a reaction's key: the fact's IRI, else the text as written
    (another article's reference; a reaction of this sheet, by its ``article-id#id``)."""
    local = local_fact_id(builder.sheet, target)
    if local is None:
        return target
    node = builder.refs.get(local)
    return str(node) if node is not None else f"{builder.sheet.article.id}#{local}"


def _mint_reaction(builder: Builder, reaction: Reaction, i: int) -> URIRef:
    """The IRI of a reaction (registered under its id, so others may name it)."""
    actor = builder.refs[reaction.actor]
    stance = str(resolve_concept("stance", reaction.stance).iri)
    key = [actor, stance, _target_key(builder, reaction.towards), reaction.when]
    node = builder.mint("reaction", ("reactions", i), key, reaction.description or reaction.id)
    if reaction.id:
        _name_fact(builder, node, reaction.id)
    return node


def _reaction(builder: Builder, reaction: Reaction, node: URIRef, path: Path) -> None:
    """The statements of one reaction."""
    builder.add(node, RDF.type, DG.Reaction)
    builder.ref(node, DG.reactor, reaction.actor)
    builder.concept(node, DG.stance, "stance", reaction.stance)
    _point(builder, node, DG.towards, DG.towardsRef, reaction.towards)
    builder.date(node, DG.pointInTime, reaction.when)
    builder.date(node, DG.asOf, reaction.as_of)
    builder.text(node, DG.description, reaction.description)
    builder.evidence(node, reaction.evidence, path)


def _respond(builder: Builder, node: URIRef, target: str) -> None:
    """``node dg:inResponseTo`` the target (or ``dg:inResponseToRef`` its reference)."""
    _point(builder, node, DG.inResponseTo, DG.inResponseToRef, target)


def _point(builder: Builder, node: URIRef, to_iri: URIRef, to_ref: URIRef, target: str) -> None:
    """Link ``node`` to a fact of this sheet or an IRI, or keep another article's reference."""
    local = local_fact_id(builder.sheet, target)
    if local is not None:
        builder.add(node, to_iri, builder.refs[local])
    elif ":" in target:
        builder.add(node, to_iri, URIRef(target))
    else:
        builder.text(node, to_ref, target)
