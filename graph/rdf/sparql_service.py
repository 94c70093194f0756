"""Read-only SPARQL 1.1 queries over the embedded Oxigraph store (pyoxigraph's own engine).

:class:`GraphSparqlService` is what ``/sparql`` calls. It evaluates one query and returns the
serialised result; the HTTP layer only parses the protocol and negotiates the media type.

Guarantees
----------
* **Read-only.** Only ``Store.query`` is ever called, and it evaluates queries, never updates. Text
  that uses a SPARQL Update keyword (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``…) is
  refused with :class:`~graph.errors.WriteRejected` before it reaches the engine.
* **No outbound requests.** pyoxigraph evaluates ``SERVICE`` by making HTTP requests *from the
  server*; a query that uses ``SERVICE`` is refused (:class:`~graph.errors.QueryError`).
* **Dataset.** Without a dataset in the request, the default graph is the union of every article
  graph (``use_default_graph_as_union``) and ``GRAPH ?g`` ranges over the articles. The query's own
  ``FROM``/``FROM NAMED`` replace that, and the protocol's ``default-graph-uri`` /
  ``named-graph-uri`` replace both (SPARQL 1.1 Protocol §2.1.4).
* **Time limit.** pyoxigraph cannot cancel a running query. The query runs in a daemon worker
  thread (pyoxigraph releases the GIL while it evaluates) and the caller stops waiting at the
  deadline (:class:`~graph.errors.QueryTimeout`). The worker checks a cancel flag between two
  solutions, so a query that streams stops right away; one that is stuck inside a single step of
  the engine (a sort, an aggregate, a huge join with no match) runs on in the background but
  keeps its slot: at most ``max_concurrent`` queries run at once, and when every slot is taken a
  new query waits within its own time limit, then gets :class:`~graph.errors.StoreUnavailable`.
* **Result cap.** At most ``result_cap`` solutions (or triples) are taken from the engine; one
  more and the query fails with :class:`~graph.errors.ResultTooLarge` (add a ``LIMIT``). Results are
  serialised only from that bounded list, so a runaway result cannot exhaust memory.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Store

from graph.errors import QueryError, QueryTimeout, ResultTooLarge, StoreUnavailable, WriteRejected
from graph.rdf.sparql_formats import (
    GRAPH_MEDIA_TYPES,
    SOLUTION_MEDIA_TYPES,
    pick,
    write_boolean,
    write_solutions,
    write_triples,
)

__all__ = [
    "GRAPH_MEDIA_TYPES",
    "SOLUTION_MEDIA_TYPES",
    "GraphSparqlService",
    "QueryForm",
    "QueryShape",
    "SparqlResult",
    "analyse_query",
]

T = TypeVar("T")


DEFAULT_PREFIXES: dict[str, str] = {
    "dg": "https://w3id.org/diplograph/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
"""Prefixes used when writing Turtle (with those the query declares)."""


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE return RDF triples; SELECT and ASK return results."""
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


# ------------------------------------------------------------------------------------------------
# Looking at the query text (without parsing it: pyoxigraph's parser has the last word)
# ------------------------------------------------------------------------------------------------

_OPAQUE = re.compile(
    r"""'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"      # long strings
    |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"              # strings
    |<[^<>"{}|^`\\\x00-\x20]*>                                # IRIs
    |\#[^\n\r]*                                               # comments""",
    re.VERBOSE | re.DOTALL,
)
# A bare word: not part of a variable (?x $x), prefixed name (ex:x x:), blank node label (_:x) or
# language tag (@en-GB). A false positive only refuses a query; it never lets one through.
_WORD = re.compile(r"(?<![\w:?$@-])[A-Za-z]+(?![\w:-])")
_PREFIX_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
MAX_NESTING = 100
"""Deepest nesting of ``{``, ``(`` and ``[`` accepted. pyoxigraph's parser recurses once per
level without a limit: about 2,500 nested groups overflow the stack and kill the process."""
_OPENERS = frozenset("{([")
_CLOSERS = frozenset("})]")


@dataclass(frozen=True)
class QueryShape:
    """What the query text says about itself, found by a lexical scan."""

    form: QueryForm | None
    """The query form, or None when none was found (the parser will say what is wrong)."""
    update_keyword: str | None = None
    """The first SPARQL Update keyword in the text, if any."""
    uses_service: bool = False
    has_dataset_clause: bool = False
    """The query has FROM or FROM NAMED."""
    prefixes: dict[str, str] = field(default_factory=dict)
    nesting: int = 0
    """The deepest nesting of brackets outside strings and comments."""


def _keep_iri_brackets(match: re.Match[str]) -> str:
    """What stands for an opaque token when measuring nesting: the brackets of an IRI-looking
    token (``<`` may be a less-than whose operand the parser reads), nothing else."""
    token = match.group(0)
    return "".join(c for c in token if c in _OPENERS or c in _CLOSERS) if token[0] == "<" else " "


def _nesting(text: str) -> int:
    """The deepest bracket nesting of ``text`` (closers never take it below zero)."""
    depth = deepest = 0
    for char in _OPAQUE.sub(_keep_iri_brackets, text):
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
    return deepest


def analyse_query(text: str) -> QueryShape:
    """Scan ``text`` (ignoring strings, IRIs and comments) for its form and risky keywords."""
    words = [match.group(0).upper() for match in _WORD.finditer(_OPAQUE.sub(" ", text))]
    form = next((QueryForm(word) for word in words if word in QueryForm.__members__), None)
    return QueryShape(
        form=form,
        update_keyword=next((word for word in words if word in _UPDATE_KEYWORDS), None),
        uses_service="SERVICE" in words,
        has_dataset_clause="FROM" in words,
        prefixes={prefix or "": iri for prefix, iri in _PREFIX_DECLARATION.findall(text)},
        nesting=_nesting(text),
    )


@dataclass(frozen=True)
class SparqlResult:
    """A serialised query result."""

    body: bytes
    media_type: str
    form: QueryForm
    count: int
    """Solutions (SELECT), triples (CONSTRUCT, DESCRIBE) or 1 (ASK)."""


# ------------------------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------------------------


class _Cancelled(Exception):
    """The caller gave up waiting; the worker stops at the next solution."""


def _take(items: Iterable[T], cap: int, cancel: threading.Event) -> list[T]:
    """At most ``cap`` items; ResultTooLarge on one more, _Cancelled once ``cancel`` is set."""
    taken: list[T] = []
    for item in items:
        if cancel.is_set():
            raise _Cancelled
        if len(taken) == cap:
            raise ResultTooLarge(
                f"the query has more than {cap} results; add a LIMIT (at most {cap})", limit=cap
            )
        taken.append(item)
    return taken


@dataclass(frozen=True)
class _Job:
    """One query to evaluate in a worker thread."""

    text: str
    options: dict[str, Any]
    media_type: str | None
    cap: int
    prefixes: dict[str, str]
    form: QueryForm | None
    cancel: threading.Event = field(default_factory=threading.Event)


def _detached(error: BaseException) -> BaseException:
    """``error`` without tracebacks (also on its cause and context).

    pyoxigraph's result iterators are "unsendable": dropping one on another thread than the one
    that made it aborts the process. A traceback keeps the worker's frames, and so the iterator,
    alive; stripping it lets the iterator die in the worker, where it was made.
    """
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return error


def _graph_list(uris: Sequence[str], what: str) -> list[NamedNode]:
    """The graph IRIs of a protocol parameter; QueryError on an invalid IRI."""
    try:
        return [NamedNode(uri) for uri in uris]
    except ValueError as error:
        raise QueryError(f"invalid {what}: {error}") from error


class GraphSparqlService:
    """SPARQL 1.1 queries over a pyoxigraph ``Store`` whose named graphs are the articles.

    ``timeout_s`` and ``result_cap`` are defaults; :meth:`query` may override them per call
    (the router passes the values from the settings). ``max_concurrent`` bounds the worker
    threads, including those of timed-out queries the engine is still evaluating.
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout_s: float = 10.0,
        result_cap: int = 10_000,
        max_concurrent: int = 8,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self._store = store
        self._timeout_s = timeout_s
        self._result_cap = result_cap
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._prefixes = dict(DEFAULT_PREFIXES if prefixes is None else prefixes)

    @staticmethod
    def media_types(form: QueryForm | None) -> tuple[str, ...]:
        """The media types offered for ``form``, preferred first (SELECT's when unknown)."""
        offered = GRAPH_MEDIA_TYPES if form and form.returns_graph else SOLUTION_MEDIA_TYPES
        return tuple(offered)

    def offered_media_types(self, text: str) -> tuple[str, ...]:
        """The media types this query's result can be written in, preferred first."""
        return self.media_types(analyse_query(text).form)

    def query(
        self,
        text: str,
        *,
        media_type: str | None = None,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout_s: float | None = None,
        result_cap: int | None = None,
    ) -> SparqlResult:
        """Evaluate ``text`` and serialise the result as ``media_type`` (the form's default if
        None or not offered for the form the query turns out to have).

        Raises WriteRejected (an update), QueryError (malformed, SERVICE, bad graph IRI),
        QueryTimeout, ResultTooLarge, StoreUnavailable (store error, or too many queries).
        """
        shape = analyse_query(text)
        self._refuse_unsafe(shape)
        options = self._dataset_options(shape, default_graph_uris, named_graph_uris)
        timeout = self._timeout_s if timeout_s is None else timeout_s
        job = _Job(
            text=text,
            options=options,
            media_type=media_type,
            cap=self._result_cap if result_cap is None else result_cap,
            prefixes={**self._prefixes, **shape.prefixes},
            form=shape.form,
        )
        return self._run_bounded(lambda: self._evaluate(job), timeout, job.cancel)

    @staticmethod
    def _refuse_unsafe(shape: QueryShape) -> None:
        """WriteRejected for SPARQL Update, QueryError for SERVICE and for deep nesting."""
        if shape.nesting > MAX_NESTING:
            raise QueryError(
                f"the query nests brackets {shape.nesting} levels deep; at most {MAX_NESTING} "
                "levels of {}, () and [] are accepted"
            )
        if shape.update_keyword:
            raise WriteRejected(
                f"SPARQL Update ({shape.update_keyword}) is not accepted: this endpoint is "
                "read-only and answers SELECT, ASK, CONSTRUCT and DESCRIBE queries"
            )
        if shape.uses_service:
            raise QueryError("SERVICE (federated query) is disabled on this endpoint")

    @staticmethod
    def _dataset_options(
        shape: QueryShape, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
    ) -> dict[str, Any]:
        """pyoxigraph's dataset arguments: protocol dataset > FROM clauses > union of graphs."""
        if default_graph_uris or named_graph_uris:
            return {
                "default_graph": _graph_list(default_graph_uris, "default-graph-uri"),
                "named_graphs": _graph_list(named_graph_uris, "named-graph-uri"),
            }
        if shape.has_dataset_clause:
            return {}
        return {"use_default_graph_as_union": True}

    def _run_bounded(
        self, job: Callable[[], SparqlResult], timeout: float, cancel: threading.Event
    ) -> SparqlResult:
        """Run ``job`` in a daemon worker; stop waiting (and flag it) at the deadline."""
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=timeout):
            raise StoreUnavailable(
                "too many SPARQL queries are running; retry in a few seconds", retry_after=5.0
            )
        future: Future[SparqlResult] = Future()

        def work() -> None:
            try:
                future.set_result(job())
            except BaseException as error:  # handed to the waiting caller
                future.set_exception(_detached(error))
            finally:
                self._slots.release()

        threading.Thread(target=work, name="sparql-query", daemon=True).start()
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            cancel.set()
            raise QueryTimeout(
                f"the query did not finish within {timeout:g} s", timeout=timeout
            ) from None

    def _evaluate(self, job: _Job) -> SparqlResult:
        """Run the query in the engine, take at most ``job.cap`` results, serialise them."""
        try:
            results = self._store.query(job.text, **job.options)
            if isinstance(results, QueryBoolean):
                fmt, mime = pick(SOLUTION_MEDIA_TYPES, job.media_type)
                return SparqlResult(write_boolean(bool(results), fmt), mime, QueryForm.ASK, 1)
            if isinstance(results, QuerySolutions):
                variables = [variable.value for variable in results.variables]
                rows = [list(solution) for solution in _take(results, job.cap, job.cancel)]
                fmt, mime = pick(SOLUTION_MEDIA_TYPES, job.media_type)
                body = write_solutions(variables, rows, fmt)
                return SparqlResult(body, mime, QueryForm.SELECT, len(rows))
            triples = _take(results, job.cap, job.cancel)
            rdf_format, mime = pick(GRAPH_MEDIA_TYPES, job.media_type)
            body = write_triples(triples, rdf_format, job.prefixes)
            form = job.form if job.form and job.form.returns_graph else QueryForm.CONSTRUCT
            return SparqlResult(body, mime, form, len(triples))
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {error.msg}") from None
        except ValueError as error:
            raise QueryError(str(error)) from None
        except OSError as error:
            raise StoreUnavailable(f"the RDF store failed: {error}") from error
