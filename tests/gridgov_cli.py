"""Run `gridgov ARGV...` in the test process, as the console runs it (`backend.cli.main`).

In this process a traceback fails the test with it, where a subprocess would only print it.
"""

import pytest

from backend.cli import main


def gridgov_run(*argv: str, capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `gridgov ARGV...`, which must exit."""
    with pytest.raises(SystemExit) as exited:
        main(["gridgov", *argv])
    captured = capsys.readouterr()
    # run_from_argv closes the connections as on the console; inside a test's transaction the
    # PostgreSQL pool then warns that it rolls the connection back, which no console sees.
    lines = captured.err.splitlines(keepends=True)
    err = "".join(line for line in lines if "psycopg.pool" not in line)
    return exited.value.code, captured.out, err


def gridgov(*argv: str, capsys) -> tuple[int, str]:
    """(exit status, stderr) of `gridgov ARGV...`, which must exit."""
    status, _out, err = gridgov_run(*argv, capsys=capsys)
    return status, err
