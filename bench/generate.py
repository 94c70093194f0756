"""Synthetic fact sheets (``docs/fact-sheets.md``) for benchmarks.

    python bench/generate.py --articles 10000 --out bench/out/corpus --seed 1 [--format json|yaml]

The sheets share one synthetic world built from the seed, so entities recur across articles the
way they do in news: ~250 real countries (pycountry, by ISO code), a few thousand organisations
(ministries, armed forces, commands, agencies, think tanks, outlets, companies, armed groups,
international and joint bodies) and persons (officials who hold posts for terms, analysts,
journalists). Countries, outlets, analysts and organisations are drawn with Zipf weights, so a few
are hubs. Agreements come from a shared pool: several articles may report the same agreement
(same kind, parties and signing date, hence the same IRI), each naming a part of its areas and
commitments. Every fact carries evidence. Notations are read from ``ontology/vocabularies.ttl``.

Output is deterministic for a seed and the same arguments: the world comes from ``--seed`` and
article ``i`` from its own generator seeded with ``(seed, i)``. A sheet maps to roughly 80-150
triples (``--stats`` prints an estimate based on ``docs/data-model.md``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pycountry
import yaml

T = TypeVar("T")
Sheet = dict[str, Any]

VOCABULARIES = Path(__file__).resolve().parents[1] / "ontology" / "vocabularies.ttl"
FIRST_YEAR = 2000
LAST_YEAR = 2025
AGREEMENT_KINDS = ("mou", "treaty", "declaration", "roadmap", "contract", "agreement")
TOP_LEVEL_KEYS = (
    "article",
    "entities",
    "posts",
    "tenures",
    "agreements",
    "influences",
    "events",
    "relations",
)

# Countries that are hubs in international news; the rest follow in a seeded random order.
MAJOR_COUNTRIES = (
    "USA", "CHN", "RUS", "FRA", "GBR", "DEU", "IND", "JPN", "TUR", "IRN", "UKR", "ISR", "SAU",
    "BRA", "ZAF", "EGY", "PAK", "KOR", "PRK", "ITA", "DZA", "NGA", "ARE", "QAT", "MAR", "MLI",
)  # fmt: skip

INTERNATIONAL_ORGS = (
    ("United Nations", ["UN"]),
    ("North Atlantic Treaty Organization", ["NATO"]),
    ("African Union", ["AU"]),
    ("European Union", ["EU"]),
    ("Association of Southeast Asian Nations", ["ASEAN"]),
    ("Organization for Security and Co-operation in Europe", ["OSCE"]),
    ("Economic Community of West African States", ["ECOWAS"]),
    ("League of Arab States", ["Arab League"]),
    ("Shanghai Cooperation Organisation", ["SCO"]),
    ("Organization of the Petroleum Exporting Countries", ["OPEC"]),
    ("International Atomic Energy Agency", ["IAEA"]),
    ("Gulf Cooperation Council", ["GCC"]),
    ("Organization of American States", ["OAS"]),
    ("Collective Security Treaty Organization", ["CSTO"]),
    ("Southern African Development Community", ["SADC"]),
)

REGIONS = (
    ("Sahel", ["DZA", "MLI", "NER", "BFA", "TCD", "MRT", "SEN", "SDN"]),
    (
        "Mediterranean",
        ["DZA", "LBY", "EGY", "ISR", "SYR", "TUR", "GRC", "ITA", "FRA", "ESP", "MAR"],
    ),
    ("Horn of Africa", ["ETH", "ERI", "SOM", "DJI"]),
    ("Persian Gulf", ["IRN", "IRQ", "KWT", "SAU", "BHR", "QAT", "ARE", "OMN"]),
    ("Balkans", ["SRB", "BIH", "HRV", "MNE", "MKD", "ALB", "BGR", "GRC"]),
    ("South Caucasus", ["ARM", "AZE", "GEO"]),
    ("Baltic", ["EST", "LVA", "LTU"]),
    ("Indo-Pacific", ["IND", "JPN", "AUS", "IDN", "PHL", "VNM"]),
    ("Central Asia", ["KAZ", "KGZ", "TJK", "TKM", "UZB"]),
    ("Northern Africa", ["DZA", "EGY", "LBY", "MAR", "TUN"]),
    ("Great Lakes", ["COD", "RWA", "UGA", "BDI", "TZA"]),
    ("Levant", ["SYR", "LBN", "ISR", "JOR", "PSE"]),
    ("Arctic", ["RUS", "CAN", "USA", "NOR", "DNK", "ISL", "FIN", "SWE"]),
    ("South China Sea", ["CHN", "VNM", "PHL", "MYS", "BRN"]),
    ("Black Sea", ["UKR", "RUS", "TUR", "ROU", "BGR", "GEO"]),
    ("Red Sea", ["EGY", "SDN", "ERI", "SAU", "YEM", "DJI"]),
)

FIRST_NAMES = (
    "Ahmed", "Amina", "Ana", "Andrei", "Anna", "Carlos", "Chen", "Daniel", "David", "Elena",
    "Emily", "Fatima", "Hana", "Hassan", "Ibrahim", "Ivan", "James", "Javier", "Jean", "Karim",
    "Kenji", "Laura", "Leila", "Li", "Lucas", "Maria", "Mark", "Martin", "Mehmet", "Mohamed",
    "Nadia", "Nikolai", "Olga", "Omar", "Paul", "Pedro", "Priya", "Rahul", "Rania", "Robert",
    "Saïd", "Samuel", "Sara", "Sergei", "Sofia", "Tomás", "Wei", "Yasmine", "Yuki", "Zhang",
    "Abdel", "Aisha", "Alain", "Amir", "Beatriz", "Chloé", "Dmitri", "Farid", "Goran", "Hiroshi",
    "Ines", "Jorge", "Kwame", "Lars", "Mariam", "Nasser", "Oksana", "Rafael", "Selim", "Thandiwe",
    "Adriana", "Bilal", "Camille", "Dariusz", "Emeka", "Farah", "Gustavo", "Halima", "Igor",
    "Jamal", "Katarzyna", "Lamine", "Mei", "Nour", "Oleksandr", "Pierre", "Ren", "Salma", "Tariq",
    "Ulrich", "Valentina", "Walid", "Ximena", "Youssef", "Zainab", "Aleksandar", "Chidi",
    "Dina", "Erik", "Fiona", "Giorgi", "Hyun", "Imran", "Jana", "Khalid", "Lina", "Moussa",
    "Nikos", "Oren",
)  # fmt: skip
LAST_NAMES = (
    "Abdullah", "Adeyemi", "Alvarez", "Ben Ali", "Bouzid", "Brown", "Chen", "Costa",
    "Dubois", "Haddad", "Hoffmann", "Ivanov", "Jensen", "Kamara", "Khan", "Kim", "Kowalski",
    "Lefèvre", "Lopez", "Mansour", "Martin", "Mensah", "Moreau", "Müller", "Nakamura",
    "Novak", "Okafor", "Olsen", "Petrov", "Rossi", "Said", "Sato", "Schmidt", "Silva",
    "Singh", "Smith", "Sokolov", "Suzuki", "Tanaka", "Traoré", "Wang", "Williams",
    "Yilmaz", "Zhou", "Benali", "Diallo", "Eriksson", "Fernández", "García", "Horvat", "Ibrahim",
    "Jovanović", "Kaya", "Lindqvist", "Mahmoud", "Nguyen", "Owusu", "Park", "Qureshi", "Rahman",
    "Sánchez", "Toure", "Uçar", "Volkov", "Wójcik", "Xu", "Yamamoto", "Zulu", "Cissé", "Dlamini",
    "Aziz", "Bakr", "Castillo", "Dimitrov", "El Amrani", "Farouk", "Gonzaga", "Hassan", "Ilunga",
    "Johansson", "Keita", "Lazar", "Mbeki", "Nasr", "Ortiz", "Popescu", "Quintero", "Rashid",
    "Sall", "Tshabalala", "Umarov", "Varga", "Weber", "Yadav", "Zhang", "Abebe", "Bianchi",
    "Cohen", "Demir", "Eze", "Fofana", "Grant", "Hakimi", "Ismail", "Jaber", "Kovač", "Lin",
    "Medina",
)  # fmt: skip

INSTITUTE_WORDS = (
    "Strategic", "International", "Global", "Atlantic", "Security", "Policy", "Defense",
    "Peace", "Regional", "Continental", "Maritime", "Eurasian", "African", "Pacific",
)  # fmt: skip
INSTITUTE_TOPICS = (
    "Studies", "Affairs", "Security Studies", "Strategy", "Peace Research", "Policy Analysis",
    "Conflict Studies", "Defense Analysis", "Foreign Policy", "Diplomacy",
)  # fmt: skip
MEDIA_WORDS = ("Scoop", "Times", "Herald", "Monitor", "Observer", "Post", "Wire", "Dispatch")
MEDIA_TOPICS = ("Defense", "World", "Global", "Security", "Capital", "Continental", "Strategic")
COMPANY_WORDS = ("Dynamics", "Systems", "Aerospace", "Industries", "Shipbuilding", "Energy", "Arms")
GROUP_WORDS = ("Front", "Brigade", "Movement", "Group", "Legion", "Army")

ANON_CLAIMANTS = (
    "a defense official from {country}",
    "an official from {country}",
    "a senior diplomat from {country}",
    "a military spokesperson",
    "officials familiar with the deal",
    "a government spokesperson",
)

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``"Saïd Chanegriha"`` → ``"said-chanegriha"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")


def normalise(text: str) -> str:
    """Name key as the loader compares names: case, accents and punctuation ignored."""
    return slugify(text).replace("-", "")


def read_notations(path: Path = VOCABULARIES) -> dict[str, list[str]]:
    """``{scheme: [notation, ...]}`` from the SKOS vocabularies, in file order."""
    found: dict[str, list[str]] = {}
    pattern = re.compile(r"<https://w3id\.org/diplograph/vocab/([a-z-]+)/([a-z0-9-]+)>")
    for scheme, notation in pattern.findall(path.read_text(encoding="utf-8")):
        if notation not in found.setdefault(scheme, []):
            found[scheme].append(notation)
    return found


class Zipf:
    """Draw items with weight ``1 / rank**s``: the first items are hubs."""

    def __init__(self, items: Sequence[T], s: float = 1.1) -> None:
        self.items: list[Any] = list(items)
        self.cum = list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum)[0]

    def distinct(self, rng: random.Random, k: int) -> list[Any]:
        """Up to ``k`` distinct items (fewer if the pool is small)."""
        k = min(k, len(self.items))
        out: list[Any] = []
        for _ in range(k * 20):
            item = self.draw(rng)
            if item not in out:
                out.append(item)
                if len(out) == k:
                    break
        return out


@dataclass(frozen=True, slots=True)
class Entity:
    """A world entity: its declaration in a sheet and the entities that declaration refers to."""

    id: str
    type: str
    name: str
    decl: Sheet
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """One holder of a post from ``start`` to ``end`` (years; ``end`` None: still in office)."""

    holder: str
    post: str
    start: int
    end: int | None


@dataclass(slots=True)
class Post:
    """A post and its successive holders."""

    id: str
    name: str
    in_: str
    terms: list[Term] = field(default_factory=list)

    def holder_at(self, year: int) -> Term:
        for term in self.terms:
            if term.start <= year and (term.end is None or year < term.end):
                return term
        return self.terms[-1]


@dataclass(frozen=True, slots=True)
class AgreementSpec:
    """An agreement of the shared pool, as the world knows it in full."""

    id: str
    kind: str
    title: str
    parties: tuple[str, ...]
    signed: tuple[int, int, int]
    place: str
    binding: bool | None
    areas: tuple[str, ...]
    signatories: tuple[tuple[Term, str], ...]  # (term of the signatory, on behalf of)
    body: str | None
    meets: str | None
    negotiators: tuple[str, ...]
    period: str | None
    commitments: tuple[Sheet, ...]


class World:
    """The shared synthetic world every sheet draws from."""

    def __init__(self, seed: int, n_agreements: int, n_think_tanks: int = 250) -> None:
        rng = random.Random(seed)
        self.vocab = read_notations()
        self.entities: dict[str, Entity] = {}
        self.posts: dict[str, Post] = {}
        self._names: set[tuple[str, str]] = set()
        self._build_countries(rng)
        self._build_regions()
        self._build_international(rng)
        self._build_state_orgs(rng)
        self._build_think_tanks(rng, n_think_tanks)
        self._build_media(rng)
        self._build_companies_and_groups(rng)
        self.agreements = [
            self._agreement(random.Random(f"{seed}:a{j}"), j) for j in range(n_agreements)
        ]
        self.agreement_zipf = Zipf(self.agreements, s=0.9)

    # ------------------------------------------------------------------ building blocks

    def _add(self, entity: Entity, aliases: Sequence[str] = ()) -> Entity:
        """Register an entity; names and aliases must be unique per type (identity is by name)."""
        key = (entity.type if entity.type != "official" else "person", normalise(entity.name))
        if key in self._names or entity.id in self.entities:
            raise ValueError(f"duplicate entity {entity.id!r} / {entity.name!r}")
        self._names.add(key)
        kept = []
        for alias in aliases:
            alias_key = (key[0], normalise(alias))
            if alias_key not in self._names:
                self._names.add(alias_key)
                kept.append(alias)
        if kept:
            entity.decl["aliases"] = kept
        self.entities[entity.id] = entity
        return entity

    def _name_free(self, kind: str, name: str) -> bool:
        return (kind, normalise(name)) not in self._names

    def _org(
        self,
        name: str,
        kind: str,
        country: str | None = None,
        part_of: str | None = None,
        aliases: Sequence[str] = (),
    ) -> str:
        oid = slugify(name)
        decl: Sheet = {"id": oid, "type": "organization", "kind": kind, "name": name}
        refs = []
        if part_of:
            decl["part_of"] = part_of
            refs.append(part_of)
        if country:
            decl["country"] = country
            refs.append(country)
        self._add(Entity(oid, "organization", name, decl, tuple(refs)), aliases)
        return oid

    def _person(
        self, rng: random.Random, kind: str, nationality: str | None, honorific: str | None = None
    ) -> str:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if not self._name_free("person", name):
                initial = chr(65 + rng.randrange(26))
                name = f"{rng.choice(FIRST_NAMES)} {initial}. {rng.choice(LAST_NAMES)}"
            if self._name_free("person", name):
                break
        pid = slugify(name)
        decl: Sheet = {"id": pid, "type": kind, "name": name}
        if honorific:
            decl["honorific"] = honorific
        refs: tuple[str, ...] = ()
        if nationality:
            decl["nationality"] = nationality
            refs = (nationality,)
        self._add(Entity(pid, kind, name, decl, refs))
        return pid

    def _post(
        self,
        rng: random.Random,
        name: str,
        in_: str,
        kind: str,
        nationality: str | None,
        honorific: str | None = None,
        first: int = FIRST_YEAR - 2,
        term_years: tuple[int, int] = (3, 7),
    ) -> Post:
        post = Post(slugify(name), name, in_)
        start = first - rng.randrange(term_years[1])
        while start <= LAST_YEAR:
            end = start + rng.randint(*term_years)
            holder = self._person(rng, kind, nationality, honorific)
            post.terms.append(Term(holder, post.id, start, end if end <= LAST_YEAR else None))
            start = end
        self.posts[post.id] = post
        return post

    def _build_countries(self, rng: random.Random) -> None:
        self.country_posts: dict[str, list[Post]] = {}
        self.country_orgs: dict[str, list[str]] = {}
        codes = []
        for country in pycountry.countries:
            if not pycountry.subdivisions.get(country_code=country.alpha_2):  # type: ignore[no-untyped-call]
                continue  # dependent territories and uninhabited islands have no ISO 3166-2 entries
            iso = country.alpha_3
            name = getattr(country, "common_name", None) or country.name
            official = getattr(country, "official_name", None)
            decl: Sheet = {"id": iso.lower(), "type": "country", "name": name, "iso": iso}
            self._add(
                Entity(iso.lower(), "country", name, decl),
                [official] if official and official != name else [],
            )
            codes.append(iso)
        rest = sorted(set(codes) - set(MAJOR_COUNTRIES))
        rng.shuffle(rest)
        ranked = [c.lower() for c in MAJOR_COUNTRIES if c in codes] + [c.lower() for c in rest]
        self.countries = ranked
        self.country_zipf = Zipf(ranked, s=1.05)

    def _build_regions(self) -> None:
        self.regions: list[str] = []
        for name, members in REGIONS:
            rid = slugify(name)
            refs = tuple(m.lower() for m in members if m.lower() in self.entities)
            decl: Sheet = {"id": rid, "type": "region", "name": name, "includes": list(refs)}
            self._add(Entity(rid, "region", name, decl, refs))
            self.regions.append(rid)

    def _build_international(self, rng: random.Random) -> None:
        self.international: list[str] = []
        self.head_posts: dict[str, Post] = {}
        for name, aliases in INTERNATIONAL_ORGS:
            oid = self._org(name, "international-organization", aliases=aliases)
            self.international.append(oid)
            self.head_posts[oid] = self._post(
                rng, f"Secretary-General, {name}", oid, "official", None
            )

    def _build_state_orgs(self, rng: random.Random) -> None:
        """Per country: ministries, armed forces, a command (and more); ministers, head of state."""
        for cid in self.countries:
            name = self.entities[cid].name
            mod = self._org(f"Ministry of Defense of {name}", "ministry", cid)
            mfa = self._org(f"Ministry of Foreign Affairs of {name}", "ministry", cid)
            forces = self._org(f"Armed Forces of {name}", "armed-forces", cid, mod)
            staff = self._org(
                f"General Staff of the Armed Forces of {name}", "military-command", cid, forces
            )
            orgs = [mod, mfa, forces, staff]
            rank = self.countries.index(cid)
            if rank < 120:
                orgs.append(self._org(f"Ministry of Interior of {name}", "ministry", cid))
                orgs.append(self._org(f"Parliament of {name}", "legislature", cid))
                orgs.append(self._org(f"Navy of {name}", "armed-forces", cid, forces))
                orgs.append(self._org(f"Air Force of {name}", "armed-forces", cid, forces))
                orgs.append(self._org(f"Government of {name}", "government", cid))
            if rank < 60:
                orgs.append(
                    self._org(f"Office of Security Cooperation of {name}", "office", cid, mod)
                )
                orgs.append(self._org(f"National Intelligence Agency of {name}", "agency", cid))
                orgs.append(self._org(f"Coast Guard of {name}", "agency", cid, mod))
                for command in ("Northern", "Southern", "Joint Special Operations"):
                    orgs.append(
                        self._org(f"{command} Command of {name}", "military-command", cid, forces)
                    )
            self.country_orgs[cid] = orgs
            posts = [
                self._post(rng, f"Minister of Foreign Affairs of {name}", mfa, "official", cid),
                self._post(rng, f"Minister of Defense of {name}", mod, "official", cid),
            ]
            if self.countries.index(cid) < 80:
                posts.append(self._post(rng, f"Head of State of {name}", cid, "official", cid))
                posts.append(
                    self._post(
                        rng,
                        f"Chief of Staff, Armed Forces of {name}",
                        staff,
                        "official",
                        cid,
                        "Gen.",
                    )
                )
            self.country_posts[cid] = posts

    def _build_think_tanks(self, rng: random.Random, count: int) -> None:
        self.analysts: list[Term] = []
        made = 0
        for words in itertools.product(
            INSTITUTE_WORDS, INSTITUTE_TOPICS, ("Institute", "Center", "Council")
        ):
            if made == count:
                break
            if rng.random() < 0.5:
                continue
            adjective, topic, noun = words
            name = f"{adjective} {noun} for {topic}"
            country = rng.choice(self.countries[:60])
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            oid = self._org(name, "think-tank", country, aliases=[acronym])
            post = Post(slugify(f"Senior Fellow, {name}"), f"Senior Fellow, {name}", oid)
            for _ in range(rng.randint(1, 3)):
                pid = self._person(rng, "person", None)
                post.terms.append(Term(pid, post.id, rng.randint(1995, 2020), None))
            self.posts[post.id] = post
            self.analysts.extend(post.terms)
            made += 1
        rng.shuffle(self.analysts)
        self.analyst_zipf = Zipf(self.analysts, s=1.0)

    def _build_media(self, rng: random.Random) -> None:
        self.journalists: dict[str, list[Term]] = {}
        media = []
        for topic, word in itertools.product(MEDIA_TOPICS, MEDIA_WORDS):
            name = f"{topic}{word}" if word == "Scoop" else f"The {topic} {word}"
            oid = self._org(name, "media", rng.choice(self.countries[:40]))
            media.append(oid)
            post = Post(slugify(f"Correspondent, {name}"), f"Correspondent, {name}", oid)
            for _ in range(rng.randint(2, 5)):
                pid = self._person(rng, "person", None)
                post.terms.append(Term(pid, post.id, rng.randint(1998, 2020), None))
            self.posts[post.id] = post
            self.journalists[oid] = list(post.terms)
        rng.shuffle(media)
        self.media_zipf = Zipf(media, s=1.0)

    def _build_companies_and_groups(self, rng: random.Random) -> None:
        others: list[str] = []
        for cid in self.countries[:150]:
            cname = self.entities[cid].name
            for word in rng.sample(COMPANY_WORDS, 3):
                others.append(self._org(f"{cname} {word}", "company", cid))
        for cid in rng.sample(self.countries[:150], 60):
            word = rng.choice(GROUP_WORDS)
            name = f"{rng.choice(LAST_NAMES)} {word} of {self.entities[cid].name}"
            if self._name_free("organization", name):
                others.append(self._org(name, "armed-group", cid))
        rng.shuffle(others)
        all_orgs = others + [o for orgs in self.country_orgs.values() for o in orgs]
        rng.shuffle(all_orgs)
        self.org_zipf = Zipf(self.international + all_orgs, s=1.0)

    def _agreement(self, rng: random.Random, j: int) -> AgreementSpec:
        parties: list[str] = self.country_zipf.distinct(rng, rng.choice((2, 2, 2, 3, 4)))
        if rng.random() < 0.1:
            parties[-1] = rng.choice(self.international)
        kind = rng.choice(AGREEMENT_KINDS)
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        signed = (year, rng.randint(1, 12), rng.randint(1, 28))
        areas = tuple(rng.sample(self.vocab["area"], rng.randint(1, 5)))
        names = "-".join(self.entities[p].name for p in parties[:3])
        area_label = areas[0].replace("-", " ").title()
        title = f"{names} {area_label} {_KIND_TITLE[kind]} of {year}"
        signatories = []
        negotiators = []
        for party in parties:
            if party in self.country_posts:
                post = rng.choice(self.country_posts[party][:3])  # not the chief of staff
                negotiators.append(self.country_orgs[party][rng.choice((0, 1))])
            else:
                post = self.head_posts[party]
            signatories.append((post.holder_at(year), party))
        body = meets = None
        if rng.random() < 0.25:
            body_name = f"Joint Commission of the {title}"
            if not self._name_free("organization", body_name):
                body_name = f"{body_name} No. {j}"
            body = self._org(body_name, "joint-body", aliases=[])
            meets = rng.choice(("P1Y", "P6M", "annually", "quarterly", "P2Y"))
        commitments = []
        for _ in range(rng.randint(1, 5)):
            commitment: Sheet = {
                "kind": rng.choice(self.vocab["commitment-kind"]),
                "area": rng.choice(areas) if rng.random() < 0.8 else rng.choice(self.vocab["area"]),
                "actors": rng.sample(parties, rng.randint(1, len(parties))),
                "status": rng.choice(self.vocab["commitment-status"]),
            }
            if rng.random() < 0.5:
                commitment["due"] = str(year + rng.randint(0, 4))
            commitments.append(commitment)
        unique = {(c["kind"], c["area"]): c for c in commitments}
        return AgreementSpec(
            id=f"agreement-{j}",
            kind=kind,
            title=title,
            parties=tuple(parties),
            signed=signed,
            place=rng.choice([p for p in parties if p in self.country_posts] or parties),
            binding={"treaty": True, "mou": False}.get(kind, rng.choice((True, False, None))),
            areas=areas,
            signatories=tuple(signatories),
            body=body,
            meets=meets,
            negotiators=tuple(negotiators) if rng.random() < 0.4 else (),
            period=f"{rng.randint(2, 30)} months" if rng.random() < 0.3 else None,
            commitments=tuple(unique.values()),
        )


_KIND_TITLE = {
    "mou": "Memorandum of Understanding",
    "treaty": "Treaty",
    "declaration": "Joint Declaration",
    "roadmap": "Roadmap",
    "contract": "Contract",
    "agreement": "Agreement",
}


def _date(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


class ArticleBuilder:
    """Builds one sheet; tracks what it references so that every reference is declared."""

    def __init__(self, world: World, rng: random.Random, article_id: str) -> None:
        self.world = world
        self.rng = rng
        self.article_id = article_id
        self.used: dict[str, None] = {}
        self.posts: dict[str, Sheet] = {}
        self.tenures: dict[tuple[str, str], Sheet] = {}
        self.sources: list[Sheet] = []
        self.focus: list[str] = []
        self.publisher = ""
        self.year = LAST_YEAR

    def use(self, eid: str) -> str:
        """Reference an entity (and, transitively, what its declaration refers to)."""
        if eid not in self.used:
            entity = self.world.entities[eid]
            for ref in entity.refs:
                if entity.type != "region":
                    self.use(ref)
            self.used[eid] = None
        return eid

    def hold(self, term: Term, quote: str, claim: Sheet | None = None, p: float = 1.0) -> str:
        """Declare a person and, with probability ``p``, the tenure the world gives them."""
        self.use(term.holder)
        if p < 1.0 and self.rng.random() >= p:
            return term.holder
        post = self.world.posts[term.post]
        if post.id not in self.posts:
            self.use(post.in_)
            self.posts[post.id] = {"id": post.id, "name": post.name, "in": post.in_}
        key = (term.holder, term.post)
        if key not in self.tenures:
            tenure: Sheet = {"holder": term.holder, "post": term.post, "start": _date(term.start)}
            if term.end is not None and term.end <= self.year:
                tenure["end"] = _date(term.end)
            tenure["evidence"] = self.evidence(quote, claim or self.narration())
            self.tenures[key] = tenure
        return term.holder

    def narration(self) -> Sheet:
        return {"claimed_by": self.publisher}

    def pick_sources(self) -> None:
        """The article's sources: 0-2 named analysts (declared with their post) and one unnamed."""
        self.sources = []
        for term in self.world.analyst_zipf.distinct(self.rng, self.rng.choice((0, 1, 1, 2))):
            name = self.world.entities[term.holder].name
            post = self.world.posts[term.post].name
            self.hold(term, f"{name}, {post[:1].lower()}{post[1:]}, said in an interview.")
            self.sources.append({"claimed_by": term.holder})
        countries = [e for e in self.used if self.world.entities[e].type == "country"] or ["usa"]
        text = self.rng.choice(ANON_CLAIMANTS).format(country=self.name(self.rng.choice(countries)))
        self.sources.append({"claimant": text, "anonymous": True})

    def claim(self) -> Sheet:
        """Who says it: the outlet's own narration or one of the article's sources."""
        if self.rng.random() < 0.3 or not self.sources:
            return self.narration()
        source = dict(self.rng.choice(self.sources))
        if "claimant" in source and self.rng.random() < 0.2:
            source["confidence"] = round(self.rng.uniform(0.4, 1.0), 2)
        return source

    def evidence(self, quote: str, claim: Sheet | None = None) -> Sheet:
        return {"quote": quote[:600], **(claim if claim is not None else self.claim())}

    def actor(self) -> str:
        """An actor the article is about: mostly a focus country or one of its organisations."""
        roll = self.rng.random()
        if roll < 0.7:
            return self.use(self.rng.choice(self.focus))
        if roll < 0.85:
            return self.use(self.rng.choice(self.world.country_orgs[self.rng.choice(self.focus)]))
        if roll < 0.93:
            return self.use(self.world.country_zipf.draw(self.rng))
        return self.use(self.world.org_zipf.draw(self.rng))

    def name(self, eid: str) -> str:
        return str(self.world.entities[eid].name)

    def maybe_new(self, notation: str, scheme: str) -> str:
        """Now and then, a label the scheme lacks (becomes a new concept, with a warning)."""
        if self.rng.random() < 0.01:
            return f"{scheme.replace('-', ' ')} {self.rng.randint(1, 50)}"
        return notation


def build_sheet(world: World, seed: int, index: int) -> Sheet:
    """The fact sheet of synthetic article ``index``."""
    rng = random.Random(seed * 1_000_003 + index)
    article_id = f"synthetic-{seed}-{index:06d}"
    b = ArticleBuilder(world, rng, article_id)
    vocab = world.vocab

    spec: AgreementSpec | None = world.agreement_zipf.draw(rng) if rng.random() < 0.5 else None
    if spec is not None:
        year, month, day = spec.signed
        shift = rng.randint(0, 400)
        ordinal = _ordinal(year, month, day) + shift
        year, month, day = _from_ordinal(min(ordinal, _ordinal(LAST_YEAR, 12, 31)))
    else:
        year, month, day = (
            rng.randint(FIRST_YEAR, LAST_YEAR),
            rng.randint(1, 12),
            rng.randint(1, 28),
        )
    b.year = year

    publisher = b.use(world.media_zipf.draw(rng))
    b.publisher = publisher
    staff = world.journalists[publisher]
    authors = [
        b.hold(
            t,
            f"{b.name(t.holder)} is a correspondent for {b.name(publisher)}.",
            b.narration(),
            p=0.3,
        )
        for t in rng.sample(staff, rng.choice((1, 1, 2)))
    ]
    article: Sheet = {
        "id": article_id,
        "title": "",
        "url": f"https://news.example.org/{year}/{month:02d}/{article_id}",
        "published": _date(year, month, day),
        "publisher": publisher,
        "authors": authors,
    }

    agreements = []
    events: list[Sheet] = []
    if spec is not None:
        b.focus = [b.use(p) for p in spec.parties if p in world.country_orgs]
    if not b.focus:
        b.focus = [b.use(c) for c in world.country_zipf.distinct(rng, rng.choice((1, 2, 2, 3)))]
    b.pick_sources()
    if spec is not None:
        agreements.append(_agreement_facts(b, spec))
        article["title"] = f"{spec.title} signed"
        if rng.random() < 0.5:
            who = [b.use(p) for p in spec.parties]
            events.append(
                {
                    "id": "signing",
                    "kind": "signing",
                    "participants": who,
                    "location": b.use(spec.place),
                    "start": _date(*spec.signed),
                    "concerns": spec.id,
                    "description": f"Signing of the {spec.title}.",
                    "evidence": b.evidence(
                        f"The {spec.title} was signed in {b.name(spec.place)}.", b.narration()
                    ),
                }
            )

    influences = []
    for _ in range(rng.choice((1, 1, 2))):
        influencer = b.actor()
        influenced = b.use(rng.choice(world.regions)) if rng.random() < 0.2 else b.actor()
        while influenced == influencer:
            influenced = b.use(world.country_zipf.draw(rng))
        kind = b.maybe_new(rng.choice(vocab["influence-kind"]), "influence kind")
        direction = rng.choice(vocab["direction"])
        influence: Sheet = {
            "influencer": influencer,
            "influenced": influenced,
            "kind": kind,
            "direction": direction,
        }
        if rng.random() < 0.5:
            influence["start"] = _date(rng.randint(FIRST_YEAR - 20, year))
        label = kind.replace("-", " ")
        influence["description"] = f"{b.name(influencer)} exerts {label} on {b.name(influenced)}."
        influence["evidence"] = b.evidence(
            f"{b.name(influencer)} has long shaped {b.name(influenced)} through {label}, "
            f"a {direction} influence."
        )
        influences.append(influence)

    for k in range(rng.choice((0, 0, 1, 1, 2))):
        kind = b.maybe_new(rng.choice(vocab["event-kind"]), "event kind")
        participants = list(dict.fromkeys(b.actor() for _ in range(rng.randint(1, 3))))
        start_year = rng.randint(FIRST_YEAR - 40, year)
        event: Sheet = {"id": f"event-{k}", "kind": kind, "participants": participants}
        if rng.random() < 0.6:
            event["location"] = b.use(
                rng.choice(world.regions) if rng.random() < 0.3 else world.country_zipf.draw(rng)
            )
        event["start"] = (
            _date(start_year, rng.randint(1, 12)) if rng.random() < 0.5 else _date(start_year)
        )
        if rng.random() < 0.3:
            event["end"] = _date(min(year, start_year + rng.randint(0, 8)))
        if spec is not None and rng.random() < 0.3:
            event["concerns"] = spec.id
        names = " and ".join(b.name(p) for p in participants)
        event["description"] = f"{kind.replace('-', ' ').capitalize()} involving {names}."
        event["evidence"] = b.evidence(
            f"In {start_year}, {names} were involved in a {kind.replace('-', ' ')}."
        )
        events.append(event)

    relations = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        subject, obj = b.actor(), b.actor()
        if subject == obj:
            continue
        kind = b.maybe_new(rng.choice(vocab["relation-kind"]), "relation kind")
        relation: Sheet = {"subject": subject, "object": obj, "kind": kind}
        if rng.random() < 0.4:
            relation["start"] = _date(rng.randint(1900, year))
        relation["evidence"] = b.evidence(
            f"{b.name(subject)} {kind.replace('-', ' ')} {b.name(obj)}, observers say."
        )
        relations.append(relation)

    if not article["title"]:
        first = influences[0] if influences else None
        article["title"] = (
            f"How {b.name(first['influencer'])} shapes {b.name(first['influenced'])}"
            if first
            else f"Report {article_id}"
        )

    entities = [world.entities[eid].decl for eid in b.used]
    used = b.used
    sheet: Sheet = {
        "article": article,
        "entities": [_region_view(d, used) if d["type"] == "region" else d for d in entities],
        "posts": list(b.posts.values()),
        "tenures": list(b.tenures.values()),
        "agreements": agreements,
        "influences": influences,
        "events": events,
        "relations": relations,
    }
    return sheet


def _region_view(decl: Sheet, used: dict[str, None]) -> Sheet:
    """A region lists only the member countries this sheet declares."""
    return {**decl, "includes": [c for c in decl["includes"] if c in used]}


def _agreement_facts(b: ArticleBuilder, spec: AgreementSpec) -> Sheet:
    """What one article reports of an agreement of the pool: all its key facts, part of the rest."""
    rng = b.rng
    parties = [b.use(p) for p in spec.parties]
    names = ", ".join(b.name(p) for p in parties)
    signed_text = _date(*spec.signed)
    signatories = []
    for term, party in spec.signatories:
        post_name = b.world.posts[term.post].name
        person = b.name(term.holder)
        b.hold(
            term,
            f"{post_name} {person} said the talks had been constructive.",
            b.narration(),
            p=0.3,
        )
        signatories.append(
            {
                "signatory": term.holder,
                "on_behalf_of": party,
                "evidence": b.evidence(
                    f"{person} signed the agreement on behalf of {b.name(party)} on {signed_text}."
                ),
            }
        )
    agreement: Sheet = {
        "id": spec.id,
        "kind": spec.kind,
        "title": spec.title,
        "parties": parties,
        "signed": {"date": signed_text, "place": b.use(spec.place)},
        "signatories": signatories,
    }
    if spec.binding is not None:
        agreement["legally_binding"] = spec.binding
    areas = (
        list(spec.areas)
        if rng.random() < 0.5
        else rng.sample(spec.areas, rng.randint(1, len(spec.areas)))
    )
    agreement["areas"] = areas
    if spec.body is not None and rng.random() < 0.7:
        first = _date(spec.signed[0] + rng.randint(0, 1))
        agreement["establishes"] = [
            {"body": b.use(spec.body), "meets": spec.meets, "first_meeting": first}
        ]
    if spec.negotiators:
        agreement["negotiated_by"] = [b.use(n) for n in spec.negotiators]
        if spec.period:
            agreement["negotiation_period"] = spec.period
    commitments = []
    for c in spec.commitments:
        if rng.random() < 0.5:
            actors = [b.use(a) for a in c["actors"]]
            label = c["kind"].replace("-", " ")
            area = c["area"].replace("-", " ")
            commitment = {**c, "actors": actors, "description": f"The parties {label} on {area}."}
            commitment["evidence"] = b.evidence(
                f"The agreement commits {names} to {label} in {area}, with status {c['status']}."
            )
            commitments.append(commitment)
    agreement["commitments"] = commitments
    evidence = [b.evidence(f"{names} signed the {spec.title} on {signed_text}.", b.narration())]
    if rng.random() < 0.3:
        evidence.append(
            b.evidence(f"The deal covers {', '.join(a.replace('-', ' ') for a in areas)}.")
        )
    agreement["evidence"] = evidence
    return agreement


def _ordinal(year: int, month: int, day: int) -> int:
    import datetime

    return datetime.date(year, month, day).toordinal()


def _from_ordinal(ordinal: int) -> tuple[int, int, int]:
    import datetime

    d = datetime.date.fromordinal(ordinal)
    return d.year, d.month, d.day


# ---------------------------------------------------------------------------------------- output


def _dumper(fmt: str) -> Callable[[Sheet], str]:
    if fmt == "json":
        return lambda sheet: json.dumps(sheet, ensure_ascii=False, separators=(",", ":"))
    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return lambda sheet: yaml.dump(
        sheet, Dumper=dumper, allow_unicode=True, sort_keys=False, width=120
    )


def generate(
    articles: int, seed: int, n_agreements: int | None = None
) -> Iterator[tuple[str, Sheet]]:
    """Yield ``(article id, sheet)`` for articles ``0 .. articles-1``."""
    world = World(seed, n_agreements if n_agreements is not None else max(20, articles // 3))
    for i in range(articles):
        sheet = build_sheet(world, seed, i)
        yield sheet["article"]["id"], sheet


def estimate_triples(sheet: Sheet) -> int:
    """Rough count of the RDF triples a sheet maps to (``docs/data-model.md``).

    Evidence nodes shared by several facts of a sheet are counted once per fact, so this tends
    to overestimate by about 10%.
    """

    def ev(fact: Sheet) -> int:
        items = fact["evidence"] if isinstance(fact["evidence"], list) else [fact["evidence"]]
        return sum(3 + len(e) for e in items)  # link, type, inArticle + one per key

    def flat(d: Sheet, skip: tuple[str, ...] = ("evidence", "id")) -> int:
        return sum(
            len(v) if isinstance(v, list) else 1
            for k, v in d.items()
            if k not in skip and v is not None
        )

    n = flat(sheet["article"]) + 1  # type; the id is the IRI
    n += sum(flat(e) + (2 if e["type"] == "official" else 1) for e in sheet["entities"])
    n += sum(flat(p) + 1 for p in sheet["posts"])
    n += sum(flat(t) + 1 + ev(t) for t in sheet["tenures"])
    nested = ("evidence", "id", "signatories", "commitments", "signed", "establishes")
    for a in sheet["agreements"]:
        n += flat(a, nested) + (1 if a["kind"] == "agreement" else 2) + ev(a)
        n += len(a.get("signed") or {})
        n += sum(len(e) for e in a.get("establishes", []))
        n += sum(flat(s) + 3 + ev(s) for s in a["signatories"])
        n += sum(flat(c) + 2 + ev(c) for c in a["commitments"])
    for key in ("influences", "events", "relations"):
        n += sum(flat(f) + 1 + ev(f) for f in sheet[key])
    return n


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--articles", type=int, default=1000, help="number of sheets (default 1000)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("bench/out/corpus"), help="output directory"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the world and the articles")
    parser.add_argument(
        "--format", choices=("json", "yaml"), default="json", help="file format (default json)"
    )
    parser.add_argument(
        "--agreements",
        type=int,
        default=None,
        help="size of the agreement pool (default articles/3)",
    )
    parser.add_argument(
        "--stats", action="store_true", help="print counts and an estimate of triples per sheet"
    )
    args = parser.parse_args(argv)
    if args.articles < 0:
        parser.error("--articles must be >= 0")

    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    dump = _dumper(args.format)
    triples: list[int] = []
    written = 0
    for article_id, sheet in generate(args.articles, args.seed, args.agreements):
        (out / f"{article_id}.{args.format}").write_text(dump(sheet), encoding="utf-8")
        written += 1
        if args.stats:
            triples.append(estimate_triples(sheet))
    elapsed = time.perf_counter() - started
    print(f"wrote {written} {args.format} sheets to {out} in {elapsed:.2f}s", file=sys.stderr)
    if args.stats and triples:
        triples.sort()
        mean = sum(triples) / len(triples)
        p = [triples[int(q * (len(triples) - 1))] for q in (0.05, 0.5, 0.95)]
        print(
            f"estimated triples per sheet: mean {mean:.0f}, p5 {p[0]}, median {p[1]}, p95 {p[2]}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
