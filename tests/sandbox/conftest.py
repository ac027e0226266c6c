"""pytest settings for the sandbox suite: a skipped test is a failed test."""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    outcome = yield
    rep = outcome.get_result()
    if rep.skipped:
        rep.outcome = "failed"
        rep.longrepr = f"skipped tests are not allowed in this suite: {rep.longrepr}"
