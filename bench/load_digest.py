"""What the loaders make of a set of inputs, as sorted text: to prove a change of the load path
leaves its output byte-identical.

    PYTHONPATH=/work/main python bench/load_digest.py examples tests/fixtures > before.txt
    PYTHONPATH=$PWD python bench/load_digest.py examples tests/fixtures > after.txt
    cmp before.txt after.txt

Every file named (directories are walked) is loaded alone against an empty index: its sorted
N-Quads, its warnings, or its problems (file, line, path, message). ``--batch DIR`` also loads
the files of ``DIR`` together, as ``diplograph load`` does (later files resolve against the
entities of earlier ones), and prints the sorted N-Quads of the whole batch and the grown index.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.article import ArticleGraph  # noqa: E402
from loaders.batch import expand_paths, load_path, load_paths  # noqa: E402
from loaders.errors import LoadError  # noqa: E402
from loaders.index import EntityIndex  # noqa: E402


def quads(articles: list[ArticleGraph]) -> list[str]:
    """The sorted N-Quads of ``articles`` (rdflib's own term syntax, independent of ours)."""
    lines = []
    for article in articles:
        graph = article.iri.n3()
        for s, p, o in article.content:
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} {graph} .")
    return sorted(lines)


def one_file(path: Path) -> list[str]:
    """What loading ``path`` alone gives."""
    head = f"## {path}"
    try:
        articles = load_path(path, EntityIndex())
    except LoadError as error:
        return [head, f"{type(error).__name__}", *(repr(p) for p in error.problems)]
    warnings = [f"warning {w!r}" for a in articles for w in a.warnings]
    origins = [f"origin {k} {v}" for a in articles for k, v in sorted(a.origins.items())]
    entities = [f"entity {e!r}" for a in articles for e in a.entities]
    return [head, *warnings, *origins, *entities, *quads(articles)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--batch", action="append", default=[])
    args = parser.parse_args()
    out: list[str] = []
    for path in expand_paths(args.paths):
        out += one_file(path)
    for batch in args.batch:
        result = load_paths([batch], EntityIndex(), keep_going=True)
        out.append(f"## batch {batch}: {len(result.articles)} articles")
        out += [f"failed {f}: {e.problems!r}" for f, e in sorted(result.failed.items())]
        out += [f"warning {w!r}" for w in result.warnings]
        out += [f"origin {a.iri} {k} {v}" for a in result.articles for k, v in a.origins.items()]
        out += [f"entity {a.iri} {e!r}" for a in result.articles for e in a.entities]
        out += quads(result.articles)
        out += sorted(repr(e) for e in result.index)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
