"""The benchmark harness, without Flask or Bottle: minflask's side of every
scenario through the harness's own call path, the response comparison,
the statistics and targets, and the ``dev.py bench`` wiring."""

from __future__ import annotations

import functools
import io
import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import dev
import minflask
from benchmarks import cli, stats
from benchmarks.coldimport import ImportResult
from benchmarks.compare import mask_cookie, response_diff
from benchmarks.memory import MemoryResult, measure_memory
from benchmarks.report import RunResult, ScenarioResult, render, table
from benchmarks.runner import Cell, calibrate, run_rounds
from benchmarks.scenarios import SCENARIOS, build_app, select
from benchmarks.wsgi import Captured, Prepared, call, cookie_from, prepare, run_batch

BY_NAME = {s.name: s for s in SCENARIOS}


@functools.cache
def minflask_prepared(name: str) -> Prepared:
    """The harness's prebuilt request to minflask's app, built once per scenario."""
    scenario = BY_NAME[name]
    return prepare(scenario, build_app(scenario, "minflask", minflask))


def minflask_answer(name: str) -> Captured:
    return call(minflask_prepared(name))


# -- scenarios on minflask, through the harness ------------------------------------


def test_there_are_eight_scenarios_and_five_count_for_bottle() -> None:
    assert [s.name for s in SCENARIOS] == [
        "hello",
        "int",
        "json",
        "404",
        "routes",
        "form",
        "session",
        "template",
    ]
    assert [s.name for s in SCENARIOS if s.bottle_target] == [
        "hello",
        "int",
        "json",
        "404",
        "routes",
    ]
    assert all(s.bottle is not None for s in SCENARIOS if s.bottle_target)
    # Falcon, the speed peer, for every scenario it can express.
    assert [s.name for s in SCENARIOS if s.falcon is not None] == [
        "hello",
        "int",
        "json",
        "404",
        "routes",
        "form",
    ]
    assert "falcon" not in {f for s in SCENARIOS[6:] for f in s.frameworks()}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_minflask_answers_every_scenario_as_expected(scenario: Any) -> None:
    response = minflask_answer(scenario.name)
    assert response.status_code == scenario.expected_status
    assert scenario.expected_text in response.body.decode()


def test_exact_minflask_bodies() -> None:
    assert minflask_answer("hello").body == b"Hello, World!"
    assert minflask_answer("int").body == b"user 42"
    assert minflask_answer("routes").body == b"route 199 id 7"
    assert minflask_answer("form").body == b"Ada Lovelace is 36 (page 2)"
    json_answer = minflask_answer("json")
    assert json_answer.header_values("Content-Type") == ["application/json"]
    assert json_answer.body == (
        b'{"id":42,"in_stock":true,"name":"widget","price":9.5,"tags":["blue","small"]}\n'
    )


def test_session_scenario_sends_back_the_cookie_its_app_issued() -> None:
    prepared = minflask_prepared("session")
    assert prepared.environ["HTTP_COOKIE"].startswith("session=")
    first, second = call(prepared), call(prepared)
    # The cookie says count=1, so every call reads 1 and writes 2.
    assert first.body == second.body == b"count 2"
    [set_cookie] = first.header_values("Set-Cookie")
    assert set_cookie.startswith("session=")
    assert "HttpOnly" in set_cookie


def test_template_scenario_uses_inheritance_loop_filter_and_url_for() -> None:
    body = minflask_answer("template").body.decode()
    assert "<title>Users - benchmark</title>" in body  # base.html block, |capitalize
    assert '<a href="/users">All users</a>' in body  # url_for in the parent
    assert body.count("<li ") == 20  # the loop
    assert '<li class="even"><a href="/user/1">User Number 1</a></li>' in body


# Not "routes": compiling its 200 rules costs a third of a second, and every
# benchmark run checks each app's answer before timing it anyway.
@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if s.werkzeug and s.name != "routes"],
    ids=lambda s: s.name,
)
def test_werkzeug_reference_apps_answer_as_expected(scenario: Any) -> None:
    response = call(prepare(scenario, build_app(scenario, "werkzeug", minflask)))
    assert response.status_code == scenario.expected_status
    assert scenario.expected_text in response.body.decode()


def test_building_the_minflask_side_imports_neither_flask_nor_bottle() -> None:
    for scenario in SCENARIOS:
        minflask_prepared(scenario.name)
    assert "flask" not in sys.modules
    assert "bottle" not in sys.modules
    assert "falcon" not in sys.modules


def test_build_app_refuses_a_framework_the_scenario_lacks() -> None:
    with pytest.raises(ValueError, match="no bottle app for the 'session' scenario"):
        build_app(BY_NAME["session"], "bottle", minflask)


def test_select_scenarios() -> None:
    assert select(None) == SCENARIOS
    assert [s.name for s in select("template, hello")] == ["hello", "template"]
    with pytest.raises(ValueError, match="unknown scenario"):
        select("hello,nope")


# -- the call path --------------------------------------------------------------


class RecordingApp:
    """Reads its input, mutates its environ, and returns a closeable body."""

    def __init__(self) -> None:
        self.inputs: list[bytes] = []
        self.seen_marks: list[bool] = []
        self.closed = 0
        self.chunks_read = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.seen_marks.append("mark" in environ)
        environ["mark"] = True
        self.inputs.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        app = self

        class Body:
            def __iter__(self) -> Any:
                for chunk in (b"a", b"b"):
                    app.chunks_read += 1
                    yield chunk

            def close(self) -> None:
                app.closed += 1

        return Body()


def test_run_batch_gives_fresh_environ_and_input_and_drains_and_closes() -> None:
    app = RecordingApp()
    environ = {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b"stale")}
    prepared = Prepared(app, environ, b"x=1")
    elapsed = run_batch(prepared, 3)
    assert elapsed > 0
    assert app.inputs == [b"x=1"] * 3
    assert app.seen_marks == [False] * 3
    assert (app.chunks_read, app.closed) == (6, 3)
    assert "mark" not in environ


def test_call_captures_status_headers_and_body_and_closes() -> None:
    app = RecordingApp()
    prepared = Prepared(app, {"wsgi.input": io.BytesIO()}, b"")
    answer = call(prepared)
    assert answer == Captured("200 OK", [("Content-Type", "text/plain")], b"ab")
    assert app.closed == 1


def test_cookie_from_requires_a_set_cookie() -> None:
    answer = Captured(
        "200 OK",
        [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; HttpOnly")],
        b"",
    )
    assert cookie_from(answer) == "a=1; b=2"
    with pytest.raises(ValueError, match="expected a Set-Cookie header"):
        cookie_from(Captured("200 OK", [], b""))


def test_calibrate_and_rounds_fill_rates() -> None:
    prepared = minflask_prepared("hello")
    assert calibrate(prepared, 0.01) >= 1
    cell = Cell(BY_NAME["hello"], "minflask", prepared)
    progress: list[tuple[int, int]] = []
    run_rounds([cell], 3, 0.005, lambda done, total: progress.append((done, total)))
    assert len(cell.rates) == 3 and all(rate > 0 for rate in cell.rates)
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert cell.median_rate == sorted(cell.rates)[1]


# -- comparison -------------------------------------------------------------------


def answer(
    status: str = "200 OK",
    cookie: str = "session=abc.def; HttpOnly; Path=/",
    date: str = "Mon, 01 Jan 2024 00:00:00 GMT",
    body: bytes = b"count 2",
    extra: tuple[tuple[str, str], ...] = (),
) -> Captured:
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Date", date),
        ("Vary", "Cookie"),
        ("Set-Cookie", cookie),
        *extra,
    ]
    return Captured(status, headers, body)


def test_same_response_but_date_and_cookie_value_is_identical() -> None:
    other = answer(
        cookie="session=zzz.yyy; HttpOnly; Path=/", date="Tue, 02 Jan 2024 10:00:00 GMT"
    )
    assert response_diff(answer(), other) == []


def test_header_order_between_different_names_is_ignored() -> None:
    reordered = answer()
    reordered.headers.reverse()
    assert response_diff(answer(), reordered) == []


@pytest.mark.parametrize(
    ("changed", "shows"),
    [
        (answer(status="404 NOT FOUND"), "+status 404 NOT FOUND"),
        (answer(body=b"count 3"), "+count 3"),
        (answer(body=b"count 2\n"), "+"),
        (
            answer(cookie="session=abc.def; Path=/"),
            "+Set-Cookie: session=<value>; Path=/",
        ),
        (
            answer(cookie="other=abc.def; HttpOnly; Path=/"),
            "+Set-Cookie: other=<value>",
        ),
        (answer(extra=(("X-Frame-Options", "DENY"),)), "+X-Frame-Options: DENY"),
    ],
)
def test_differences_are_reported(changed: Captured, shows: str) -> None:
    diff = response_diff(answer(), changed)
    assert diff[:2] == ["--- flask", "+++ minflask"]
    assert any(line.startswith(shows) for line in diff[2:])


def test_cookie_on_one_side_only_is_a_difference() -> None:
    without = answer()
    without.headers = [h for h in without.headers if h[0] != "Set-Cookie"]
    assert "-Set-Cookie: session=<value>; HttpOnly; Path=/" in response_diff(
        answer(), without
    )


def test_mask_cookie_keeps_name_and_attributes() -> None:
    assert mask_cookie("s=a=b; Secure; Path=/") == "s=<value>; Secure; Path=/"
    assert mask_cookie("s=abc") == "s=<value>"


# -- statistics and targets ----------------------------------------------------------


def test_geometric_mean_median_and_ratio() -> None:
    assert stats.geometric_mean([2.0, 8.0]) == pytest.approx(4.0)
    assert stats.geometric_mean([3.0]) == pytest.approx(3.0)
    assert stats.median([5.0, 1.0, 3.0]) == 3.0
    assert stats.ratio(10.0, 4.0) == 2.5
    assert stats.ratio(None, 4.0) is None and stats.ratio(1.0, None) is None
    with pytest.raises(ValueError):
        stats.geometric_mean([])
    with pytest.raises(ValueError):
        stats.median([])


def test_covered_geomean_refuses_a_subset() -> None:
    assert stats.covered_geomean({"a": 2.0, "b": 8.0}, ["a", "b"]) == pytest.approx(4)
    assert stats.covered_geomean({"a": 2.0}, ["a", "b"]) is None


NAMES = ["a", "b", "c"]


def verdicts(flask: dict[str, float], bottle: dict[str, float]) -> list[str]:
    return [t.verdict for t in stats.speed_targets(flask, bottle, NAMES, ["a", "b"])]


def test_speed_targets_pass_at_the_boundaries() -> None:
    # geometric mean exactly 4.0; lowest exactly 1.5; Bottle mean exactly 1.0
    flask = {"a": 4.0, "b": 1.5, "c": 64 / (4.0 * 1.5)}
    assert math.isclose(stats.geometric_mean(flask.values()), 4.0)
    assert verdicts(flask, {"a": 2.0, "b": 0.5}) == ["PASS", "PASS", "PASS"]


def test_speed_targets_fail_below_and_skip_when_incomplete() -> None:
    assert verdicts({"a": 3.9, "b": 4.0, "c": 4.0}, {"a": 0.9, "b": 1.0}) == [
        "FAIL",
        "PASS",
        "FAIL",
    ]
    assert verdicts({"a": 100.0, "b": 1.4, "c": 100.0}, {"a": 1, "b": 1}) == [
        "PASS",
        "FAIL",
        "PASS",
    ]
    assert verdicts({"a": 5.0, "b": 5.0}, {"a": 2.0}) == ["SKIP", "SKIP", "SKIP"]


def test_import_ratios() -> None:
    result = ImportResult(
        {"python -c pass": 0.02, "import minflask": 0.05, "import flask": 0.10}, 3
    )
    assert result.ratio == pytest.approx(0.5)
    assert result.net_ratio == pytest.approx(0.375)


def test_memory_result_verdict_and_measurement() -> None:
    assert MemoryResult(10, [1000, 1500, 2000], 9000, 1000).passed
    grown = MemoryResult(10, [1000, 5000, 9000], 9000, 1000)
    assert (grown.start, grown.end, grown.growth, grown.passed) == (
        1000,
        9000,
        8000,
        False,
    )
    seen: list[tuple[int, int]] = []
    measured = measure_memory(
        minflask_prepared("hello"),
        200,
        64 * 1024,
        warmup=50,
        checkpoints=2,
        progress=lambda done, total, size: seen.append((done, total)),
    )
    assert measured.requests == 200 and len(measured.checkpoints) == 3
    assert seen == [(100, 200), (200, 200)]
    assert measured.peak >= measured.start >= 0


def fake_run(ratios: dict[str, float], diff: bool = False) -> RunResult:
    results = []
    for scenario in SCENARIOS:
        result = ScenarioResult(
            scenario, rates={"minflask": ratios[scenario.name], "flask": 1.0}
        )
        if scenario.bottle_target:
            result.rates["bottle"] = ratios[scenario.name]
        if scenario.falcon is not None:
            result.rates["falcon"] = 2.0
        results.append(result)
    if diff:
        results[2].diff = ["--- flask", "+++ minflask", "-a", "+b"]
    return RunResult(results, settings={})


def test_report_table_targets_and_diff() -> None:
    run = fake_run({s.name: 5.0 for s in SCENARIOS}, diff=True)
    run.imports = ImportResult(
        {"python -c pass": 0.02, "import minflask": 0.04, "import flask": 0.10}, 3
    )
    run.memory = MemoryResult(1000, [100, 200], 300, 1024)
    lines = table(run.scenarios)
    assert "m/Flask" in lines[0] and "identical" in lines[0]
    assert "m/Falcon" in lines[0]
    assert lines[2].split()[-4:] == ["5.00x", "1.00x", "2.50x", "OK"]
    assert lines[4].endswith("DIFF")  # the JSON row
    # session: no Bottle, no Falcon
    assert lines[8].split()[-4:] == ["5.00x", "-", "-", "OK"]
    verdict = {
        t.label.split(" ")[0] + t.label.split(" ")[1]: t.verdict for t in run.targets()
    }
    assert verdict["responsesidentical"] == "FAIL"
    assert verdict["importminflask"] == "PASS"
    assert verdict["notraced"] == "PASS"
    assert verdict["minflask/Falcongeometric"] == "PASS"
    assert verdict["minflask/Falconform"] == "PASS"
    raised = [t for t in run.targets() if t.label.startswith("issue 17:")]
    assert [t.measured for t in raised] == pytest.approx([5.0, 5.0, 1.0])
    # Bottle answered as fast as minflask here: 1.0x is below issue 17's 1.3x.
    assert [t.verdict for t in raised][1:] == ["PASS", "FAIL"]
    assert run.has_diff()
    text = render(run)
    assert "DIFF in 'json':" in text and "+b" in text
    assert "geometric mean minflask/Flask (all 8): 5.00x" in text
    assert (
        "geometric mean minflask/Falcon (hello, int, json, 404, routes, form): 2.50x"
        in text
    )
    assert "FAIL  responses identical to Flask's in every scenario: 7/8" in text


# -- command line and dev.py -----------------------------------------------------------


def test_quick_defaults_and_explicit_options_win() -> None:
    full = cli.parse_args([])
    assert (full.rounds, full.memory_requests) == (9, 1_000_000)
    quick = cli.parse_args(["--quick", "--rounds", "5"])
    assert (quick.rounds, quick.seconds, quick.memory_requests) == (5, 0.05, 100_000)
    assert quick.json == Path(cli.ROOT, "benchmarks", "out", "results.json")
    assert full.json == Path(cli.ROOT, "benchmarks", "results.json")
    assert full.chart == Path(cli.ROOT, "docs", "benchmarks.png")
    explicit = cli.parse_args(["--quick", "--chart", "x.png", "--json", "x.json"])
    assert (explicit.chart, explicit.json) == (Path("x.png"), Path("x.json"))


def test_a_quick_run_never_touches_the_committed_chart(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report/chart path of a --quick run, on tiny fake results: the
    results and chart go to the git-ignored benchmarks/out/, never docs/."""
    committed = Path(cli.ROOT, "docs", "benchmarks.png")
    before = committed.read_bytes()
    args = cli.parse_args(["--quick", "--scenarios", "hello"])
    assert args.chart == cli.QUICK_OUT / "benchmarks.png"
    assert args.json == cli.QUICK_OUT / "results.json"
    gitignore = (dev.ROOT / ".gitignore").read_text().splitlines()
    assert "benchmarks/out/" in gitignore
    # The same relative layout, under tmp_path, so the test writes no file
    # in the work tree.
    args.chart = tmp_path / args.chart.relative_to(cli.ROOT)
    args.json = tmp_path / args.json.relative_to(cli.ROOT)
    drawn: list[Path] = []

    def fake_chart(run: RunResult, path: Path) -> None:
        drawn.append(path)
        path.write_bytes(b"fake png")

    import benchmarks.chart

    monkeypatch.setattr(benchmarks.chart, "write_chart", fake_chart)
    run = RunResult(
        [ScenarioResult(BY_NAME["hello"], rates={"minflask": 2.0, "flask": 1.0})],
        settings={"quick": True},
    )
    cli.publish(run, args)
    assert drawn == [tmp_path / "benchmarks" / "out" / "benchmarks.png"]
    assert (tmp_path / "benchmarks" / "out" / "results.json").exists()
    assert not (tmp_path / "docs").exists()
    assert committed.read_bytes() == before
    assert "minflask/Flask" in capsys.readouterr().out


def test_setup_error_when_an_app_answers_wrongly() -> None:
    wrong = Captured("200 OK", [], b"something else")
    with pytest.raises(cli.SetupError, match="minflask answered 'hello' with 200 OK"):
        cli.check_expected(BY_NAME["hello"], "minflask", wrong)


def test_dev_py_bench_uses_its_own_venv_and_extra(tmp_path: Path) -> None:
    command, venv, extras = dev.COMMANDS["bench"]
    assert command is dev.run_bench
    assert venv == dev.ROOT / ".venv-bench" != dev.VENV
    assert extras == "bench"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert dev.install_stamp(tmp_path, "bench") != dev.install_stamp(tmp_path, "dev")
    gitignore = (dev.ROOT / ".gitignore").read_text().splitlines()
    assert ".venv-bench/" in gitignore and "benchmarks/results.json" in gitignore


def test_partial_run_skips_the_identity_target_unless_something_differed() -> None:
    clean = RunResult([ScenarioResult(BY_NAME["hello"])], settings={})
    identity = clean.targets()[3]
    assert identity.label.startswith("responses identical")
    assert identity.verdict == "SKIP"
    differing = ScenarioResult(BY_NAME["hello"], diff=["--- flask", "+++ minflask"])
    assert RunResult([differing], settings={}).targets()[3].verdict == "FAIL"


def test_a_partial_run_report_agrees_with_itself() -> None:
    """A clean partial run checked its scenarios: the target line says so
    instead of "not measured" after "1/1 identical"."""
    run = RunResult([ScenarioResult(BY_NAME["hello"])], settings={})
    text = render(run)
    assert "not measured" not in text.split("responses identical")[1].splitlines()[0]
    assert (
        "SKIP  responses identical to Flask's in every scenario: 1/1 identical;"
        " the other 7 scenarios were not run"
    ) in text
    assert (
        "SKIP  minflask/Flask geometric mean >= 4.0: needs every scenario it names;"
        " this run had hello"
    ) in text
    assert "not measured" not in text.split("targets")[1].split("import")[0]


def test_profiling_runs_only_the_request_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/profiling.md's recipe: the profile holds the scenario's requests,
    and none of the import subprocesses or the memory check."""
    from benchmarks import coldimport, memory, profiling

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the profiling recipe ran a non-request measurement")

    monkeypatch.setattr(coldimport, "measure_imports", must_not_run)
    monkeypatch.setattr(memory, "measure_memory", must_not_run)
    assert profiling.main(["hello", "--requests", "200", "--limit", "400"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("minflask, scenario 'hello': 200 requests profiled")
    assert "minflask/app.py" in out and "run_batch" in out
    assert "subprocess" not in out and "tracemalloc" not in out
    # 200 requests: the app's entry point ran exactly that many times.
    assert re.search(r"\n\s*200\s.*minflask/app\.py:\d+\(__call__\)", out)


def test_profiling_refuses_a_framework_the_scenario_lacks() -> None:
    from benchmarks import profiling

    with pytest.raises(SystemExit, match="no bottle app for 'session'"):
        profiling.profile_requests("session", "bottle", 1)


def test_the_documented_profiling_commands_parse() -> None:
    from benchmarks import profiling

    doc = Path(cli.ROOT, "docs", "profiling.md").read_text()
    commands = re.findall(r"-m benchmarks\.profiling([^\n#]*)", doc)
    assert len(commands) >= 2
    for command in commands:
        args = profiling.parse_args(command.split())
        assert args.scenario in BY_NAME
