"""Hugging Face Trainer: `Trainer(..., callbacks=[VaporCallback()])`.

It starts the run on the main process only (or uses the run the script already started), logs
what the Trainer logs, and when the user asks the run to stop (`x` in vapor-tui) sets
`control.should_save` and `control.should_training_stop` at the end of the step, so the Trainer
saves the model and ends training cleanly; the run is finished in `on_train_end`.

It has every method of `transformers.TrainerCallback` (the Trainer calls them by name) without
importing transformers, and so without importing torch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import vapor_tui

__all__ = ["VaporCallback"]


class VaporCallback:
    def __init__(
        self,
        name: str | None = None,
        model: str | None = None,
        config: Mapping[str, Any] | None = None,
        db: str | None = None,
    ):
        self._name, self._model, self._config, self._db = name, model, config, db
        self._run: vapor_tui.Run | None = None
        self._own = False  # started here (finished here too), not by the script

    @property
    def run(self) -> vapor_tui.Run | None:
        return self._run

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True) or self._run is not None:
            return
        current = vapor_tui.current_run()
        if current is not None:
            self._run = current
            return
        model = kwargs.get("model")
        epochs = getattr(args, "num_train_epochs", None)
        self._run = vapor_tui.init(
            name=self._name or getattr(args, "run_name", None) or _output_name(args),
            model=self._model or _model_name(model),
            config=self._config if self._config is not None else _args_config(args),
            total_steps=getattr(state, "max_steps", None) or None,
            epochs=math.ceil(epochs) if isinstance(epochs, int | float) and epochs > 0 else None,
            db=self._db,
        )
        self._own = True

    def on_log(
        self, args: Any, state: Any, control: Any, logs: Mapping[str, Any] | None = None, **kw: Any
    ) -> None:
        if self._run is None or not logs:
            return
        numbers = {k: v for k, v in logs.items() if _is_number(v)}
        if numbers:
            self._run.log(numbers, step=max(1, int(getattr(state, "global_step", 0) or 0)))

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        if self._run is not None and self._run.should_stop():
            control.should_save = True
            control.should_training_stop = True
        return control

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._run is not None and self._own:
            self._run.finish()
        self._run, self._own = None, False

    # The Trainer calls every event on every callback: the rest do nothing here.
    def _nothing(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        return None

    on_init_end = on_epoch_begin = on_epoch_end = on_step_begin = _nothing
    on_pre_optimizer_step = on_optimizer_step = on_substep_end = on_evaluate = _nothing
    on_predict = on_save = on_prediction_step = on_push_begin = _nothing


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or callable(getattr(value, "item", None))


def _output_name(args: Any) -> str | None:
    out = getattr(args, "output_dir", None)
    return Path(out).name if out else None


def _model_name(model: Any) -> str | None:
    config = getattr(model, "config", None)
    return getattr(config, "_name_or_path", None) or getattr(config, "model_type", None)


def _args_config(args: Any) -> dict[str, Any] | None:
    to_dict = getattr(args, "to_dict", None)
    if not callable(to_dict):
        return None
    try:
        raw = to_dict()
    except Exception:  # a property that needs torch, say
        return None
    return {k: v for k, v in raw.items() if isinstance(v, str | int | float | bool) or v is None}
