"""vapor-tui: launch, control and watch model fine-tuning jobs from the terminal.

In a training script::

    import vapor_tui

    run = vapor_tui.init(name="sft", config={"lr": 2e-4}, total_steps=3000)
    for step in range(3000):
        ...
        run.log({"loss": loss})
        if run.should_stop():
            save_checkpoint()
            break
    run.finish()

Importing this package loads neither Textual, plotext nor SQLAlchemy: init() opens the database.
"""

from vapor_tui.run.api import Run, current_run, finish, init, log, should_stop

__version__ = "0.1.0"

__all__ = ["Run", "__version__", "current_run", "finish", "init", "log", "should_stop"]
