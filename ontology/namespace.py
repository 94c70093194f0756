"""Typed namespaces of diplograph: a misspelled term raises ``AttributeError``.

``DG`` is generated from ``diplograph.ttl`` and checked against it by ``tests/test_ontology.py``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/diplograph/ontology")
ID = Namespace("https://w3id.org/diplograph/id/")
"""Base of every instance IRI minted by the loaders."""
VOCAB = Namespace("https://w3id.org/diplograph/vocab/")
"""Base of the SKOS concept schemes; a concept is ``VOCAB[f"{scheme}/{notation}"]``."""
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
"""W3C WGS84 basic geo vocabulary: ``geo:lat`` / ``geo:long`` of places."""
GEONAMES = Namespace("https://sws.geonames.org/")
"""GeoNames feature IRIs (``https://sws.geonames.org/2507480/`` is Algiers)."""


class DG(DefinedNamespace):
    """The diplograph ontology namespace (``dg:``)."""

    _NS = Namespace("https://w3id.org/diplograph/ontology#")
    _fail = True

    # classes
    Actor: URIRef
    Agreement: URIRef
    Article: URIRef
    Commitment: URIRef
    CommitmentKind: URIRef
    CommitmentStatus: URIRef
    Contract: URIRef
    CooperationArea: URIRef
    Country: URIRef
    Declaration: URIRef
    Event: URIRef
    EventKind: URIRef
    Evidence: URIRef
    Influence: URIRef
    InfluenceDirection: URIRef
    InfluenceKind: URIRef
    MOU: URIRef
    Official: URIRef
    Organization: URIRef
    OrganizationKind: URIRef
    Person: URIRef
    Post: URIRef
    Region: URIRef
    Relation: URIRef
    RelationKind: URIRef
    Roadmap: URIRef
    Signature: URIRef
    Tenure: URIRef
    Treaty: URIRef
    # datatypes
    edtf: URIRef
    # format 2: reactions
    Reaction: URIRef
    Stance: URIRef
    # format 2: actors
    CollectiveActor: URIRef
    GroupKind: URIRef
    # properties
    actor: URIRef
    agreement: URIRef
    alias: URIRef
    asOf: URIRef
    anonymous: URIRef
    area: URIRef
    author: URIRef
    claimant: URIRef
    claimedBy: URIRef
    commitmentKind: URIRef
    concerns: URIRef
    confidence: URIRef
    country: URIRef
    coversArea: URIRef
    date: URIRef
    dateSigned: URIRef
    description: URIRef
    direction: URIRef
    dueDate: URIRef
    endDate: URIRef
    establishes: URIRef
    eventKind: URIRef
    evidence: URIRef
    firstMeeting: URIRef
    historic: URIRef
    holder: URIRef
    honorific: URIRef
    inArticle: URIRef
    includes: URIRef
    influenceKind: URIRef
    influenced: URIRef
    influencer: URIRef
    isoCode: URIRef
    legallyBinding: URIRef
    location: URIRef
    meetingFrequency: URIRef
    name: URIRef
    nationality: URIRef
    negotiatedBy: URIRef
    negotiationPeriod: URIRef
    localIri: URIRef
    localRef: URIRef
    sameAsRef: URIRef
    onBehalfOf: URIRef
    organizationKind: URIRef
    partOf: URIRef
    participant: URIRef
    party: URIRef
    placeSigned: URIRef
    pointInTime: URIRef
    post: URIRef
    postIn: URIRef
    publisher: URIRef
    quote: URIRef
    relationKind: URIRef
    relationObject: URIRef
    relationSubject: URIRef
    signatory: URIRef
    startDate: URIRef
    status: URIRef
    title: URIRef
    url: URIRef
    wikidata: URIRef
    # format 2: lifecycle (agreement lifecycle and roles)
    AgreementEnding: URIRef
    AgreementStatus: URIRef
    Role: URIRef
    RoleKind: URIRef
    agreementStatus: URIRef
    duration: URIRef
    effect: URIRef
    endedBy: URIRef
    entryIntoForce: URIRef
    expiryDate: URIRef
    followUpBody: URIRef
    role: URIRef
    roleActor: URIRef
    roleIn: URIRef
    # format 2: reactions (pointInTime and asOf are part "time"'s qualifiers)
    inResponseTo: URIRef
    inResponseToRef: URIRef
    quantityApproximate: URIRef
    quantityUnit: URIRef
    quantityValue: URIRef
    reactor: URIRef
    share: URIRef
    shareOf: URIRef
    stance: URIRef
    towards: URIRef
    towardsRef: URIRef
    # format 2: places
    Place: URIRef
    PlaceKind: URIRef
    placeKind: URIRef
    geonamesId: URIRef
    fromGazetteer: URIRef
    # format 2: actors
    groupKind: URIRef
    holds: URIRef
    member: URIRef
    roleOnly: URIRef


PREFIXES: dict[str, str] = {
    "dg": "https://w3id.org/diplograph/ontology#",
    "id": str(ID),
    "v": str(VOCAB),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "wd": str(WD),
    "geo": str(GEO),
}
"""The prefixes diplograph writes RDF and answers SPARQL with (one table for every writer)."""


def ontology_path(name: str = "diplograph.ttl") -> Path:
    """Path of a Turtle file shipped in this package.

    ``diplograph.ttl``, ``shapes.ttl`` or ``vocabularies.ttl``.
    """
    return Path(str(resources.files("ontology").joinpath(name)))


def concept(scheme: str, notation: str) -> URIRef:
    """IRI of the concept ``notation`` in the SKOS scheme ``scheme`` (e.g. ``area``)."""
    return VOCAB[f"{scheme}/{notation}"]


def scheme_iri(scheme: str) -> URIRef:
    """IRI of a SKOS concept scheme such as ``area`` or ``influence-kind``."""
    return VOCAB[scheme]
