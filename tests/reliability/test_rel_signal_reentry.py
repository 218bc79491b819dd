"""The SIGTERM/SIGHUP handler survives a second signal at any point of its own run.

A dropped SSH connection brings the kernel's SIGHUP and, right after, the SSH server's: the
second one runs the handler again in the middle of the first, on the same thread. A lock the
first run held then never came free (threading.Event.set), the exit watchdog was never woken,
and the app stayed forever on a dead terminal. CI found it once in a few hundred hangups;
here every point of the handler is tried in turn, in a subprocess so that a hang is a
timeout and not a stuck suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio, signal, sys
    from vapor_tui.ui import signals

    signals.GRACE_S = 60.0  # the armed watchdogs must not end this process before it reports

    def nested_at(k):
        exits = []
        async def main():
            uninstall = signals.install(lambda: exits.append(1), lambda: None)
            handler = signal.getsignal(signal.SIGHUP)
            seen = [0, False]
            def hook(frame, event, arg):
                if event in ("call", "c_call") and not seen[1]:
                    seen[0] += 1
                    if seen[0] == k:
                        seen[1] = True
                        handler(signal.SIGHUP, None)  # the second signal, arriving here
            sys.setprofile(hook)
            try:
                handler(signal.SIGHUP, None)
            finally:
                sys.setprofile(None)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            uninstall()
            return seen[1]
        nested = asyncio.run(main())
        assert exits, f"the exit was never requested (nested at call {k})"
        return nested

    k = 1
    while nested_at(k):
        k += 1
    print(f"nested at each of {k - 1} calls")
    """
)


def test_a_second_signal_inside_the_handler_does_not_block(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    # Enough points to cover the handler's whole run: signal.signal, the watchdog's wake-up
    # and the loop's call_soon_threadsafe.
    count = int(done.stdout.split()[4])
    assert count >= 5, done.stdout
