"""The application layer, between the store and the screens (and the command line): what a tick
and an action are. No Textual and no plotext here.

- `commands`: actions as typed commands (Create, Clone, Delete, Act) and the one function that
  carries a command out against the store, returning a typed outcome.
- `tick`: what a tick asks for (which jobs each screen follows, and what it already holds) and the
  worker-side function that brings jobs up to now and reads what changed.
- `session`: the bookkeeping on the UI thread, as plain values: follow tokens, the job list the
  screens show (with this session's own changes laid over it), lifecycle events, the queue of
  actions and one tick at a time.
- `uptonow`: "bring running jobs up to now first", and the status a command acts on, for the
  command line and the app alike.
"""
