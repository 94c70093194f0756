"""Hostile SPARQL texts of issue 14, and generators of more of the same shapes (for the fuzz tests).

* :data:`ATTACKS`: one query per family (flat chains, deep nesting, SERVICE tricks, memory
  blow-ups), each of which crashed, leaked or exhausted the server before the worker pool;
* :data:`SERVICE_SPELLINGS`: SERVICE in many spellings and places (``{url}`` is the endpoint);
* :func:`service_queries`, :func:`chain_query` and the hypothesis strategies: generated ones.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

EX = "PREFIX ex: <http://e/>\n"


def _nested_concat(levels: int, width: int) -> str:
    """BINDs that each CONCAT the previous value ``width`` times: width**levels characters."""
    binds = ['BIND("aaaaaaaaaa" AS ?a0)']
    for level in range(1, levels + 1):
        args = ",".join([f"?a{level - 1}"] * width)
        binds.append(f"BIND(CONCAT({args}) AS ?a{level})")
    return f"SELECT (STRLEN(?a{levels}) AS ?n) {{ {' '.join(binds)} }}"


ATTACKS: dict[str, str] = {
    "not-chain": "SELECT (" + "!" * 10_000 + "true AS ?x) {}",
    "plus-chain": "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}",
    "times-chain": "SELECT (" + "*".join(["1"] * 3_000) + " AS ?x) {}",
    "or-chain": "SELECT * { FILTER(" + "||".join(["true"] * 10_000) + ") }",
    "and-chain": "SELECT * { FILTER(" + "&&".join(["true"] * 3_000) + ") }",
    "union-chain": "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
    "path-sequence": "SELECT * { ?s " + "/".join(["<http://p>"] * 10_000) + " ?o }",
    "path-alternative": "SELECT * { ?s " + "|".join(["<http://p>"] * 10_000) + " ?o }",
    "collection": "SELECT * { ?s ?p (" + " 1" * 10_000 + " ) }",
    "optional-20000": "SELECT * { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 20_000 + "}",
    "optional-2000": "SELECT * { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 2_000 + "}",
    "nested-groups": "SELECT * " + "{" * 5_000 + "?s ?p ?o" + "}" * 5_000,
    "nested-brackets": "SELECT * { FILTER(" + "(" * 5_000 + "1" + ")" * 5_000 + ") }",
    "escape-hides-nesting": EX
    + "SELECT * { BIND(ex:a\\# AS ?x) "
    + "{" * 3_000
    + "}" * 3_000
    + "}",
    "escape-then-service": EX
    + "SELECT * WHERE { BIND(ex:a\\# AS ?x) SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "cross-product-sort": "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
    "concat-blowup": _nested_concat(levels=9, width=10),
}

SERVICE_SPELLINGS: list[str] = [
    "SELECT * { SERVICE <{url}> { ?s ?p ?o } }",
    "select * { service <{url}> { ?s ?p ?o } }",
    "SELECT * { SeRvIcE SiLeNt <{url}> { ?s ?p ?o } }",
    "SELECT * { SERVICE # a comment\n <{url}> { ?s ?p ?o } }",
    "SELECT * {SERVICE<{url}>{?s ?p ?o}}",
    "PREFIX e: <{url}/> SELECT * { SERVICE e:x { ?s ?p ?o } }",
    "PREFIX ex: <http://e/> SELECT * { BIND(ex:a\\# AS ?x) SERVICE <{url}> { ?s ?p ?o } }",
    "PREFIX ex: <http://e/> SELECT * { BIND(ex:a\\#b AS ?x) . SERVICE SILENT <{url}> {} }",
    "SELECT * { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * { SERVICE ?e { ?s ?p ?o } VALUES ?e { <{url}> } }",
    "SELECT * { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "ASK { FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * { FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE SILENT <{url}> { ?s ?p ?o } } }",
    "DESCRIBE ?s WHERE { { SELECT ?s { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * { {} UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * { OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * { ?s <http://p>/<http://q> ?o . SERVICE <{url}> { ?s ?p ?o } }",
    "BASE <{url}> SELECT * { SERVICE <> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <{url}> { SERVICE <{url}> { ?s ?p ?o } } }",
]

_SEPARATORS = [" ", "\n", "\t", " # x\n", "\r\n", "  "]


def _case(word: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)


def _escaped(word: str, rng: random.Random) -> str:
    """``word`` with some letters as SPARQL ``\\u`` escapes (resolved before parsing)."""
    return "".join(f"\\u{ord(c):04X}" if rng.random() < 0.3 else c for c in word)


def service_queries(url: str, *, count: int, seed: int) -> list[str]:
    """``count`` generated queries that use SERVICE on ``url`` in varied spellings and places."""
    rng = random.Random(seed)
    places = [
        "SELECT * {{ {s} }}",
        "SELECT * {{ ?s ?p ?o OPTIONAL {{ {s} }} }}",
        "ASK {{ FILTER EXISTS {{ {s} }} }}",
        "SELECT * {{ {{ SELECT * {{ {s} }} }} }}",
        "PREFIX ex: <http://e/> SELECT * {{ BIND(ex:a\\# AS ?x) {s} }}",
        "SELECT * {{ {{}} UNION {{ {s} }} }}",
    ]
    queries = []
    for _ in range(count):
        keyword = _case("SERVICE", rng)
        if rng.random() < 0.3:
            keyword = _escaped(keyword, rng)
        silent = _case("SILENT", rng) + rng.choice(_SEPARATORS) if rng.random() < 0.5 else ""
        pattern = f"{keyword}{rng.choice(_SEPARATORS)}{silent}<{url}>{rng.choice(_SEPARATORS)}{{}}"
        queries.append(rng.choice(places).format(s=pattern))
    return queries


CHAIN_OPERATORS = {
    "||": "SELECT * {{ FILTER({}) }}",
    "&&": "SELECT * {{ FILTER({}) }}",
    "+": "SELECT ({} AS ?x) {{}}",
    "*": "SELECT ({} AS ?x) {{}}",
    "/": "SELECT * {{ ?s {} ?o }}",
    "|": "SELECT * {{ ?s {} ?o }}",
    " UNION ": "SELECT * {{ {} }}",
}
_OPERANDS = {
    "||": "true",
    "&&": "true",
    "+": "1",
    "*": "1",
    "/": "<http://p>",
    "|": "<http://p>",
    " UNION ": "{ ?s ?p ?o }",
}


def chain_query(operator: str, length: int) -> str:
    """A query with one flat chain of ``length`` operands joined by ``operator``."""
    return CHAIN_OPERATORS[operator].format(operator.join([_OPERANDS[operator]] * length))


chains = st.builds(
    chain_query,
    st.sampled_from(sorted(CHAIN_OPERATORS)),
    st.integers(min_value=501, max_value=4000),
)
"""Queries with a flat chain longer than the default limit (500)."""

service_texts = st.builds(
    lambda seed, count: service_queries("http://127.0.0.1:9/x", count=count, seed=seed)[-1],
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=1, max_value=5),
)
"""A generated SERVICE query (port 9: nothing listens; the test counts on the answer)."""

escaped_names = st.builds(
    lambda local, tail: f"PREFIX ex: <http://e/> SELECT * {{ BIND(ex:{local}\\{tail} AS ?x) }}",
    st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True),
    st.sampled_from(list("#~.-!$&'()*+,;=/?@%_")),
)
"""Prefixed names with a PN_LOCAL escape (``ex:a\\#``), which a lexical scanner misreads."""
