"""The Coverage profile's side in pytest (registered by codespace_tests_plugin.py when ``CODESPACE_TESTS_COVERAGE``
names the run's coverage folder; the TypeScript twin is src/core/coverage/coverageRun.ts).

coverage.py was started in this process by coverage_boot/sitecustomize.py. Here:

- only the Django the session starts (the command the plugin's Django hook matches) is measured among the
  session's children: ``COVERAGE_PROCESS_START`` leaves this process's environment and is handed to that server
  alone, with the start-up folder on its PYTHONPATH, whatever environment the conftest gives it;
- test by test (unless ``CODESPACE_TESTS_COVERAGE_CONTEXTS=0``): as each test begins, its node id becomes the
  coverage context here and in every measured server (``control/<pid>.sock``), before the test's first request;
- the servers write what they measured (a switch writes it) as each test's teardown begins and as the session
  ends: runserver's autoreloader parent kills its child with SIGKILL when it gets SIGTERM, so a server may not
  get to save at its end.
"""
import glob
import os
import socket

import pytest

COVERAGE_ENV_VAR = "CODESPACE_TESTS_COVERAGE"
CONTEXTS_ENV_VAR = "CODESPACE_TESTS_COVERAGE_CONTEXTS"
START_ENV_VAR = "COVERAGE_PROCESS_START"
ACK_TIMEOUT_S = 2.0


def from_environment(environ=os.environ):
    folder = environ.get(COVERAGE_ENV_VAR)
    if not folder:
        return None
    return CoverageRun(folder, environ)


class CoverageRun:
    def __init__(self, folder, environ):
        self.control = os.path.join(folder, "control")
        self.by_test = environ.get(CONTEXTS_ENV_VAR, "1") != "0"
        boot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "coverage_boot")
        self.server_env = {COVERAGE_ENV_VAR: folder, CONTEXTS_ENV_VAR: environ.get(CONTEXTS_ENV_VAR, "1")}
        if environ.get(START_ENV_VAR):
            self.server_env[START_ENV_VAR] = environ[START_ENV_VAR]
        self.boot = boot
        # The session's other children (migrate, the key command) run as they would without the profile.
        environ.pop(START_ENV_VAR, None)
        self.cov = None
        try:
            import coverage
            self.cov = coverage.Coverage.current()
        except ImportError:
            pass
        self.peers = {}
        self.context = ""

    def env_for_server(self, env):
        """The environment of the session's Django: the conftest's (or ours), with coverage's start-up."""
        merged = dict(os.environ if env is None else env)
        merged.update(self.server_env)
        path = merged.get("PYTHONPATH")
        merged["PYTHONPATH"] = self.boot + (os.pathsep + path if path else "")
        return merged

    def switch(self, context):
        """Switches every measured process to `context`; switching to the same one writes what was measured."""
        self.context = context
        if self.cov is not None:
            self.cov.switch_context(context)
        os.makedirs(self.control, exist_ok=True)
        current = os.path.join(self.control, "current")
        with open(current + ".tmp", "w", encoding="utf-8") as f:
            f.write(context)
        os.replace(current + ".tmp", current)
        own = os.path.join(self.control, f"{os.getpid()}.sock")
        for path in glob.glob(os.path.join(self.control, "*.sock")):
            if path != own:
                self._tell(path, context)

    def _tell(self, path, context):
        sock = self.peers.get(path)
        try:
            if sock is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(ACK_TIMEOUT_S)
                sock.connect(path)
                self.peers[path] = sock
            sock.sendall(context.encode("utf-8") + b"\n")
            if not sock.recv(1):
                raise OSError("closed")
        except OSError:
            # A server that has ended (its socket file left behind when it was killed).
            self.peers.pop(path, None)
            if sock is not None:
                sock.close()

    # pytest hooks
    def pytest_runtest_logstart(self, nodeid, location):
        self.switch(nodeid if self.by_test else "")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item, nextitem):
        self.switch(self.context)  # before the fixtures' teardown, which may stop the session's Django

    def pytest_sessionfinish(self, session, exitstatus):
        self.switch(self.context)

    def pytest_unconfigure(self, config):
        for sock in self.peers.values():
            sock.close()
        self.peers.clear()
