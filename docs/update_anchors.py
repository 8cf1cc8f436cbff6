#!/usr/bin/env python3
"""Keep the docs' links into the source pointing at the right lines.

The docs link to code as ``[`Flask.wsgi_app`](../minflask/app.py#L761)``:
the link text names a symbol, the anchor is the line that defines it. Code
moves, so anchors go stale; this script finds each symbol again and rewrites
the anchors in place::

    python3 docs/update_anchors.py            # fix every docs/*.md
    python3 docs/update_anchors.py --check    # only report, exit 1 if stale

A symbol is a dotted name found by parsing the file (``Flask.wsgi_app``,
``RequestContext.push``, ``_app_ctx_stack``), optionally after the module's
own name (``_routing.match``); a suffix of a qualified name works when it
is unique (``wsgi_app``). In a file that is not Python the
link text must appear on the line. Standard library only, so it runs
without the project installed; tests/test_docs.py uses the same functions.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

#: An inline Markdown link: [text](target).
LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
#: A line anchor as GitHub writes it.
LINE_ANCHOR = re.compile(r"L(?P<line>\d+)")
#: Link text naming a symbol: one code span, optionally with a call's "()".
SYMBOL_TEXT = re.compile(r"`(?P<symbol>[A-Za-z_][\w.]*?)(?:\(\))?`")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Link:
    """One relative link in a Markdown file."""

    doc: Path
    lineno: int  # in the Markdown file, 1-based
    text: str
    target: str  # as written, e.g. "../minflask/app.py#L761"
    path: Path  # the target file, resolved
    fragment: str  # after "#", or ""

    def where(self) -> str:
        return f"{shown(self.doc)}:{self.lineno}: [{self.text}]({self.target})"


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def iter_links(doc: Path) -> list[Link]:
    """The relative links of ``doc``, outside fenced code blocks."""
    links = []
    in_fence = False
    for lineno, line in enumerate(doc.read_text("utf-8").splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for match in LINK.finditer(_without_code_spans(line)):
            target = match["target"]
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # http:, https:, mailto:
            path_part, _, fragment = target.partition("#")
            path = (doc.parent / path_part).resolve() if path_part else doc
            links.append(Link(doc, lineno, match["text"], target, path, fragment))
    return links


def _without_code_spans(line: str) -> str:
    """``line`` with code spans that are not link text blanked out, so a
    link written inside backticks is not taken for a real one."""
    out = []
    pos = 0
    for span in re.finditer(r"`[^`]*`", line):
        start, end = span.span()
        inside_link_text = line[:start].endswith("[") and line[end:].startswith("]")
        out.append(line[pos:start])
        out.append(span.group() if inside_link_text else " " * (end - start))
        pos = end
    out.append(line[pos:])
    return "".join(out)


def definitions(path: Path) -> list[tuple[str, int]]:
    """(qualified name, line) of every class, function, and module- or
    class-level assignment in a Python file, in source order."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((prefix + node.name, node.lineno))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        found.append((prefix + target.id, node.lineno))

    visit(tree.body, "")
    return found


def symbol_of(link: Link) -> str | None:
    """The symbol a line-anchored link names, or None if its text is not
    a single code span."""
    match = SYMBOL_TEXT.fullmatch(link.text)
    return match["symbol"] if match else None


def candidate_lines(path: Path, symbol: str) -> list[int]:
    """Lines that define ``symbol`` in ``path``: an exact qualified name
    first, else every definition whose qualified name ends with it."""
    if path.suffix != ".py":
        lines = path.read_text("utf-8").splitlines()
        return [n for n, line in enumerate(lines, start=1) if symbol in line]
    symbol = _without_module(path, symbol)
    defs = definitions(path)
    exact = [line for name, line in defs if name == symbol]
    if exact:
        return exact
    return [line for name, line in defs if name.endswith("." + symbol)]


def _without_module(path: Path, symbol: str) -> str:
    """``_routing.match`` in ``_routing.py`` names ``match``: a link may
    spell out the module of a module-level function."""
    prefix = path.stem + "."
    return symbol[len(prefix) :] if symbol.startswith(prefix) else symbol


def anchor_problem(link: Link) -> str | None:
    """Why a line-anchored link is wrong, or None if it is right."""
    symbol = symbol_of(link)
    if symbol is None:
        return "a line-anchored link's text must be one code span naming a symbol, e.g. `Flask.wsgi_app`"
    if not link.path.is_file():
        return f"{shown(link.path)} does not exist"
    match = LINE_ANCHOR.fullmatch(link.fragment)
    if match is None:
        return f"anchor #{link.fragment} is not a line anchor like #L12"
    lines = candidate_lines(link.path, symbol)
    if not lines:
        return f"nothing named {symbol!r} is defined in {shown(link.path)}"
    if int(match["line"]) not in lines:
        where = ", ".join(f"L{n}" for n in lines)
        return f"line {match['line']} does not define {symbol!r} (it is at {where})"
    return None


def is_code_link(link: Link) -> bool:
    """Whether ``link`` is an anchored link into a source file (not a doc)."""
    return bool(link.fragment) and link.path.suffix != ".md" and link.path != link.doc


def update_text(doc: Path) -> tuple[str, list[str], list[str]]:
    """``doc``'s text with stale line anchors fixed, what changed, and the
    problems this script cannot fix (unknown or ambiguous symbols)."""
    text = doc.read_text("utf-8")
    code_links = {
        (link.lineno, link.text, link.target): link
        for link in iter_links(doc)
        if is_code_link(link)
    }
    changes: list[str] = []
    problems: list[str] = []
    out_lines = []
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):

        def replace(match: re.Match[str], lineno: int = lineno) -> str:
            link = code_links.get((lineno, match["text"], match["target"]))
            if link is None or anchor_problem(link) is None:
                return match.group()
            symbol = symbol_of(link)
            lines = candidate_lines(link.path, symbol) if symbol else []
            if symbol is None or not link.path.is_file() or not lines:
                problems.append(f"{link.where()}: {anchor_problem(link)}")
                return match.group()
            if len(set(lines)) > 1 and len(_names_at(link.path, symbol)) > 1:
                problems.append(
                    f"{link.where()}: {symbol!r} is ambiguous; qualify it"
                    " (e.g. Class.method)"
                )
                return match.group()
            path_part = link.target.partition("#")[0]
            new_target = f"{path_part}#L{lines[0]}"
            changes.append(f"{link.where()} -> #L{lines[0]}")
            return f"[{match['text']}]({new_target})"

        out_lines.append(LINK.sub(replace, line))
    return "".join(out_lines), changes, problems


def _names_at(path: Path, symbol: str) -> set[str]:
    """The distinct qualified names ``symbol`` matches (a property's getter
    and setter share one)."""
    if path.suffix != ".py":
        return {symbol}
    symbol = _without_module(path, symbol)
    defs = definitions(path)
    exact = {name for name, _ in defs if name == symbol}
    return exact or {name for name, _ in defs if name.endswith("." + symbol)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="default: docs/*.md")
    parser.add_argument(
        "--check", action="store_true", help="report stale anchors, change nothing"
    )
    args = parser.parse_args(argv)
    files = [f.resolve() for f in args.files] or sorted(DOCS.glob("*.md"))
    status = 0
    for doc in files:
        new_text, changes, problems = update_text(doc)
        for line in changes:
            print(("stale: " if args.check else "fixed: ") + line)
        for line in problems:
            print(f"error: {line}", file=sys.stderr)
        if problems or (args.check and changes):
            status = 1
        if changes and not args.check:
            doc.write_text(new_text, "utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
