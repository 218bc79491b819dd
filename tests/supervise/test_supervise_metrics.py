"""Metrics and progress read from output lines: JSON objects, Trainer dict lines, tqdm bars."""

from __future__ import annotations

import math

import pytest

from vapor_tui.supervise.metrics import Progress, Reader, parse_metrics, parse_progress


def test_a_json_line_of_numbers_is_metrics_at_its_step():
    assert parse_metrics('{"step": 10, "loss": 0.5, "tokens": 4096}') == (
        10,
        {"loss": 0.5, "tokens": 4096.0},
    )
    assert parse_metrics('  {"global_step": 3, "eval/loss": 1.25}  ') == (3, {"eval/loss": 1.25})
    step, values = parse_metrics('{"loss": NaN, "gn": Infinity}')
    assert step is None and math.isnan(values["loss"]) and values["gn"] == math.inf


def test_a_trainer_dict_line_is_read_without_being_run():
    line = "{'loss': 0.4521, 'grad_norm': 1.2, 'learning_rate': 2e-05, 'epoch': 0.5}"
    assert parse_metrics(line) == (
        None,
        {"loss": 0.4521, "grad_norm": 1.2, "learning_rate": 2e-05, "epoch": 0.5},
    )
    _step, values = parse_metrics("{'loss': nan, 'grad_norm': inf, 'x': -inf}")
    assert math.isnan(values["loss"]) and values["grad_norm"] == math.inf
    assert values["x"] == -math.inf
    assert parse_metrics("{'a': __import__('os').system('echo hi')}") is None


@pytest.mark.parametrize(
    "line",
    [
        "plain text",
        '{"event": "start", "ok": true}',  # no numbers (a bool is not one)
        "{'a': [1, 2]}",
        "{" * 3000 + "}" * 3000,
        "{'unclosed': 1",
        "{}",
        '{"step": 5}',  # a step with nothing at it
    ],
)
def test_lines_that_are_not_metrics_are_not(line):
    assert parse_metrics(line) is None


def test_non_number_values_are_left_out_of_a_metrics_line():
    assert parse_metrics('{"loss": 0.5, "phase": "train", "nested": {"a": 1}, "ok": true}') == (
        None,
        {"loss": 0.5},
    )


def test_tqdm_bars_give_done_total_rate_and_time_left():
    assert parse_progress(" 45%|████▌     | 450/1000 [01:10<01:26, 6.40it/s]") == Progress(
        450, 1000, 6.4, 86.0
    )
    slow = parse_progress("Epoch 1:  45%|####5 | 450/1000 [1:01:10<1:26:00,  2.00s/it, loss=0.3]")
    assert slow == Progress(450, 1000, 0.5, 5160.0)
    assert parse_progress("  0%|          | 0/1000 [00:00<?, ?it/s]") == Progress(
        0, 1000, None, None
    )
    assert parse_progress("1.50k/2.00k") is None
    assert parse_progress("100%|██| 1.50k/2.00k [00:10<00:03, 1.2kit/s]") == Progress(
        1500, 2000, 1200.0, 3.0
    )
    assert parse_progress("450it [01:10, 6.40it/s]") == Progress(450, None, 6.4, None)
    for text in ("hello [world]", "a | 5 [1:00]", "commit [01:00]", "50% done | [x]"):
        assert parse_progress(text) is None


def test_the_reader_takes_steps_from_the_line_the_training_bar_or_the_last_step():
    reader = Reader()
    assert reader.metrics("{'loss': 1.0}") == (1, {"loss": 1.0})
    assert reader.metrics("{'loss': 0.9}") == (2, {"loss": 0.9})
    assert reader.progress(" 10%|#  | 100/1000 [00:10<01:30, 10.00it/s]") is not None
    assert reader.metrics("{'loss': 0.8}") == (100, {"loss": 0.8})
    # Trainer's evaluation bar (a smaller total) is not the run's progress
    assert reader.progress(" 50%|#  | 5/10 [00:01<00:01, 5.00it/s]") is None
    assert reader.metrics("{'eval_loss': 0.7}") == (100, {"eval_loss": 0.7})
    assert reader.metrics('{"step": 7, "loss": 0.95}') == (7, {"loss": 0.95})
    assert reader.bar == Progress(100, 1000, 10.0, 90.0)
