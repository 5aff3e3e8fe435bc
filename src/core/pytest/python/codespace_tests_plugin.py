"""pytest plugin of the Codespace Integration Tests extension.

Loaded with ``-p codespace_tests_plugin`` (its folder on PYTHONPATH). Sends one JSON object per line
to the address in ``CODESPACE_TESTS_RESULTS`` (``unix:/path``, or ``tcp:127.0.0.1:PORT`` where no unix
socket can be made): the collected tests, collection errors, each test's start and result, and, when asked, the rows each test
left in Django's database (codespace_tests_leaks.py), coverage test by test (codespace_tests_coverage.py), and the output of a Django the session starts
itself (codespace_tests_server_output.py). The first
line (``hello``) repeats the run's nonce from ``CODESPACE_TESTS_RESULTS_NONCE``: the extension drops a
connection without it. The TypeScript twin of these
events is ``src/core/pytest/protocol.ts`` (``PluginEvent``); change both together.
Never parses or changes pytest's human output; when the address is missing or unreachable, the
session runs as if the plugin were absent (the extension reports that the plugin never connected).
"""
import atexit
import json
import os
import socket
import sys
import threading
import time
import traceback

import pytest

ENV_VAR = "CODESPACE_TESTS_RESULTS"
NONCE_ENV_VAR = "CODESPACE_TESTS_RESULTS_NONCE"
PROTOCOL_VERSION = 1  # checked against protocol.ts when the extension receives "hello"
_MAX_TEXT = 200_000


class _Channel:
    """The connection to the extension. Events are queued and written by one sender thread, at most every
    FLUSH_S: a run of 5,000 tests makes a few hundred writes, not 10,000 (each write wakes the extension).
    The thread is hidden from debugpy, so a test paused at a breakpoint still shows as started."""

    FLUSH_S = 0.02

    def __init__(self, address):
        self._sock = None
        self._queue = []
        self._wake = threading.Condition()
        self._closing = False
        self._sender = None
        kind, _, rest = address.partition(":")
        try:
            if kind == "unix":
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(10)
                sock.connect(rest)
                sock.settimeout(None)
            else:
                host, _, port = rest.rpartition(":")
                sock = socket.create_connection((host, int(port)), timeout=10)
                sock.settimeout(None)
            self._sock = sock
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"codespace_tests_plugin: cannot reach the extension at {address}: {exc}\n")
            return
        sender = threading.Thread(target=self._send_queued, name="codespace-tests-results", daemon=True)
        # pydevd (debugpy) neither traces nor suspends threads marked so.
        sender.is_pydev_daemon_thread = True
        sender.pydev_do_not_trace = True
        self._sender = sender
        sender.start()

    @property
    def connected(self):
        return self._sock is not None

    def backlog(self):
        """Events queued and not yet written."""
        return len(self._queue)

    def send(self, event):
        if self._sock is None:
            return
        data = json.dumps(event, default=repr) + "\n"
        with self._wake:
            self._queue.append(data)
            if len(self._queue) == 1:
                self._wake.notify()

    def _send_queued(self):
        while True:
            with self._wake:
                while not self._queue and not self._closing:
                    self._wake.wait()
                # What follows within FLUSH_S goes in the same write; closing cuts the wait short.
                self._wake.wait_for(lambda: self._closing, timeout=self.FLUSH_S)
                chunk, self._queue = "".join(self._queue), []
                closing = self._closing
            sock = self._sock
            if chunk and sock is not None:
                try:
                    sock.sendall(chunk.encode("utf-8"))
                except OSError:
                    self._sock = None
                    return
            if closing:
                with self._wake:
                    if not self._queue:
                        return

    def close(self):
        if self._sender is not None:
            with self._wake:
                self._closing = True
                self._wake.notify()
            self._sender.join(timeout=10)
            self._sender = None
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None


def _clip(text):
    if text and len(text) > _MAX_TEXT:
        return text[:_MAX_TEXT] + "\n… (truncated)"
    return text or ""


class CodespaceTestsPlugin:
    def __init__(self, channel):
        self.channel = channel
        self.tests = {}
        self.comparison = None

    # -- collection ---------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector):
        outcome = yield
        report = outcome.get_result()
        # pytest keeps the call (and its exception) on the report until collect_one_node pops it.
        call = getattr(report, "call", None)
        if report.failed and call is not None and call.excinfo is not None:
            report._codespace_where = _collect_error_location(collector, call.excinfo.value)

    def pytest_collectreport(self, report):
        if not report.failed:
            return
        # Where in the user's file: from the exception itself, never scraped from the text (whose first
        # "file:line" is often inside pytest, and whose paths are relative to a folder that is not the rootdir).
        file, line, summary = getattr(report, "_codespace_where", None) or (None, None, None)
        event = {"event": "collectError", "nodeid": report.nodeid, "file": file, "line": line,
                 "message": _clip(report.longreprtext)}
        if summary:
            event["summary"] = _clip(summary)
        self.channel.send(event)

    def pytest_collection_finish(self, session):
        tests = []
        for item in session.items:
            path, lineno, _ = item.location
            callspec = getattr(item, "callspec", None)
            tests.append({
                "nodeid": item.nodeid,
                "file": str(item.path),
                "line": None if lineno is None else lineno + 1,
                "name": item.name,
                "parametrized": callspec is not None,
                # Every marker on the item (its own, its classes', its module's, a hook's), once each.
                "markers": sorted({mark.name for mark in item.iter_markers()}),
            })
        self.channel.send({"event": "collected", "tests": tests, "rootdir": str(session.config.rootpath)})

    # -- running ------------------------------------------------------------------------------

    def pytest_runtest_logstart(self, nodeid, location):
        self.tests[nodeid] = {"start": time.time() * 1000, "reports": []}
        self.comparison = None
        self.channel.send({"event": "started", "nodeid": nodeid, "time": time.time() * 1000})

    def pytest_assertrepr_compare(self, config, op, left, right):
        # Kept for the failure's expected/actual; pytest's own explanation still applies.
        if op == "==":
            self.comparison = (_safe_repr(left), _safe_repr(right))
        return None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.failed and call.excinfo is not None:
            report._codespace_failure = _failure(item, call.excinfo, self.comparison)

    def pytest_runtest_logreport(self, report):
        state = self.tests.get(report.nodeid)
        if state is not None:
            state["reports"].append(report)

    def pytest_runtest_logfinish(self, nodeid, location):
        state = self.tests.pop(nodeid, None)
        if state is None:
            return
        stop = time.time() * 1000
        event = _summarize(nodeid, state["reports"])
        event.update({"start": state["start"], "stop": stop})
        self.channel.send(event)

    def pytest_sessionfinish(self, session, exitstatus):
        self.channel.send({"event": "sessionFinished", "exitstatus": int(exitstatus)})

    def pytest_unconfigure(self, config):
        self.channel.close()


def _collect_error_location(collector, exc):
    """(file, line, summary) of a collection error: the collector's own file (absolute, existing) and the
    line in that file: a SyntaxError's own line when it is in that file, else the deepest traceback frame
    in that file (the failing import). The line is None when no frame of the exception is in the file."""
    path = getattr(collector, "path", None)
    if path is None or not os.path.isfile(str(path)):
        return None, None, None
    file = str(path)
    target = os.path.realpath(file)
    same = lambda name: bool(name) and os.path.realpath(name) == target  # noqa: E731
    # pytest wraps SyntaxError and ImportError in a CollectError: the original is its __cause__.
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    wrapped = isinstance(chain[0], getattr(collector, "CollectError", ())) and len(chain) > 1
    originals = chain[1:] + chain[:1] if wrapped else chain
    line = None
    for err in originals:
        if isinstance(err, SyntaxError) and err.lineno and same(err.filename):
            line = err.lineno
            break
        tb = err.__traceback__
        while tb is not None:
            if same(tb.tb_frame.f_code.co_filename):
                line = tb.tb_lineno
            tb = tb.tb_next
        if line is not None:
            break
    original = originals[0]
    summary = "".join(traceback.format_exception_only(type(original), original)).strip().splitlines()
    return file, line, summary[-1] if summary else None


def _safe_repr(value):
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the report
        text = f"<repr failed: {exc!r}>"
    return _clip(text)


def _failure(item, excinfo, comparison):
    """Where and why a test failed: the deepest traceback entry inside the test's own file."""
    test_file = str(item.path)
    file = line = None
    for entry in excinfo.traceback:
        if str(entry.path) == test_file:
            file, line = test_file, entry.lineno + 1
    if file is None:
        entry = excinfo.traceback[-1] if len(excinfo.traceback) else None
        if entry is not None:
            file, line = str(entry.path), entry.lineno + 1
    message = excinfo.exconly()
    failure = {"message": _clip(message), "file": file, "line": line}
    if comparison is not None and isinstance(excinfo.value, AssertionError):
        failure["actual"], failure["expected"] = comparison
    return failure


def _summarize(nodeid, reports):
    outcome = "passed"
    when = "call"
    duration = 0.0
    failure = None
    reason = None
    stdout, stderr, log = [], [], []
    for report in reports:
        duration += report.duration
        for sink, text in ((stdout, report.capstdout), (stderr, report.capstderr), (log, report.caplog)):
            if text and text not in sink:
                sink.append(text)
        wasxfail = hasattr(report, "wasxfail")
        if report.when == "call":
            if report.passed:
                outcome = "xpassed" if wasxfail else outcome
            elif report.skipped:
                outcome, reason = ("xfailed", report.wasxfail) if wasxfail else ("skipped", _skip_reason(report))
            elif report.failed:
                outcome, when = "failed", "call"
                failure = _report_failure(report)
        elif report.failed:
            if outcome in ("passed", "xpassed", "skipped"):
                outcome, when = "error", report.when
                failure = _report_failure(report)
        elif report.skipped and report.when == "setup":
            outcome, reason = ("xfailed", report.wasxfail) if wasxfail else ("skipped", _skip_reason(report))
    event = {
        "event": "finished", "nodeid": nodeid, "outcome": outcome, "when": when,
        "duration": duration * 1000, "stdout": _clip("".join(stdout)), "stderr": _clip("".join(stderr)),
        "log": _clip("".join(log)),
    }
    if failure is not None:
        event["failure"] = failure
    if reason:
        event["reason"] = str(reason)
    return event


def _report_failure(report):
    failure = dict(getattr(report, "_codespace_failure", None) or {"message": "", "file": None, "line": None})
    failure["text"] = _clip(report.longreprtext)
    if not failure.get("message"):
        failure["message"] = _clip(report.longreprtext.strip().splitlines()[-1] if report.longreprtext.strip() else "failed")
    return failure


def _skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = longrepr[2]
        return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason
    return None


def pytest_configure(config):
    address = os.environ.get(ENV_VAR)
    if not address:
        return
    channel = _Channel(address)
    # pytest_unconfigure closes it; a session that ends without it (os._exit aside) still sends what is queued.
    atexit.register(channel.close)
    channel.send({"event": "hello", "version": PROTOCOL_VERSION, "nonce": os.environ.get(NONCE_ENV_VAR, ""),
                  "pid": os.getpid(),
                  "pytest": pytest.__version__, "python": sys.version.split()[0],
                  "rootdir": str(config.rootpath)})
    config.pluginmanager.register(CodespaceTestsPlugin(channel), "codespace_tests_reporter")
    # The Coverage profile (codespace_tests_coverage.py): contexts test by test, and the session's Django measured.
    import codespace_tests_coverage
    coverage_run = codespace_tests_coverage.from_environment()
    if coverage_run is not None:
        config.pluginmanager.register(coverage_run, "codespace_tests_coverage")
    if channel.connected:
        # Django's lines from a Django the session starts itself (codespace_tests_server_output.py).
        import codespace_tests_server_output
        watch = codespace_tests_server_output.ServerOutputWatch(channel)
        if coverage_run is not None:
            watch.server_env = coverage_run.env_for_server
        watch.install()
        config.pluginmanager.register(watch, "codespace_tests_server_output")
    # The leak check (codespace_tests_leaks.py) only when the run asks for it.
    import codespace_tests_leaks
    check = codespace_tests_leaks.from_environment()
    if check is not None:
        config.pluginmanager.register(codespace_tests_leaks.LeakWatch(check, channel), "codespace_tests_leaks")
