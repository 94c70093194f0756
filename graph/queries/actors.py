"""Format 2 actors in the entity detail: a collective actor's members and the groups an actor
belongs to; the post a person known only by role holds (``dg:holds``), with its "as of"
date and where that date comes from."""

from __future__ import annotations

from graph.queries.model import EntityRef, HeldPost
from graph.queries.refs import Refs
from graph.queries.source import Described, GraphSource


def members_of(refs: Refs, node: Described) -> tuple[EntityRef, ...]:
    """The members of a collective actor (sorted by IRI)."""
    refs.load(node.all("MEMBER"))
    return refs.refs(node.all("MEMBER"))


def groups_of(source: GraphSource, refs: Refs, uri: str) -> tuple[EntityRef, ...]:
    """The collective actors ``uri`` is a member of."""
    groups = sorted({s for s, _ in source.referrers(uri, ["MEMBER"])})
    refs.load(groups)
    return refs.refs(groups)


def role_only(node: Described) -> bool:
    """Whether an article names the person only by role (``dg:roleOnly``)."""
    return node.text("roleOnly") in ("True", "true", "1")


def held_posts(source: GraphSource, refs: Refs, node: Described) -> tuple[HeldPost, ...]:
    """The posts a person known only by role holds, as of the date the sheet gives
    (``as_of_source: "sheet"``) or else the earliest date of the articles stating the person
    (``"article"``: derived, never written into the graph; one more read, for those
    articles' dates)."""
    if not node.all("HOLDS"):
        return ()
    posts = source.describe(sorted(node.all("HOLDS")))
    refs.load(p for post in posts.values() for p in post.all("POST_IN"))
    as_of, as_of_source = node.text("asOf"), "sheet"
    if as_of is None:
        articles = source.describe(sorted(node.texts("sources")))
        dates = sorted(d for a in articles.values() if (d := a.text("date")))
        as_of, as_of_source = (dates[0] if dates else None), "article"
    items = []
    for uri in node.all("HOLDS"):
        post = posts.get(uri)
        place = post.one("POST_IN") if post else None
        items.append(
            HeldPost(
                post=uri,
                post_name=post.text("name") if post else None,
                post_in=refs.ref(place) if place else None,
                as_of=as_of,
                as_of_source=as_of_source if as_of else None,
            )
        )
    return tuple(items)
