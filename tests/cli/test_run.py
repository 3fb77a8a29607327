"""`durable-graph run`: flags, prompts through a pseudo-terminal, exit codes, final state."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pexpect

from tests.cli.conftest import APP, cli_env, durable_graph


def test_run_answers_waits_from_event_flags_and_prints_the_final_state() -> None:
    result = durable_graph(
        "run",
        "approvals",
        str(APP),
        "--input",
        '{"amount": 500}',
        "--event",
        'manager_approval={"approved": true}',
        "--event",
        'finance_comment="fine"',
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "amount": 500,
        "approved": True,
        "comment": "fine",
        "outcome": "paid",
    }
    progress = result.stderr.splitlines()
    assert progress[0].startswith("run ") and progress[0].endswith(" of approvals started")
    assert progress[1:] == [
        "step 1  classify",
        'sent manager_approval {"approved": true}',
        "step 2  review",
        'sent finance_comment "fine"',
        "step 3  apply_decision",
        progress[-1],
    ]
    assert progress[-1].startswith("Completed in ")
    assert progress[-1].endswith("classify -> review -> apply_decision")


def test_run_reads_input_and_payloads_from_files(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text('{"amount": 50}', encoding="utf-8")
    result = durable_graph("run", "approvals", str(APP), "--input", f"@{tmp_path / 'in.json'}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "paid"


def test_a_wait_without_an_answer_when_piped_exits_1_naming_the_flag() -> None:
    result = durable_graph("run", "approvals", str(APP), "--input", '{"amount": 500}')
    assert result.returncode == 1
    assert "pass --event manager_approval=JSON" in result.stderr


def test_a_failed_run_exits_1_with_its_error() -> None:
    result = durable_graph("run", "runaway", str(APP))
    assert result.returncode == 1
    assert "Failed in" in result.stderr
    assert "exceeded its step limit of 3" in result.stderr


def test_invalid_input_is_a_usage_error_with_the_field() -> None:
    result = durable_graph("run", "strict", str(APP), "--input", '{"count": "x"}')
    assert result.returncode == 2
    assert "422 input is not a valid Counter" in result.stderr
    assert "count: Input should be a valid integer" in result.stderr


def test_bad_flags_are_usage_errors() -> None:
    bad_json = durable_graph("run", "approvals", str(APP), "--input", "{nope")
    assert bad_json.returncode == 2
    assert "--input is not valid JSON" in bad_json.stderr
    bad_event = durable_graph("run", "approvals", str(APP), "--event", "no-equals-sign")
    assert bad_event.returncode == 2
    assert "--event takes NAME=JSON" in bad_event.stderr
    missing = durable_graph("run", "approvals", str(APP), "--input", "@/no/such/file.json")
    assert missing.returncode == 2
    assert "cannot read --input" in missing.stderr


def test_run_with_a_store_file_keeps_the_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"
    result = durable_graph(
        "run", "my_graph", str(APP), "--input", '{"message": "kept"}', "--store", str(store)
    )
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(store)) as db:
        rows = db.execute("SELECT status FROM instances").fetchall()
    assert rows == [("Completed",)]


def test_on_a_terminal_run_prompts_for_each_wait_and_shows_a_live_view() -> None:
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "azure_functions_durable_graph",
            "run",
            "approvals",
            str(APP),
            "--input",
            '{"amount": 500}',
        ],
        env={**cli_env(), "TERM": "xterm-256color", "COLUMNS": "100"},
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=60,
    )
    child.expect("event 'manager_approval' payload \\(JSON\\): ")
    child.sendline("not json")
    child.expect("try again")
    child.expect("payload \\(JSON\\): ")
    child.sendline('{"approved": false}')
    child.expect("event 'finance_comment' payload \\(JSON\\): ")
    child.sendline('"no"')
    child.expect("Completed in ")
    child.expect('"outcome": "rejected"')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


RELIABILITY_APP = APP.parent.parent.parent / "durable" / "apps" / "reliability"


def test_run_answers_interrupts_from_resume_flags_in_order() -> None:
    result = durable_graph(
        "run", "interview", str(RELIABILITY_APP), "--resume", '"ada"', "--resume", "36"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answers"] == ["ada", "36"]
    assert 'resumed ask with "ada"' in result.stderr
    assert "resumed ask with 36" in result.stderr


def test_an_interrupt_without_an_answer_when_piped_exits_1_naming_the_flag() -> None:
    result = durable_graph("run", "interview", str(RELIABILITY_APP), "--resume", '"ada"')
    assert result.returncode == 1
    assert "the run needs an answer: pass --resume JSON" in result.stderr


def test_on_a_terminal_run_prompts_for_an_interrupt_showing_its_value() -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "azure_functions_durable_graph", "run", "interview", str(RELIABILITY_APP)],
        env={**cli_env(), "TERM": "xterm-256color", "COLUMNS": "100"},
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=60,
    )
    child.expect('interrupt in \'ask\': {"question": "name\\?"}')
    child.expect("resume value \\(JSON\\): ")
    child.sendline('"grace"')
    child.expect('interrupt in \'ask\': {"question": "age\\?"}')
    child.expect("resume value \\(JSON\\): ")
    child.sendline("41")
    child.expect("Completed in ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_run_answers_the_interrupts_of_parallel_branches_and_shows_each_branch() -> None:
    result = durable_graph(
        "run", "panel", str(RELIABILITY_APP), "--resume", '"yes"', "--resume", '"no"'
    )
    assert result.returncode == 0, result.stderr
    assert sorted(json.loads(result.stdout)["answers"]) == ["finance=no", "legal=yes"]
    for line in ("step 2  legal", "step 2  finance", "step 2  ops", "step 3  decide"):
        assert line in result.stderr.splitlines()


STEPS_APPS = Path(__file__).parent / "apps"
CHAIN = [*(f"n{n}" for n in range(1, 13)), "fork"]


def test_every_step_line_appears_once_in_order() -> None:
    # Twelve quick steps, then a parallel one: polling the status used to miss steps that
    # ran between two polls and print late ones out of place (step 1, step 4, step 2, ...).
    for _ in range(3):
        result = durable_graph("run", "chain", str(STEPS_APPS / "steps"), "--input", "{}")
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()[1:-1]
        expected = [f"step {n}  {node}" for n, node in enumerate(CHAIN, 1)]
        expected += ["step 14  left", "step 14  right", "step 15  join"]
        assert lines == expected


def test_an_app_without_a_step_log_shows_the_path_and_says_so() -> None:
    result = durable_graph(
        "run", "chain", str(STEPS_APPS / "steps"), "--input", "{}", env={"STEPS_APP_STEP_LOG": "0"}
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()[1:-1]
    assert lines[0] == "this app records no step log (step_log=False): the run's path"
    assert lines[1:] == [f"step ?  {n}" for n in [*CHAIN, "left", "right", "join"]]
