"""Candidate duplicates the rules did not merge, ranked, each with its evidence (``xref``).

A pure module: the caller gives plain records (entities with their spellings and the articles
that use each, tenures, agreements) and the pairs already judged; nothing here reads a
store. Four kinds of evidence:

* ``similar-names``: two spellings whose words match one by one (rapidfuzz ratio on folded,
  normalised words; transliterations such as Chengriha / Chanegriha count as a match when their
  consonant skeletons agree), e.g. "Saïd Chengriha" / "Said Chanegriha", "Foreign Ministry" /
  "Ministry of Foreign Affairs";
* ``shared-alias``: the same normalised name or alias on both (the rules leave such a pair apart
  when it is ambiguous);
* ``shared-post``: two persons holding the same post in overlapping periods;
* ``same-day-agreement``: two agreement nodes with the same parties and the same (or a
  compatible: month and day of that month) signing date.

Pairs are only compared within a **block** (same group, and for organisations the same state,
sharing a word skeleton, a normalised name, a post or a party set), and blocks larger than
:data:`MAX_BLOCK` (words such as "ministry" in a world of ministries) are not expanded, so the
work grows with the number of near-duplicates, not with the square of the entities.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from loaders.names import normalize_name
from ontology.dates import compatible, first_day, last_day, overlaps
from ontology.text import fold

MAX_BLOCK = 60
"""Largest block whose pairs are compared; larger ones are words too common to tell anything."""
MAX_HOLDERS = 6
"""Posts held by more persons than this are too generic for the shared-post evidence."""
MIN_NAME_SCORE = 80.0
"""Weakest name similarity reported (0–100)."""
MIN_WORD_SCORE = 75.0
"""Every word of the shorter name must match a word of the other this well."""
MAX_SPELLINGS = 12
"""Spellings of one entity compared (the most used first)."""
STOPWORDS = frozenset(
    ("of", "the", "and", "for", "de", "du", "des", "la", "le", "el", "al", "in", "on", "to")
)
NAME_GROUPS = frozenset({"person", "organization", "group", "region", "post"})
"""Groups compared by name (countries have ISO codes; agreements by parties and date)."""

Pair = tuple[str, str]


@dataclass(frozen=True)
class Spelling:
    """A name or alias of an entity, and the articles that give it."""

    text: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class EntityRecord:
    """One canonical entity as xref sees it.

    ``group`` is ``person`` (persons and officials), ``organization``, ``region``, ``post`` or
    ``country``; ``state`` is an organisation's or post's state when known (different states
    are never proposed); ``local_ids`` are the ids articles gave it (judgements may name them).
    """

    iri: str
    group: str
    name: str
    spellings: tuple[Spelling, ...]
    local_ids: tuple[str, ...] = ()
    state: str | None = None
    iso: str | None = None

    @property
    def articles(self) -> tuple[str, ...]:
        """Every article that names the entity."""
        return tuple(sorted({a for s in self.spellings for a in s.articles}))


@dataclass(frozen=True)
class TenureRecord:
    """A holder of a post over a period (partial ISO dates, None when open or unknown)."""

    holder: str
    post: str
    start: str | None
    end: str | None
    article: str


@dataclass(frozen=True)
class AgreementRecord:
    """An agreement node: its kind, title, signing date, parties and articles."""

    iri: str
    kind: str
    title: str | None
    date: str | None
    parties: tuple[str, ...]
    articles: tuple[str, ...]
    local_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Why a pair is proposed: the rule, a sentence, the spellings and the articles."""

    rule: str
    detail: str
    score: float
    names: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A candidate duplicate pair (``a`` < ``b``), its score (0–100) and the evidence."""

    a: str
    b: str
    group: str
    names: tuple[str, str]
    score: float
    evidence: tuple[Evidence, ...] = field(default=())


# ------------------------------------------------------------------ names


def _skeleton(word: str) -> str:
    """A transliteration key: the first letter and the consonants, repeats collapsed
    (``chengriha`` and ``chanegriha`` → ``chngrh``; ``mohammed``, ``muhammad`` → ``mhmd``)."""
    head, rest = word[:1], re.sub(r"[aeiouy]", "", word[1:])
    return re.sub(r"(.)\1+", r"\1", head + rest)


@dataclass(frozen=True)
class _Name:
    text: str
    key: str
    words: tuple[str, ...]
    skeletons: tuple[str, ...]
    articles: tuple[str, ...]


def _name(spelling: Spelling, person: bool) -> _Name | None:
    key = normalize_name(spelling.text, person=person)
    words = tuple(w for w in key.split() if w not in STOPWORDS) or tuple(key.split())
    if not words:
        return None
    return _Name(spelling.text, key, words, tuple(map(_skeleton, words)), spelling.articles)


def _word_score(a: str, b: str, skeleton_a: str, skeleton_b: str) -> float:
    score = Indel.normalized_similarity(a, b) * 100
    if skeleton_a == skeleton_b and len(skeleton_a) >= 3:
        score = max(score, 90.0)
    return score


def name_score(a: _Name, b: _Name) -> float:
    """0–100: every word of the shorter name matched to its best word in the longer one; the
    mean of those matches, lowered by the share of the longer name's words left unmatched.
    0 when some word matches nothing well (``Ahmed Ali`` / ``Ahmed Benali``)."""
    short, long = (a, b) if len(a.words) <= len(b.words) else (b, a)
    best: list[float] = []
    used: set[int] = set()
    for word, skeleton in zip(short.words, short.skeletons, strict=True):
        scores = [
            (_word_score(word, other, skeleton, other_skeleton), i)
            for i, (other, other_skeleton) in enumerate(
                zip(long.words, long.skeletons, strict=True)
            )
            if i not in used
        ]
        if not scores:
            return 0.0
        score, index = max(scores)
        if score < MIN_WORD_SCORE:
            return 0.0
        best.append(score)
        used.add(index)
    coverage = len(short.words) / len(long.words)
    return sum(best) / len(best) * (0.8 + 0.2 * coverage)


# ------------------------------------------------------------------ blocking


class _Pairs:
    """Evidence gathered per pair of canonical IRIs, skipping judged pairs."""

    def __init__(
        self, records: dict[str, tuple[str, str, tuple[str, ...]]], judged: Iterable[Pair]
    ):
        self._records = records  # iri -> (group, name, ids)
        self._ids_of = {iri: (iri, *ids) for iri, (_, _, ids) in records.items()}
        self._judged = {frozenset(p) for p in judged}
        self.evidence: dict[Pair, list[Evidence]] = defaultdict(list)

    def judged(self, a: str, b: str) -> bool:
        ids_a, ids_b = self._ids_of.get(a, (a,)), self._ids_of.get(b, (b,))
        return any(frozenset((x, y)) in self._judged for x in ids_a for y in ids_b)

    def add(self, a: str, b: str, evidence: Evidence) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        if key not in self.evidence and self.judged(*key):
            return
        self.evidence[key].append(evidence)


def _blocks(records: list[EntityRecord], names: dict[str, list[_Name]]) -> Iterator[list[str]]:
    """IRIs sharing a block key, one list per block small enough to expand."""
    blocks: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for record in records:
        if record.group not in NAME_GROUPS:
            continue
        scope = (record.group, record.state or "")
        for name in names[record.iri]:
            blocks[(*scope, "=", name.key)].add(record.iri)
            for skeleton in name.skeletons:
                if len(skeleton) >= 2:
                    blocks[(*scope, skeleton)].add(record.iri)
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            yield sorted(members)


def _name_evidence(a: list[_Name], b: list[_Name]) -> Evidence | None:
    best: tuple[float, _Name, _Name] | None = None
    for x, y in itertools.product(a, b):
        score = 100.0 if x.key == y.key else name_score(x, y)
        if best is None or score > best[0]:
            best = (score, x, y)
    if best is None or best[0] < MIN_NAME_SCORE:
        return None
    score, x, y = best
    articles = tuple(sorted({*x.articles, *y.articles}))
    if x.key == y.key:
        detail = f"both are called '{x.text}'" + (f" / '{y.text}'" if x.text != y.text else "")
        return Evidence("shared-alias", detail, 100.0, (x.text, y.text), articles)
    detail = f"'{x.text}' and '{y.text}' are similar ({score:.0f}/100)"
    return Evidence("similar-names", detail, round(score, 1), (x.text, y.text), articles)


def _states_differ(a: EntityRecord, b: EntityRecord) -> bool:
    return bool(a.state and b.state and a.state != b.state) or bool(
        a.iso and b.iso and a.iso != b.iso
    )


def _by_name(records: list[EntityRecord], pairs: _Pairs) -> None:
    by_iri = {r.iri: r for r in records}
    person = {r.iri: r.group == "person" for r in records}
    names: dict[str, list[_Name]] = {}
    for record in records:
        ranked = sorted(record.spellings, key=lambda s: (-len(s.articles), s.text))[:MAX_SPELLINGS]
        names[record.iri] = [n for s in ranked if (n := _name(s, person[record.iri]))]
    seen: set[Pair] = set()
    for members in _blocks(records, names):
        for a, b in itertools.combinations(members, 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            if _states_differ(by_iri[a], by_iri[b]) or pairs.judged(a, b):
                continue
            if evidence := _name_evidence(names[a], names[b]):
                pairs.add(a, b, evidence)


# ------------------------------------------------------------------ posts and agreements


def _overlap(x: TenureRecord, y: TenureRecord) -> bool:
    """Whether two periods may meet (by the bounds of their dates: ``ontology.dates``)."""
    return overlaps(first_day(x.start), last_day(x.end), first_day(y.start), last_day(y.end))


def _by_post(tenures: list[TenureRecord], post_names: dict[str, str], pairs: _Pairs) -> None:
    """One piece of evidence per pair of holders and post, with every article that says so;
    posts with more than :data:`MAX_HOLDERS` holders (generic ones) are not compared."""
    # many articles repeat one tenure: compare each distinct period once
    periods: dict[str, dict[TenureRecord, set[str]]] = defaultdict(lambda: defaultdict(set))
    for t in tenures:
        periods[t.post][TenureRecord(t.holder, t.post, t.start, t.end, "")].add(t.article)
    for post, held in sorted(periods.items()):
        if not 1 < len({t.holder for t in held}) <= MAX_HOLDERS:
            continue
        articles: dict[Pair, set[str]] = defaultdict(set)
        for x, y in itertools.combinations(held, 2):
            if x.holder != y.holder and _overlap(x, y):
                key = (x.holder, y.holder) if x.holder < y.holder else (y.holder, x.holder)
                articles[key] |= held[x] | held[y]
        name = post_names.get(post, post)
        for (a, b), found in sorted(articles.items()):
            detail = f"both hold '{name}' in overlapping periods"
            pairs.add(a, b, Evidence("shared-post", detail, 60.0, (name,), tuple(sorted(found))))


def _by_agreement(agreements: list[AgreementRecord], pairs: _Pairs) -> None:
    by_parties: dict[tuple[str, ...], list[AgreementRecord]] = defaultdict(list)
    for agreement in agreements:
        if agreement.date and len(agreement.parties) > 1:
            by_parties[tuple(sorted(agreement.parties))].append(agreement)
    for group in by_parties.values():
        by_year: dict[str, list[AgreementRecord]] = defaultdict(list)
        for agreement in group:
            by_year[(agreement.date or "")[:4]].append(agreement)
        for same_year in by_year.values():
            if len(same_year) > MAX_BLOCK:
                continue
            for x, y in itertools.combinations(sorted(same_year, key=lambda r: r.iri), 2):
                if x.date and y.date and compatible(x.date, y.date):
                    pairs.add(x.iri, y.iri, _agreement_evidence(x, y))


def _agreement_evidence(x: AgreementRecord, y: AgreementRecord) -> Evidence:
    same_day = x.date == y.date
    titles = Indel.normalized_similarity(fold(x.title or ""), fold(y.title or "")) * 100
    score = (80.0 if same_day else 70.0) + 0.2 * titles - (0 if x.kind == y.kind else 5)
    when = f"on {x.date}" if same_day else f"on {x.date} and {y.date}"
    detail = f"same parties, signed {when}" + (
        f"; titles {titles:.0f}/100 alike" if x.title and y.title else ""
    )
    names = tuple(t for t in (x.title, y.title) if t)
    return Evidence(
        "same-day-agreement",
        detail,
        round(score, 1),
        names,
        tuple(sorted({*x.articles, *y.articles})),
    )


# ------------------------------------------------------------------ ranking


def _score(evidence: list[Evidence]) -> float:
    """The best evidence, raised a little by each further kind of evidence (capped at 100)."""
    best = max(e.score for e in evidence)
    kinds = len({e.rule for e in evidence})
    return round(min(100.0, best + 5.0 * (kinds - 1)), 1)


def find_candidates(
    entities: Iterable[EntityRecord],
    tenures: Iterable[TenureRecord] = (),
    agreements: Iterable[AgreementRecord] = (),
    judged: Iterable[Pair] = (),
    *,
    min_score: float = 0.0,
) -> list[Candidate]:
    """Every candidate pair, best first (ties by IRI), skipping the ``judged`` pairs (not the
    same, or already merged by a judgement): a judgement on any local id of either side
    counts."""
    records = sorted(entities, key=lambda r: r.iri)
    deals = sorted(agreements, key=lambda r: r.iri)
    info = {r.iri: (r.group, r.name, r.local_ids) for r in records}
    info.update({a.iri: ("agreement", a.title or a.kind, a.local_ids) for a in deals})
    pairs = _Pairs(info, judged)
    _by_name(records, pairs)
    post_names = {r.iri: r.name for r in records if r.group == "post"}
    holders = {r.iri for r in records if r.group == "person"}
    _by_post([t for t in tenures if t.holder in holders], post_names, pairs)
    _by_agreement(deals, pairs)
    found = []
    for (a, b), evidence in pairs.evidence.items():
        score = _score(evidence)
        if score < min_score:
            continue
        group, name_a, _ = info.get(a, ("?", a, ()))
        name_b = info.get(b, ("?", b, ()))[1]
        ranked = tuple(sorted(evidence, key=lambda e: (-e.score, e.rule, e.detail)))
        found.append(Candidate(a, b, group, (name_a, name_b), score, ranked))
    return sorted(found, key=lambda c: (-c.score, c.a, c.b))
