"""The docs cannot rot: their links into the source and their examples are
checked here.

Conventions for docs/*.md (what the tests below enforce):

- A link to a line of code has one code span as its text, naming the
  symbol defined on that line: [`Flask.wsgi_app`](../minflask/app.py#L769).
  When code moves, ``python3 docs/update_anchors.py`` rewrites the anchors.
- Every relative link points at a file that exists; a ``#fragment`` into a
  Markdown file names one of its headings.
- Fenced blocks say what they are. Examples show a session and its output:
  ``pycon`` blocks run as doctests (ELLIPSIS, NORMALIZE_WHITESPACE), in
  order, in one namespace per document, in a fresh interpreter (so claims
  about what is imported can be shown); in ``console`` blocks each
  ``$ command`` runs from the repository root and its output is compared
  the same way. Timings such as ``12 µs`` are masked before comparing.
- ``python`` blocks are listings, code for a file of your own: they must
  compile and their imports must work. ``sh`` and ``text`` blocks are not
  run, so they may not contain prompts.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOC_FILES = sorted(DOCS.glob("*.md"))
FIX_COMMAND = "python3 docs/update_anchors.py"


def _load_anchor_tool() -> t.Any:
    spec = importlib.util.spec_from_file_location(
        "update_anchors", DOCS / "update_anchors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("update_anchors", module)
    spec.loader.exec_module(module)
    return module


anchors = _load_anchor_tool()

#: A source location in a file that is not this repository's own.
FOREIGN_SOURCE = (
    r"(?<![\w/.])((?!(?:minflask|demo|tests|docs|benchmarks)/)[\w./-]+\.py):\d+"
)
#: Any source location, for renumbering (see renumber_sources).
ANY_SOURCE = re.compile(r"([\w./-]+\.py):(\d+)")

#: What differs from run to run or moves with the code, and what replaces
#: it in both the expected and the actual output before they are compared.
MASKS = (
    # The start and duration columns that begin each line of a text trace.
    (
        re.compile(r"^[ \t]*\d[\d,]*\.\d+(?:[ \t]+\d[\d,]*\.\d+)?(?=[ \t]{2})", re.M),
        "<time>",
    ),
    # A duration with its unit: "12 µs", "1,204.5 µs", "3.1 ms".
    (re.compile(r"\d[\d,]*(?:\.\d+)?\s?(?:µs|us|ms)\b"), "<time>"),
    # Durations in a JSON trace: "start_us": 12.5.
    (re.compile(r'("\w+_us"):\s*[\d.]+'), r"\1: <time>"),
    # Source lines in the dependencies ("werkzeug/routing/map.py:361") move
    # with their versions; this repository's own lines ("minflask/app.py:828",
    # "demo/auth.py:40") are compared exactly: after moving code, write the
    # new numbers with ACCEPT_COMMAND (it renumbers outputs using "..." too).
    (re.compile(FOREIGN_SOURCE), r"\1:<line>"),
    # Random ids as a trace shortens them ("sid gt20cTHH…"), cookie values.
    (re.compile(r"[A-Za-z0-9_-]{8}…"), "<id>…"),
    (re.compile(r"(Set-Cookie: [^=;\s]+=)[^;\s]+"), r"\1<value>"),
)
RUN_KINDS = ("python", "pycon", "console")
QUIET_KINDS = ("sh", "text")
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<kind>[\w+-]*)\s*$")
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
ELLIPSIS_MARKER = doctest.ELLIPSIS_MARKER
ACCEPT_COMMAND = ".venv/bin/python -m tests.test_docs --accept {doc}"


# -- reading the docs -----------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One fenced block of a Markdown file."""

    kind: str
    lineno: int  # of the first line inside the fence
    text: str


def fenced_blocks(doc: Path) -> list[Block]:
    """The fenced blocks of ``doc`` in order."""
    blocks = []
    kind: str | None = None
    start = 0
    lines: list[str] = []
    for lineno, line in enumerate(doc.read_text("utf-8").splitlines(), start=1):
        match = FENCE.match(line)
        if kind is None:
            if match:
                kind, start, lines = match["kind"], lineno + 1, []
        elif match and not match["kind"]:
            blocks.append(Block(kind, start, "\n".join(lines) + "\n"))
            kind = None
        else:
            lines.append(line)
    assert kind is None, f"{doc.name}: a fence opened at line {start - 1} never closes"
    return blocks


def heading_slugs(doc: Path) -> set[str]:
    """GitHub's anchors for the headings of ``doc``."""
    slugs: set[str] = set()
    in_fence = False
    for line in doc.read_text("utf-8").splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        base = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        slug, n = base, 0
        while slug in slugs:
            n += 1
            slug = f"{base}-{n}"
        slugs.add(slug)
    return slugs


# -- comparing output -------------------------------------------------------------


def mask_timings(text: str) -> str:
    """``text`` with timings and source line numbers replaced (see MASKS)."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def keep_blank_lines(block: str) -> str:
    """Mark the blank lines inside an expected output as ``<BLANKLINE>``, so
    a printed trace can be shown as it is; a blank line before the next
    prompt or the end of the block still just ends the output."""
    lines = block.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line.strip() and out and not out[-1].startswith(">>>"):
            rest = [x for x in lines[i + 1 :] if x.strip()]
            if rest and not rest[0].lstrip().startswith(">>>"):
                out.append("<BLANKLINE>")
                continue
        out.append(line)
    return "\n".join(out)


class TimingMaskedChecker(doctest.OutputChecker):
    """Doctest's comparison, with durations replaced by a placeholder first,
    so a trace can be compared though its timings differ on every run."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return super().check_output(mask_timings(want), mask_timings(got), optionflags)

    def output_difference(
        self, example: doctest.Example, got: str, optionflags: int
    ) -> str:
        masked = doctest.Example(example.source, mask_timings(example.want))
        return super().output_difference(masked, mask_timings(got), optionflags)


# -- running the examples (in a fresh interpreter: see run_doc_in_subprocess) -----


def _console_examples(block: Block) -> list[tuple[int, str, str]]:
    """(line, command, expected output) for each ``$`` line of a console block."""
    examples: list[tuple[int, str, list[str]]] = []
    for offset, line in enumerate(block.text.splitlines()):
        if line.startswith("$ "):
            examples.append((block.lineno + offset, line[2:], []))
        elif examples:
            examples[-1][2].append(line)
        elif line.strip():
            raise AssertionError(
                f"line {block.lineno + offset}: console output before any '$ ' command"
            )
    return [(n, cmd, "\n".join(out).rstrip() + "\n") for n, cmd, out in examples]


def _run_console(command: str) -> str:
    """Run a documented command from the repository root; stdout and stderr
    together, as a terminal shows them."""
    argv = shlex.split(command)
    executable = Path(sys.executable).parent / argv[0]
    if executable.exists():  # minflask from this interpreter's environment
        argv[0] = str(executable)
    result = subprocess.run(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return result.stdout


def check_listing(source: str, where: str) -> str | None:
    """Why a ``python`` listing is broken, or None: it must compile, and
    its import statements must run (so renamed APIs show up here)."""
    try:
        tree = ast.parse(source, where)
    except SyntaxError as e:
        return f"{where}: python listing does not compile: {e}"
    imports: list[ast.stmt] = [
        n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
    ]
    code = compile(ast.Module(body=imports, type_ignores=[]), where, "exec")
    try:
        exec(code, {"__name__": "listing"})
    except Exception as e:
        return f"{where}: an import in a python listing failed: {e!r}"
    return None


@dataclass(frozen=True)
class Mismatch:
    """An example whose output differs: where its expected output sits in
    the document, and what it printed instead."""

    first_line: int  # 1-based line of the expected output in the document
    n_lines: int
    want: str
    got: str


class _RecordingRunner(doctest.DocTestRunner):
    """A doctest runner that also keeps each failing example and its output."""

    def __init__(self, checker: doctest.OutputChecker) -> None:
        super().__init__(checker=checker, optionflags=OPTIONS)
        self.mismatches: list[tuple[doctest.Example, str]] = []

    def report_failure(
        self, out: t.Any, test: doctest.DocTest, example: doctest.Example, got: str
    ) -> None:
        self.mismatches.append((example, got))
        super().report_failure(out, test, example, got)


def run_examples(doc: Path) -> tuple[int, list[str], list[Mismatch]]:
    """Run every example of ``doc`` in order in one namespace; return how
    many ran, a report of each failure, and the outputs that differed."""
    namespace: dict[str, t.Any] = {"__name__": "__main__"}  # as in a REPL
    checker = TimingMaskedChecker()
    failures: list[str] = []
    mismatches: list[Mismatch] = []
    count = 0
    parser = doctest.DocTestParser()
    for block in fenced_blocks(doc):
        where = f"{anchors.shown(doc)}:{block.lineno}"
        if block.kind == "python":
            count += 1
            problem = check_listing(block.text, where)
            if problem:
                failures.append(problem)
        elif block.kind == "pycon":
            test = parser.get_doctest(
                keep_blank_lines(block.text),
                namespace,
                where,
                str(doc),
                block.lineno - 1,
            )
            test.globs = namespace  # get_doctest copies it; share it instead
            report: list[str] = []
            runner = _RecordingRunner(checker)
            result = runner.run(test, out=report.append, clear_globs=False)
            count += result.attempted
            if result.failed:
                failures.append("".join(report))
            for example, got in runner.mismatches:
                first = block.lineno + example.lineno + example.source.count("\n")
                n_lines = len(example.want.splitlines())
                mismatches.append(Mismatch(first, n_lines, example.want, got))
        elif block.kind == "console":
            for lineno, command, want in _console_examples(block):
                count += 1
                got = _run_console(command)
                if not checker.check_output(want, got, OPTIONS):
                    example = doctest.Example(command, want)
                    failures.append(
                        f"{anchors.shown(doc)}:{lineno}: $ {command}\n"
                        + checker.output_difference(example, got, OPTIONS)
                    )
                    n_lines = len(want.rstrip("\n").splitlines())
                    mismatches.append(Mismatch(lineno + 1, n_lines, want, got))
    return count, failures, mismatches


def _without_sources(text: str) -> str:
    return ANY_SOURCE.sub(r"\1:<line>", mask_timings(text))


def renumber_sources(want: str, got: str) -> str:
    """``want`` with each ``file.py:N`` taken from the line of ``got`` that
    matches it but for timings and line numbers, matched in order (so it
    works on outputs that leave lines out with ``...``)."""
    got_lines = got.split("\n")
    keys = [_without_sources(line).strip() for line in got_lines]
    position = 0
    out = []
    for line in want.split("\n"):
        if ANY_SOURCE.search(line):
            key = _without_sources(line).strip()
            for index in range(position, len(got_lines)):
                if keys[index] == key:
                    found = {m[1]: m[2] for m in ANY_SOURCE.finditer(got_lines[index])}
                    line = ANY_SOURCE.sub(
                        lambda m, found=found: f"{m[1]}:{found.get(m[1], m[2])}",  # type: ignore[misc]
                        line,
                    )
                    position = index + 1
                    break
        out.append(line)
    return "\n".join(out)


def accept_outputs(doc: Path, mismatches: list[Mismatch]) -> list[str]:
    """Write each example's actual output into ``doc`` in place of the
    expected one. An output that uses ``...`` only gets its source line
    numbers renumbered, if that makes it match; otherwise it is left for a
    person to edit. Returns what could not be accepted."""
    lines = doc.read_text("utf-8").split("\n")
    skipped = []
    checker = TimingMaskedChecker()
    for m in sorted(mismatches, key=lambda m: m.first_line, reverse=True):
        if ELLIPSIS_MARKER in m.want:
            renumbered = renumber_sources(m.want, m.got)
            want = keep_blank_lines(renumbered)
            if not checker.check_output(want, m.got, OPTIONS):
                where = f"{anchors.shown(doc)}:{m.first_line}"
                skipped.append(f"{where}: uses '...', edit it")
                continue
            new = renumbered.rstrip("\n").split("\n")
            lines[m.first_line - 1 : m.first_line - 1 + m.n_lines] = new
            continue
        new = m.got.rstrip("\n").split("\n") if m.got.strip() else []
        lines[m.first_line - 1 : m.first_line - 1 + m.n_lines] = new
    doc.write_text("\n".join(lines), "utf-8")
    return skipped


def main(argv: list[str]) -> int:
    """``python -m tests.test_docs [--accept] DOC``: run one document's
    examples (temporary files and the demo's instance folder in a fresh
    temporary directory) and print each failure. With ``--accept``, write
    the actual outputs into the document instead, for review with git diff."""
    accept = "--accept" in argv
    (doc_arg,) = [arg for arg in argv if arg != "--accept"]
    doc = Path(doc_arg).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tempfile.tempdir = tmp
        os.environ["MINFLASK_DEMO_INSTANCE_PATH"] = os.path.join(tmp, "demo-instance")
        count, failures, mismatches = run_examples(doc)
    print(f"{count} examples")
    if accept:
        skipped = accept_outputs(doc, mismatches)
        accepted = len(mismatches) - len(skipped)
        print(f"accepted {accepted} new outputs into {anchors.shown(doc)}")
        print("\n".join(skipped))
        return 1 if skipped or len(failures) > len(mismatches) else 0
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def run_doc_in_subprocess(
    doc: Path, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``doc``'s examples in a fresh interpreter (see :func:`main`)."""
    env = dict(os.environ)
    env.update(
        TMPDIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONIOENCODING="utf-8",
        COLUMNS="100",
    )
    for name in ("FLASK_APP", "FLASK_DEBUG", "MINFLASK_DEMO_SESSION_TYPE"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "tests.test_docs", str(doc)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# -- the tests --------------------------------------------------------------------


def test_the_docs_exist() -> None:
    names = {doc.name for doc in DOC_FILES}
    assert {"tour.md", "differences.md"} <= names


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_line_anchors_point_at_the_symbols_they_name(doc: Path) -> None:
    problems = [
        f"{link.where()}: {problem}"
        for link in anchors.iter_links(doc)
        if anchors.is_code_link(link)
        and (problem := anchors.anchor_problem(link)) is not None
    ]
    assert not problems, (
        "Links into the source point at the wrong lines. Code moved? Run\n\n"
        f"    {FIX_COMMAND}\n\nto rewrite the anchors, then re-read the sentence"
        " around each one.\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_relative_links_reach_existing_targets(doc: Path) -> None:
    problems = []
    for link in anchors.iter_links(doc):
        if not link.path.exists():
            problems.append(f"{link.where()}: no such file")
        elif link.path.suffix == ".md" and link.fragment:
            if link.fragment not in heading_slugs(link.path):
                problems.append(f"{link.where()}: no heading #{link.fragment}")
        elif link.fragment and not anchors.LINE_ANCHOR.fullmatch(link.fragment):
            problems.append(f"{link.where()}: only #L<line> anchors into code")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_every_fenced_block_is_run_or_plainly_not_an_example(doc: Path) -> None:
    problems = []
    for block in fenced_blocks(doc):
        if block.kind not in RUN_KINDS + QUIET_KINDS:
            problems.append(
                f"line {block.lineno}: fence kind {block.kind!r}; use one of"
                f" {', '.join(RUN_KINDS + QUIET_KINDS)}"
            )
        elif block.kind in QUIET_KINDS and re.search(
            r"^(>>> |\$ )", block.text, re.MULTILINE
        ):
            problems.append(
                f"line {block.lineno}: a {block.kind} block with prompts is an"
                " example that never runs; make it pycon or console"
            )
    assert not problems, f"{doc.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_examples_run_and_print_what_the_doc_says(doc: Path, tmp_path: Path) -> None:
    result = run_doc_in_subprocess(doc, tmp_path)
    accept = ACCEPT_COMMAND.format(doc=anchors.shown(doc))
    assert result.returncode == 0, (
        f"{result.stdout}{result.stderr}\nIf only the output changed (a new"
        f" trace format, or code moved so a trace shows new line numbers),"
        f" `{accept}` writes the new outputs into the document; review them"
        " with git diff."
    )
    count = int(result.stdout.split()[0])
    assert count > 0, f"{doc.name} has no example that runs"


# -- the machinery itself -----------------------------------------------------------


def test_timings_and_source_lines_are_masked_but_nothing_else() -> None:
    checker = TimingMaskedChecker()
    ok = [
        ("view  12 µs", "view  3,071.5 µs"),
        ("took 1.5 ms", "took 20.25 ms"),
        (
            "     547.8       42.3    push  [a/b.py:10]",
            " 1,200.0        2.0    push  [a/b.py:99]",
        ),
        (
            "update  [werkzeug/routing/map.py:361]",
            "update  [werkzeug/routing/map.py:370]",
        ),
        ("     547.8                signal x", "  12,547.8                signal x"),
        ('{"start_us": 12.5, "x": 1}', '{"start_us": 1204.0, "x": 1}'),
        ("sid gt20cTHH…; new", "sid FCupxJ1l…; new"),
        ("Set-Cookie: session=abc.def; Path=/", "Set-Cookie: session=x-y.z; Path=/"),
    ]
    for want, got in ok:
        assert checker.check_output(want + "\n", got + "\n", OPTIONS), (want, got)
    differ = [
        ("view  12 µs", "hook  12 µs"),
        ("status 200", "status 404"),
        ("     547.8       42.3    push", "     547.8       42.3    pop"),
        ("body 4,010 bytes", "body 4,011 bytes"),
        ('{"start_us": 12.5, "x": 1}', '{"start_us": 12.5, "x": 2}'),
        ("at a/b.py:10", "at a/c.py:10"),
        # This repository's own source lines must be the current ones.
        ("push  [minflask/ctx.py:241]", "push  [minflask/ctx.py:288]"),
        ("hook  [demo/auth.py:40]", "hook  [demo/auth.py:41]"),
        ("Set-Cookie: session=abc; Path=/", "Set-Cookie: session=abc; Path=/x"),
    ]
    for want, got in differ:
        assert not checker.check_output(want + "\n", got + "\n", OPTIONS), (want, got)


def test_renumbering_takes_line_numbers_from_the_output() -> None:
    want = (
        "GET / -> 200 OK  (12 µs)\n...\n   1.0   2.0  app.make_response()"
        "  [minflask/app.py:900]\n...\n   3.0        view 'x'  [demo/x.py:5]\n"
    )
    got = (
        "GET / -> 200 OK  (15 µs)\n\n   0.0   9.0  app.wsgi_app()  [minflask/app.py:828]\n"
        "   1.5   2.5  app.make_response()  [minflask/app.py:985]\n"
        "   3.5        view 'x'  [demo/x.py:7]\n   4.0   other\n"
    )
    assert renumber_sources(want, got) == want.replace(
        "app.py:900", "app.py:985"
    ).replace("x.py:5", "x.py:7")


def test_blank_lines_inside_an_output_are_kept() -> None:
    block = ">>> print('a\\n\\nb')\na\n\nb\n\n>>> 1\n1\n\n"
    assert keep_blank_lines(block) == (
        ">>> print('a\\n\\nb')\na\n<BLANKLINE>\nb\n\n>>> 1\n1\n\n"
    )


def test_fenced_blocks_and_console_examples_are_read(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text(
        "Intro\n\n```pycon\n>>> 1 + 1\n2\n```\n\n```console\n$ echo hi\nhi\n"
        "$ echo there\nthere\n```\n",
        "utf-8",
    )
    blocks = fenced_blocks(doc)
    assert [(b.kind, b.lineno) for b in blocks] == [("pycon", 4), ("console", 9)]
    assert _console_examples(blocks[1]) == [
        (9, "echo hi", "hi\n"),
        (11, "echo there", "there\n"),
    ]


def test_example_runner_reports_wrong_output_and_errors(tmp_path: Path) -> None:
    doc = tmp_path / "scratch.md"
    doc.write_text(
        "```python\nimport json\nx = not_run_so_no_error\n```\n\n"
        "```python\nfrom minflask import NoSuchThing\n```\n\n"
        "```python\ndef broken(:\n```\n\n"
        "```pycon\n>>> x = 20\n>>> x + 1\n22\n```\n\n"
        "```pycon\n>>> x  # the namespace is shared\n20\n```\n\n"
        "```console\n$ python3 -c \"print('took 5 µs')\"\ntook 99 µs\n"
        "$ python3 -c \"print('yes')\"\nno\n```\n",
        "utf-8",
    )
    count, failures, mismatches = run_examples(doc)
    assert count == 8
    assert len(failures) == 4, failures
    assert "NoSuchThing" in failures[0]
    assert "does not compile" in failures[1]
    assert "Expected:\n    22\nGot:\n    21" in failures[2]
    assert "$ python3 -c \"print('yes')\"" in failures[3]
    assert mismatches == [
        Mismatch(17, 1, "22\n", "21\n"),
        Mismatch(29, 1, "no\n", "yes\n"),
    ]


def test_accept_writes_actual_outputs_except_excerpts(tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text(
        "```pycon\n>>> print('a\\n\\nb')\nold\n>>> print(1)\n2\n>>> print('x y')\n"
        "x ...\n>>> print(3)\n```\n\n```console\n$ echo new\nold\nlines\n```\n",
        "utf-8",
    )
    count, _, mismatches = run_examples(doc)
    assert (count, len(mismatches)) == (5, 4)
    skipped = accept_outputs(doc, mismatches)
    assert skipped == []
    assert doc.read_text("utf-8") == (
        "```pycon\n>>> print('a\\n\\nb')\na\n\nb\n>>> print(1)\n1\n>>> print('x y')\n"
        "x ...\n>>> print(3)\n3\n```\n\n```console\n$ echo new\nnew\n```\n"
    )
    assert run_examples(doc)[1] == []

    doc.write_text("```pycon\n>>> print('x y')\nz ...\n```\n", "utf-8")
    skipped = accept_outputs(doc, run_examples(doc)[2])
    assert skipped == [f"{doc}:3: uses '...', edit it"]
    assert doc.read_text("utf-8") == "```pycon\n>>> print('x y')\nz ...\n```\n"


def test_anchor_tool_finds_and_fixes_stale_anchors(tmp_path: Path) -> None:
    code = tmp_path / "mod.py"
    code.write_text(
        "class A:\n"
        "    @property\n"
        "    def p(self):\n"
        "        return 1\n"
        "\n"
        "    @p.setter\n"
        "    def p(self, v):\n"
        "        pass\n"
        "\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "class B:\n"
        "    def run(self):\n"
        "        pass\n"
        "\n"
        "LIMIT: int = 3\n",
        "utf-8",
    )
    doc = tmp_path / "doc.md"
    doc.write_text(
        "[`A.run`](mod.py#L1) and [`LIMIT`](mod.py#L17) and [`A.p`](mod.py#L3)\n"
        "[`mod.B.run`](mod.py#L14) names the module too\n"
        "[`run`](mod.py#L2) is ambiguous; [`missing`](mod.py#L1) is not there\n"
        "[plain words](mod.py#L10) are not a symbol\n"
        "```text\n[`A.run`](mod.py#L1) in a fence is not a link\n```\n",
        "utf-8",
    )
    links = [link for link in anchors.iter_links(doc) if anchors.is_code_link(link)]
    problems = {link.text: anchors.anchor_problem(link) for link in links}
    assert problems == {
        "`A.run`": "line 1 does not define 'A.run' (it is at L10)",
        "`LIMIT`": None,
        "`A.p`": None,
        "`mod.B.run`": None,
        "`run`": "line 2 does not define 'run' (it is at L10, L14)",
        "`missing`": f"nothing named 'missing' is defined in {code}",
        "plain words": (
            "a line-anchored link's text must be one code span naming a symbol,"
            " e.g. `Flask.wsgi_app`"
        ),
    }

    assert anchors.main(["--check", str(doc)]) == 1
    assert "[`A.run`](mod.py#L1)" in doc.read_text("utf-8")  # --check writes nothing
    assert anchors.main([str(doc)]) == 1  # fixed what it could; two remain
    text = doc.read_text("utf-8")
    assert text.startswith(
        "[`A.run`](mod.py#L10) and [`LIMIT`](mod.py#L17) and [`A.p`](mod.py#L3)\n"
        "[`mod.B.run`](mod.py#L14) names the module too\n"
        "[`run`](mod.py#L2) is ambiguous; [`missing`](mod.py#L1)"
    )
    assert "```text\n[`A.run`](mod.py#L1) in a fence" in text


def test_heading_slugs_follow_github() -> None:
    doc = DOCS / "tour.md"
    slugs = heading_slugs(doc)
    assert "contexts-and-localstack" in slugs
    assert "sessions-signed-cookies-and-server-side-stores" in slugs
    assert "5-before-the-view-preprocess_request" in slugs


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
