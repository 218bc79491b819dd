"""The benchmarks' terminal sends a key when asked: pexpect's default sleeps 50 ms before each
send, which every first key acted on was charged."""

from __future__ import annotations

from benchmarks.term import Terminal


def test_a_key_is_sent_without_pexpects_delay():
    term = Terminal("/bin/cat", [])
    try:
        assert term.child.delaybeforesend is None
        term.child.send("k")
        term.wait_for(lambda lines: "k" in lines[0], timeout=30)
    finally:
        term.close(quit_keys="\r\x04")  # end of input: cat exits
