"""test_flags.py: nothing is silent. A flag either works or is refused with exit 2 naming it; a
target that does not exist exits 1 with a message; write errors are reported; statistics are
never computed from zero samples; -v adds diagnostics. Each test runs vigil the way a user
would and checks the exit status and what was said.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import VIGIL, check, main, records, require_root, test, vigil

NO_PID = "4000000"  # above any default pid_max, below PID_MAX_LIMIT: valid, never live


def refused(args, needle, status=2):
    p = vigil(*args, check=False, timeout=60)
    check(p.returncode == status, "%s exited %d (want %d): %s" % (args, p.returncode, status,
                                                                 p.stderr.strip()))
    check(needle in p.stderr, "%s: message %r does not name %r" % (args, p.stderr, needle))
    return p


@test
def events_outside_the_named_subsystems_are_refused():
    p = refused(["trace", "tcp", "-e", "runq", "-d", "1"], "'runq'")
    check("tcp" in p.stderr, p.stderr)
    refused(["trace", "sched", "blkio", "-e", "runq,tcp_close", "-d", "1"], "'tcp_close'")


if __name__ == "__main__":
    main()
