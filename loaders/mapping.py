"""Map a checked, resolved fact sheet to RDF, following ``docs/data-model.md``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib import namespace as rdf_ns

from loaders.article import ArticleGraph
from loaders.dates import date_literal, duration_literal
from loaders.errors import Problem, render_path
from loaders.iris import KeyField, article_iri, fact_iri, post_iri
from loaders.mapping_reactions import map_facts_about_facts
from loaders.model import (
    Agreement,
    Ended,
    Entity,
    Evidence,
    FactSheet,
    GroupEntity,
    OrganizationEntity,
    PersonEntity,
    PlaceEntity,
    Qualified,
    RegionEntity,
    Role,
    Spanned,
)
from loaders.resolve import Resolution, Resolved
from loaders.source import Document, Path
from loaders.terms import Terms, text_literal
from loaders.vocab import resolve_concept
from ontology import namespace as ns
from ontology.lifecycle import ENDING_EVENT_KINDS
from ontology.namespace import GEONAMES, WD, concept
from ontology.triples import TripleSet

DG, GEO, OWL, RDF, XSD = (Terms(n) for n in (ns.DG, ns.GEO, rdf_ns.OWL, rdf_ns.RDF, rdf_ns.XSD))
"""The namespaces of the triples written, each term made once (see :mod:`loaders.terms`)."""
TRUE = Literal(True)

Object = URIRef | Literal

AGREEMENT_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "mou": (DG.Agreement, DG.MOU),
    "treaty": (DG.Agreement, DG.Treaty),
    "declaration": (DG.Agreement, DG.Declaration),
    "roadmap": (DG.Agreement, DG.Roadmap),
    "contract": (DG.Agreement, DG.Contract),
    "agreement": (DG.Agreement,),
}
ENTITY_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "country": (DG.Country,),
    "organization": (DG.Organization,),
    "person": (DG.Person,),
    "official": (DG.Person, DG.Official),
    "group": (DG.CollectiveActor,),
    "region": (DG.Region,),
    "place": (DG.Place,),
}


def _iri(scheme: str, text: str | None) -> str | None:
    """The concept IRI of a notation or label (key fields use IRIs, not spellings)."""
    return None if text is None else str(resolve_concept(scheme, text).iri)


def build_article(
    sheet: FactSheet, doc: Document, resolution: Resolution, warnings: list[Problem]
) -> ArticleGraph:
    """The article graph of ``sheet`` (already validated, checked and resolved)."""
    builder = _Builder(sheet, doc, resolution)
    builder.build()
    return ArticleGraph(
        iri=builder.article,
        triples=builder.triples,
        source=doc.file,
        warnings=[*warnings, *builder.warnings],
        entities=list(resolution.records),
        origins=builder.origins,
    )


class _Builder:
    def __init__(self, sheet: FactSheet, doc: Document, resolution: Resolution) -> None:
        self.sheet, self.doc = sheet, doc
        self.article = article_iri(sheet.article.id)
        self.triples = TripleSet()
        self.items = self.triples.items  # the hot path adds to the dict directly
        self.refs: dict[str, URIRef] = {k: v.iri for k, v in resolution.entities.items()}
        self.resolved = resolution.entities
        self.origins: dict[URIRef, tuple[str, int | None]] = {}
        self.warnings: list[Problem] = []

    # ------------------------------------------------------------------ helpers

    def add(self, subject: URIRef, predicate: URIRef, value: Object | None) -> None:
        if value is not None:
            self.items[(subject, predicate, value)] = None

    def text(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        self.add(subject, predicate, None if value is None else text_literal(value))

    def date(self, subject: URIRef, predicate: URIRef, value: str | None) -> None:
        self.add(subject, predicate, None if value is None else date_literal(value))

    def ref(self, subject: URIRef, predicate: URIRef, local: str | None) -> None:
        self.add(subject, predicate, None if local is None else self.refs[local])

    def refs_of(self, subject: URIRef, predicate: URIRef, locals_: list[str]) -> None:
        for local in locals_:
            self.ref(subject, predicate, local)

    def concept(self, subject: URIRef, predicate: URIRef, scheme: str, text: str | None) -> None:
        if text is None:
            return
        choice = resolve_concept(scheme, text)
        for triple in choice.triples:
            self.items[triple] = None
        self.add(subject, predicate, choice.iri)

    def origin(self, node: URIRef, path: Path) -> None:
        self.origins.setdefault(node, (render_path(path), self.doc.line(path)))

    def minted(self) -> dict[str, URIRef]:
        """The node minted for each sheet entry, by its rendered path (``agreements[0]``): the
        format 2 passes run after the sections and find their facts' nodes here."""
        return {where: node for node, (where, _) in self.origins.items()}

    def mint(self, kind: str, path: Path, key: Sequence[KeyField], extra: str | None) -> URIRef:
        """A fact IRI; told apart by ``extra`` (or its path) if another entry has the same key."""
        iri = fact_iri(kind, *key)
        first = self.origins.get(iri)
        if first is not None and first[0] != render_path(path):
            iri = fact_iri(kind, *key, extra or render_path(path))
            self.warnings.append(
                self.doc.problem(
                    path,
                    f"same key fields as {first[0]} (line {first[1]}): kept as a separate "
                    f"{kind} <{iri}>; merge the two entries if they state the same fact",
                    "warning",
                )
            )
        self.origin(iri, path)
        return iri

    def evidence(self, fact: URIRef, items: list[Evidence], path: Path) -> None:
        for j, item in enumerate(items):
            node = fact_iri("evidence", str(self.article), str(fact), item.quote)
            self.origin(node, (*path, "evidence", j))
            self.add(node, RDF.type, DG.Evidence)
            self.text(node, DG.quote, item.quote)
            self.add(node, DG.inArticle, self.article)
            self.ref(node, DG.claimedBy, item.claimed_by)
            self.text(node, DG.claimant, item.claimant)
            if item.anonymous is not None:
                self.add(node, DG.anonymous, Literal(item.anonymous))
            if item.confidence is not None:
                self.add(node, DG.confidence, Literal(Decimal(str(item.confidence))))
            self.add(fact, DG.evidence, node)

    def cross_refs(
        self, node: URIRef, local: str | None, aliases: list[str], same_as: list[str]
    ) -> None:
        """What lets other articles name an agreement or event: its ``article-id#local-id``,
        its aliases, and the IRIs or references it is declared the same as."""
        if local:
            self.text(node, DG.localRef, f"{self.sheet.article.id}#{local}")
        for alias in aliases:
            self.text(node, DG.alias, alias)
        for other in same_as:
            if "#" in other and ":" not in other:
                self.text(node, DG.sameAsRef, other)
            else:
                self.add(node, OWL.sameAs, URIRef(other))

    # ------------------------------------------------------------------ sections

    def build(self) -> None:
        for i, entity in enumerate(self.sheet.entities):
            self.entity(entity, ("entities", i))
        self.article_node()
        self.posts()
        self.tenures()
        for i, agreement in enumerate(self.sheet.agreements):
            self.agreement(agreement, ("agreements", i))
        self.influences()
        self.events()
        self.relations()
        self.time_qualifiers()
        self.lifecycle()
        map_facts_about_facts(self)  # format 2: reactions, in_response_to, quantities
        self.actors_v2()

    def article_node(self) -> None:
        meta, node = self.sheet.article, self.article
        self.origin(node, ("article",))
        self.add(node, RDF.type, DG.Article)
        self.text(node, DG.title, meta.title)
        self.text(node, DG.url, meta.url)
        self.date(node, DG.date, meta.published)
        self.ref(node, DG.publisher, meta.publisher)
        self.refs_of(node, DG.author, meta.authors)

    def entity(self, entity: Entity, path: Path) -> None:
        resolved: Resolved = self.resolved[entity.id]
        node = resolved.iri
        self.origin(node, path)
        for cls in ENTITY_CLASSES[entity.type]:
            self.add(node, RDF.type, cls)
        self.text(node, DG.name, resolved.name)
        for alias in resolved.aliases:
            self.text(node, DG.alias, alias)
        self.text(node, DG.isoCode, resolved.iso)
        if resolved.historic:
            self.add(node, DG.historic, TRUE)
        if entity.wikidata:
            self.text(node, DG.wikidata, entity.wikidata)
            self.add(node, OWL.sameAs, WD[entity.wikidata])
        for other in entity.same_as:
            if URIRef(other) != node:
                self.add(node, OWL.sameAs, URIRef(other))
        self.entity_details(entity, node)

    def entity_details(self, entity: Entity, node: URIRef) -> None:
        if isinstance(entity, OrganizationEntity):
            self.concept(node, DG.organizationKind, "organization-kind", entity.kind)
            self.ref(node, DG.partOf, entity.part_of)
            self.ref(node, DG.country, entity.country)
        elif isinstance(entity, PersonEntity):
            self.text(node, DG.honorific, entity.honorific)
            self.ref(node, DG.nationality, entity.nationality)
        elif isinstance(entity, GroupEntity):
            self.concept(node, DG.groupKind, "group-kind", entity.kind)
            self.refs_of(node, DG.member, entity.members)
        elif isinstance(entity, RegionEntity):
            self.refs_of(node, DG.includes, entity.includes)
        elif isinstance(entity, PlaceEntity):
            self.place(entity, node)

    def place(self, entity: PlaceEntity, node: URIRef) -> None:
        """A place's kind, country, WGS84 coordinates and GeoNames id; what the gazetteer
        supplied is named by ``dg:fromGazetteer`` (derived, not stated by the article)."""
        facts = self.resolved[entity.id].place
        assert facts is not None  # resolution gives every place its facts
        self.concept(node, DG.placeKind, "place-kind", entity.kind)
        self.add(node, DG.country, facts.country)
        if facts.lat is not None and facts.lon is not None:
            self.add(node, GEO.lat, Literal(Decimal(str(facts.lat)), datatype=XSD.decimal))
            self.add(node, GEO.long, Literal(Decimal(str(facts.lon)), datatype=XSD.decimal))
        if facts.geonames is not None:
            self.add(node, DG.geonamesId, Literal(facts.geonames))
            self.add(node, OWL.sameAs, GEONAMES[f"{facts.geonames}/"])
        for name in sorted(facts.derived):
            self.text(node, DG.fromGazetteer, name)

    def posts(self) -> None:
        for i, post in enumerate(self.sheet.posts):
            node = post_iri(post.name)
            self.refs[post.id] = node
            self.origin(node, ("posts", i))
            self.add(node, RDF.type, DG.Post)
            self.text(node, DG.name, post.name)
            for alias in post.aliases:
                self.text(node, DG.alias, alias)
            self.ref(node, DG.postIn, post.in_)

    def tenures(self) -> None:
        for i, tenure in enumerate(self.sheet.tenures):
            path: Path = ("tenures", i)
            holder, post = self.refs[tenure.holder], self.refs[tenure.post]
            node = self.mint("tenure", path, [holder, post, tenure.start], tenure.end)
            self.add(node, RDF.type, DG.Tenure)
            self.add(node, DG.holder, holder)
            self.add(node, DG.post, post)
            self.date(node, DG.startDate, tenure.start)
            self.date(node, DG.endDate, tenure.end)
            self.evidence(node, tenure.evidence, path)

    def agreement(self, agreement: Agreement, path: Path) -> None:
        parties = [self.refs[p] for p in agreement.parties]
        signed = agreement.signed.date if agreement.signed else None
        node = self.mint("agreement", path, [agreement.kind, parties, signed], agreement.title)
        if agreement.id:
            self.refs[agreement.id] = node
        self.cross_refs(node, agreement.id, agreement.aliases, agreement.same_as)
        for cls in AGREEMENT_CLASSES[agreement.kind]:
            self.add(node, RDF.type, cls)
        self.text(node, DG.title, agreement.title)
        self.refs_of(node, DG.party, agreement.parties)
        self.date(node, DG.dateSigned, signed)
        self.ref(node, DG.placeSigned, agreement.signed.place if agreement.signed else None)
        if agreement.legally_binding is not None:
            self.add(node, DG.legallyBinding, Literal(agreement.legally_binding))
        for area in agreement.areas:
            self.concept(node, DG.coversArea, "area", area)
        for body in agreement.establishes:
            self.ref(node, DG.establishes, body.body)
            if body.meets is not None:
                self.add(self.refs[body.body], DG.meetingFrequency, duration_literal(body.meets))
            self.date(self.refs[body.body], DG.firstMeeting, body.first_meeting)
        self.refs_of(node, DG.negotiatedBy, agreement.negotiated_by)
        self.text(node, DG.negotiationPeriod, agreement.negotiation_period)
        self.evidence(node, agreement.evidence, path)
        self.signatures(agreement, node, signed, path)
        self.commitments(agreement, node, path)

    def signatures(
        self, agreement: Agreement, parent: URIRef, signed: str | None, path: Path
    ) -> None:
        for j, sig in enumerate(agreement.signatories):
            sig_path: Path = (*path, "signatories", j)
            signer = self.refs[sig.signatory]
            behalf = self.refs[sig.on_behalf_of] if sig.on_behalf_of else None
            node = self.mint("signature", sig_path, [parent, signer, behalf], None)
            self.add(node, RDF.type, DG.Signature)
            self.add(node, DG.agreement, parent)
            self.add(node, DG.signatory, signer)
            self.add(node, DG.onBehalfOf, behalf)
            self.date(node, DG.date, signed)
            self.evidence(node, sig.evidence, sig_path)

    def commitments(self, agreement: Agreement, parent: URIRef, path: Path) -> None:
        for j, item in enumerate(agreement.commitments):
            c_path: Path = (*path, "commitments", j)
            actors = [self.refs[a] for a in item.actors]
            kind, area = _iri("commitment-kind", item.kind), _iri("area", item.area)
            key = [parent, kind, area, actors, item.due]
            node = self.mint("commitment", c_path, key, item.description)
            self.add(node, RDF.type, DG.Commitment)
            self.add(node, DG.agreement, parent)
            self.concept(node, DG.commitmentKind, "commitment-kind", item.kind)
            self.concept(node, DG.area, "area", item.area)
            self.refs_of(node, DG.actor, item.actors)
            self.concept(node, DG.status, "commitment-status", item.status)
            self.date(node, DG.dueDate, item.due)
            self.text(node, DG.description, item.description)
            self.evidence(node, item.evidence, c_path)

    def influences(self) -> None:
        for i, item in enumerate(self.sheet.influences):
            path: Path = ("influences", i)
            source, target = self.refs[item.influencer], self.refs[item.influenced]
            key = [source, target, _iri("influence-kind", item.kind), item.direction, item.start]
            node = self.mint("influence", path, key, item.description)
            self.add(node, RDF.type, DG.Influence)
            self.add(node, DG.influencer, source)
            self.add(node, DG.influenced, target)
            self.concept(node, DG.influenceKind, "influence-kind", item.kind)
            if item.direction:
                self.add(node, DG.direction, concept("direction", item.direction))
            self.date(node, DG.startDate, item.start)
            self.date(node, DG.endDate, item.end)
            self.text(node, DG.description, item.description)
            self.evidence(node, item.evidence, path)

    def events(self) -> None:
        for i, item in enumerate(self.sheet.events):
            path: Path = ("events", i)
            who = [self.refs[p] for p in item.participants]
            place = item.place or item.location  # format 2's name, format 1's name
            where = self.refs[place] if place else None
            key = [_iri("event-kind", item.kind), who, item.start, where]
            node = self.mint("event", path, key, item.description or item.id)
            if item.id:
                self.refs[item.id] = node
            self.cross_refs(node, item.id, item.aliases, item.same_as)
            self.add(node, RDF.type, DG.Event)
            self.concept(node, DG.eventKind, "event-kind", item.kind)
            self.refs_of(node, DG.participant, item.participants)
            self.add(node, DG.location, where)
            self.date(node, DG.startDate, item.start)
            self.date(node, DG.endDate, item.end)
            self.ref(node, DG.concerns, item.concerns)
            self.text(node, DG.description, item.description)
            self.evidence(node, item.evidence, path)

    def relations(self) -> None:
        for i, item in enumerate(self.sheet.relations):
            path: Path = ("relations", i)
            subject, obj = self.refs[item.subject], self.refs[item.object]
            key = [subject, obj, _iri("relation-kind", item.kind), item.start]
            node = self.mint("relation", path, key, item.description)
            self.add(node, RDF.type, DG.Relation)
            self.add(node, DG.relationSubject, subject)
            self.add(node, DG.relationObject, obj)
            self.concept(node, DG.relationKind, "relation-kind", item.kind)
            self.date(node, DG.startDate, item.start)
            self.date(node, DG.endDate, item.end)
            self.text(node, DG.description, item.description)
            self.evidence(node, item.evidence, path)

    # ------------------------------------------------------------ format 2: actors

    def actors_v2(self) -> None:
        """A person known only by role: the post they hold (``dg:holds``, once posts are
        mapped), ``dg:asOf`` when the sheet says, and ``dg:roleOnly`` (their name is derived).
        The article's date is not written as ``as_of``: reads derive it."""
        for entity in self.sheet.entities:
            if isinstance(entity, PersonEntity) and entity.holds and entity.name is None:
                node = self.refs[entity.id]
                self.add(node, DG.roleOnly, TRUE)
                self.ref(node, DG.holds, entity.holds)
                self.date(node, DG.asOf, entity.as_of)

    # ------------------------------------------------- format 2: lifecycle (agreements, roles)

    def lifecycle(self) -> None:
        """Status, entry into force, expiry, duration, ending and follow-up bodies of the
        agreements; roles in agreements and events (their nodes are minted already)."""
        nodes = self.minted()
        for i, agreement in enumerate(self.sheet.agreements):
            path: Path = ("agreements", i)
            node = nodes[render_path(path)]
            self.concept(node, DG.agreementStatus, "agreement-status", agreement.status)
            self.date(node, DG.entryIntoForce, agreement.entry_into_force)
            self.date(node, DG.expiryDate, agreement.expires)
            if agreement.duration is not None:
                self.add(node, DG.duration, duration_literal(agreement.duration))
            for body in agreement.establishes:
                if body.follow_up is not None:
                    self.add(self.refs[body.body], DG.followUpBody, Literal(body.follow_up))
            if agreement.ended is not None:
                self.ending(node, agreement.ended, (*path, "ended"))
            self.roles(node, agreement.roles, path)
        for i, event in enumerate(self.sheet.events):
            path = ("events", i)
            self.roles(nodes[render_path(path)], event.roles, path)

    def ending(self, agreement: URIRef, ended: Ended, path: Path) -> None:
        """The agreement's ending as a ``dg:AgreementEnding`` event concerning it."""
        kind = ENDING_EVENT_KINDS[ended.how]
        by = [self.refs[a] for a in ended.by]
        node = self.mint("ending", path, [agreement, kind, ended.date, by], None)
        self.add(node, RDF.type, DG.Event)
        self.add(node, RDF.type, DG.AgreementEnding)
        self.concept(node, DG.eventKind, "event-kind", kind)
        self.add(node, DG.concerns, agreement)
        self.refs_of(node, DG.endedBy, ended.by)
        self.date(node, DG.startDate, ended.date)
        self.text(node, DG.effect, ended.effect)
        self.text(node, DG.description, ended.description)
        self.evidence(node, ended.evidence, path)

    def roles(self, parent: URIRef, roles: list[Role], path: Path) -> None:
        """Qualified roles (PROV qualified association) of an agreement or event."""
        for j, item in enumerate(roles):
            r_path: Path = (*path, "roles", j)
            actor = self.refs[item.actor]
            node = self.mint("role", r_path, [parent, actor, _iri("role", item.role)], None)
            self.add(node, RDF.type, DG.Role)
            self.add(node, DG.roleIn, parent)
            self.add(node, DG.roleActor, actor)
            self.concept(node, DG.role, "role", item.role)
            self.evidence(node, item.evidence, r_path)

    # ------------------------------------------------------------------ format 2: time

    def qualifiers(self, node: URIRef, item: Qualified) -> None:
        """A fact's format 2 time qualifiers: ``when`` (``dg:pointInTime``) and ``as_of``
        (``dg:asOf``). The article's date is not written here: reads derive it."""
        self.date(node, DG.pointInTime, item.when)
        self.date(node, DG.asOf, item.as_of)

    def time_qualifiers(self) -> None:
        """Qualifiers of every fact, found by the path its node was minted from; the
        ``start``/``end`` format 2 adds to agreements, signatories and commitments."""
        nodes = self.minted()
        for path, item in _qualified(self.sheet):
            node = nodes.get(render_path(path))
            if node is not None:
                self.qualifiers(node, item)
        for path, spanned in _spanned(self.sheet):
            node = nodes.get(render_path(path))
            if node is not None:
                self.date(node, DG.startDate, spanned.start)
                self.date(node, DG.endDate, spanned.end)


def _qualified(sheet: FactSheet) -> Iterator[tuple[Path, Qualified]]:
    """Every fact of ``sheet`` with its path."""
    for i, tenure in enumerate(sheet.tenures):
        yield ("tenures", i), tenure
    yield from _spanned(sheet)
    sections: list[tuple[str, Sequence[Qualified]]] = [
        ("influences", sheet.influences),
        ("events", sheet.events),
        ("relations", sheet.relations),
    ]
    for name, items in sections:
        for i, item in enumerate(items):
            yield (name, i), item


def _spanned(sheet: FactSheet) -> Iterator[tuple[Path, Spanned]]:
    """The facts whose ``start``/``end`` are new in format 2 (agreements, signatories,
    commitments); the other facts map theirs in their own section."""
    for i, agreement in enumerate(sheet.agreements):
        yield ("agreements", i), agreement
        for j, sig in enumerate(agreement.signatories):
            yield ("agreements", i, "signatories", j), sig
        for j, commitment in enumerate(agreement.commitments):
            yield ("agreements", i, "commitments", j), commitment
