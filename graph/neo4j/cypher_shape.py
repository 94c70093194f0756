"""Structural limits on an analyst's Cypher text, checked on its tokens before Neo4j sees it.

Neo4j 5.26 parses and plans before any transaction timeout applies, and some shapes make that
slow or overflow its parser's stack, after which the Bolt request is never answered (measured
on a loaded 2-core machine: ``EXPLAIN`` of 1,000 ``+`` terms 7 s, of 100 ``UNION`` parts 2 s;
300 nested ``CASE``, 1,000 ``NOT``, 300 ``'a' + 'a' …`` never answered). Other shapes run
loops inside one expression, where Neo4j neither tracks memory nor checks its timeout: a list
comprehension over ``range(1, 100000000)`` exhausts the heap and the JVM exits. Brackets are
only one way to nest, so :func:`check_shape` counts the token stream:

* tokens in all (:attr:`CypherLimits.max_tokens`) and bracket depth (``max_nesting``);
* ``CASE`` nesting (``max_case_depth``) and ``WHEN`` branches of one ``CASE`` (``max_chain``);
* binary operators in one chain without a ``,`` or clause between them (``max_chain``: ``+``,
  ``OR``, ``AND``, comparisons, string concatenation, pattern arrows), prefix operators in a
  row (``NOT NOT …``, ``- - …``: ``max_prefix``), items of one list, map or argument list
  (``max_items``), ``UNION`` parts (``max_unions``);
* ``range()`` whose bounds are integer literals or integer parameters spanning more than
  ``max_range`` values, except directly after ``UNWIND`` (which streams it row by row).

Strings, quoted names and comments are single tokens, so nothing hides in them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError

__all__ = ["CypherLimits", "check_shape", "tokens"]


@dataclass(frozen=True)
class CypherLimits:
    """Limits on the parsed shape of a query (defaults fit any query a person writes)."""

    max_tokens: int = 3_000
    max_nesting: int = 64
    max_case_depth: int = 8
    max_chain: int = 100
    max_prefix: int = 16
    max_items: int = 1_000
    max_unions: int = 16
    max_range: int = 100_000


_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>//[^\n\r]*|/\*.*?(?:\*/|\Z))
    |(?P<string>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)
    |(?P<quoted>`(?:[^`]|``)*`?)
    |(?P<number>0x[0-9A-Fa-f_]+|0o[0-7_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)
    |(?P<param>\$(?:\w+|`[^`]*`))
    |(?P<word>[^\W\d]\w*)
    |(?P<op><>|<=|>=|=~|\.\.|->|<-|\+=|::|\|\||.)""",
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = "([{", ")]}"
_BINARY_SYMBOLS = frozenset({"+", "-", "*", "/", "%", "^", "=", "<>", "<", ">", "<=", ">="})
_BINARY_SYMBOLS |= frozenset({"=~", "->", "<-", "||"})
_BINARY_WORDS = frozenset({"AND", "OR", "XOR", "CONTAINS", "STARTS", "ENDS", "IN", "IS"})
_PREFIX_WORDS = frozenset({"NOT"})
_CLAUSES = frozenset(
    {
        "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER", "BY", "SKIP", "LIMIT",
        "UNION", "CALL", "YIELD", "AS", "WHEN", "THEN", "ELSE", "END", "CASE", "DISTINCT", "USE",
        "ASC", "DESC", "ASCENDING", "DESCENDING", "OFFSET", "FILTER", "LET", "FINISH",
    }
)  # fmt: skip
"""Words that end an operator chain (a new clause or part of an expression starts)."""


def tokens(text: str, limit: int | None = None) -> list[tuple[str, str]]:
    """``(kind, text)`` of the tokens of ``text`` but blanks and comments (the first ``limit``
    of them when given: the work stays bounded whatever the text's length)."""
    found: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "op"
        if kind not in ("space", "comment"):
            found.append((kind, match.group()))
            if limit is not None and len(found) >= limit:
                break
    return found


@dataclass
class _Frame:
    """Counters of one bracket or ``CASE`` level."""

    chain: int = 0
    items: int = 1
    whens: int = 0
    case: bool = False


def check_shape(
    text: str, limits: CypherLimits, parameters: Mapping[str, Any] | None = None
) -> None:
    """Raise :class:`QueryError` (what and where) when ``text`` exceeds one of ``limits``."""
    found = tokens(text, limit=limits.max_tokens + 1)
    _Walk(found, limits, parameters or {}).run()  # first: its errors say where and what
    if len(found) > limits.max_tokens:
        raise QueryError(
            f"the query has more than {limits.max_tokens:,} tokens; at most "
            f"{limits.max_tokens:,} are accepted"
        )


class _Walk:
    """One pass over the tokens, keeping a stack of bracket and ``CASE`` frames."""

    def __init__(
        self, found: list[tuple[str, str]], limits: CypherLimits, params: Mapping[str, Any]
    ) -> None:
        self.found = found
        self.limits = limits
        self.params = params
        self.stack = [_Frame()]
        self.brackets = 0
        self.cases = 0
        self.unions = 0
        self.prefix = 0
        self.expect_operand = True

    def fail(self, index: int, what: str) -> None:
        """QueryError naming the token where the limit was passed."""
        near = " ".join(text for _, text in self.found[max(0, index - 3) : index + 1])
        raise QueryError(f"{what} (at token {index + 1}, near {near[:80]!r})")

    def run(self) -> None:
        """Check every token."""
        for index, (kind, text) in enumerate(self.found):
            upper = text.upper() if kind == "word" else text
            if kind == "op" and text in _OPEN:
                self.open(index)
            elif kind == "op" and text in _CLOSE:
                self.close()
            elif kind == "word" and upper == "CASE":
                self.open_case(index)
            elif kind == "word" and upper == "END" and self.stack[-1].case:
                self.stack.pop()
                self.cases -= 1
                self.expect_operand = False
            elif kind == "word" and upper == "WHEN" and self.stack[-1].case:
                self.when(index)
            elif kind == "word" and upper == "WITH" and self.after_starts_or_ends(index):
                continue  # STARTS WITH, ENDS WITH: one operator, counted at STARTS or ENDS
            elif kind == "word" and upper in _CLAUSES:
                self.clause(index, upper)
            elif (kind == "op" and text in _BINARY_SYMBOLS) or (
                kind == "word" and upper in _BINARY_WORDS
            ):
                self.operator(index, text)
            elif kind == "word" and upper in _PREFIX_WORDS:
                self.prefixed(index)
            elif kind == "op" and text in ",|;":
                self.separator(index, text)
            else:
                self.operand(index, kind, upper)

    def after_starts_or_ends(self, index: int) -> bool:
        return index > 0 and self.found[index - 1][1].upper() in ("STARTS", "ENDS")

    def open(self, index: int) -> None:
        self.brackets += 1
        if self.brackets > self.limits.max_nesting:
            self.fail(
                index,
                f"the query nests brackets more than {self.limits.max_nesting} levels deep; at "
                f"most {self.limits.max_nesting} levels of (), [] and {{}} are accepted",
            )
        self.stack.append(_Frame())
        self.prefix = 0
        self.expect_operand = True

    def close(self) -> None:
        while len(self.stack) > 1 and self.stack[-1].case:  # an unclosed CASE: Neo4j says so
            self.stack.pop()
            self.cases -= 1
        if len(self.stack) > 1:
            self.stack.pop()
            self.brackets -= 1
        self.expect_operand = False

    def open_case(self, index: int) -> None:
        self.cases += 1
        if self.cases > self.limits.max_case_depth:
            self.fail(
                index, f"CASE expressions nest deeper than at most {self.limits.max_case_depth}"
            )
        self.stack.append(_Frame(case=True))
        self.prefix = 0
        self.expect_operand = True

    def when(self, index: int) -> None:
        frame = self.stack[-1]
        frame.whens += 1
        frame.chain = 0
        if frame.whens > self.limits.max_chain:
            self.fail(index, f"a CASE has more WHEN branches than at most {self.limits.max_chain}")
        self.expect_operand = True

    def clause(self, index: int, word: str) -> None:
        if word == "UNION":
            self.unions += 1
            if self.unions >= self.limits.max_unions:
                self.fail(
                    index, f"more parts joined by UNION than at most {self.limits.max_unions}"
                )
        self.stack[-1].chain = 0
        self.prefix = 0
        self.expect_operand = True

    def operator(self, index: int, text: str) -> None:
        if self.expect_operand and text in ("+", "-"):
            self.prefixed(index)
            return
        frame = self.stack[-1]
        frame.chain += 1
        if frame.chain > self.limits.max_chain:
            self.fail(index, f"more operators in one chain than at most {self.limits.max_chain}")
        self.expect_operand = True

    def prefixed(self, index: int) -> None:
        self.prefix += 1
        if self.prefix > self.limits.max_prefix:
            self.fail(
                index, f"more prefix operators in a row than at most {self.limits.max_prefix}"
            )
        self.expect_operand = True

    def separator(self, index: int, text: str) -> None:
        frame = self.stack[-1]
        frame.chain = 0
        if text == ",":
            frame.items += 1
            if frame.items > self.limits.max_items:
                self.fail(
                    index,
                    f"a list, map or call has more items than at most {self.limits.max_items}",
                )
        self.expect_operand = True

    def operand(self, index: int, kind: str, word: str) -> None:
        self.prefix = 0
        self.expect_operand = False
        # UNWIND range(…) streams the range row by row (lazily, timeout checked): allowed.
        unwound = index > 0 and self.found[index - 1][1].upper() == "UNWIND"
        if kind == "word" and word == "RANGE" and self.next_is(index, "(") and not unwound:
            self.check_range(index)

    def next_is(self, index: int, text: str) -> bool:
        return index + 1 < len(self.found) and self.found[index + 1][1] == text

    def check_range(self, index: int) -> None:
        """Refuse ``range(a, b[, step])`` with known bounds spanning too many values."""
        bounds = _range_arguments(self.found, index + 2, self.params)
        if bounds is None:
            return
        start, end = bounds[0], bounds[1]
        step = bounds[2] if len(bounds) == 3 else 1
        count = 0 if step == 0 else max(0, (end - start) // step + 1)
        if count > self.limits.max_range:
            self.fail(
                index,
                f"range() spans {count:,} values; at most {self.limits.max_range:,} are accepted "
                "(Neo4j neither limits the memory nor stops the time of a list built in an "
                "expression)",
            )


def _range_arguments(
    found: list[tuple[str, str]], start: int, params: Mapping[str, Any]
) -> list[int] | None:
    """The integer arguments of a ``range(`` call whose ``(`` is before ``start``, when each is
    a literal (with a sign) or an integer parameter; None otherwise."""
    values: list[int] = []
    sign = 1
    index = start
    while index < len(found):
        kind, text = found[index]
        if text == "-" and kind == "op":
            sign = -sign
        elif kind == "number":
            value = _integer(text)
            if value is None:
                return None
            values.append(sign * value)
            sign = 1
        elif kind == "param":
            value = params.get(text[1:].strip("`"))
            if not isinstance(value, int) or isinstance(value, bool):
                return None
            values.append(sign * value)
            sign = 1
        elif text == ")":
            return values if len(values) in (2, 3) else None
        elif text != ",":
            return None
        index += 1
    return None


def _integer(text: str) -> int | None:
    """A Cypher integer literal's value (decimal, hex, octal), None for a float."""
    cleaned = text.replace("_", "").lower()
    try:
        if cleaned.startswith(("0x", "0o")):
            return int(cleaned, 0)
        return int(cleaned)
    except ValueError:
        return None
