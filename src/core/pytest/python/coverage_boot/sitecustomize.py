"""Coverage's start-up in the processes of a Coverage run (the extension puts this folder on their PYTHONPATH).

With ``COVERAGE_PROCESS_START`` set (the run's rcfile), coverage.py starts as the process starts: in pytest,
and in the Django that serves the tests (the session's own, through the plugin's Django hook; or the managed one,
restarted for the run). Django's autoreloader parent only watches files: its child (``RUN_MAIN=true``) serves,
so only the child is measured. The rcfile sets ``sigterm``, so a server stopped with SIGTERM still saves.

Test by test: each measured process listens on ``<CODESPACE_TESTS_COVERAGE>/control/<pid>.sock``; the plugin
(codespace_tests_coverage.py) sends each test's node id as a line when the test begins, and the process switches
coverage.py's context to it before answering, so no request header and no middleware are needed. A server that
starts mid-test reads the current one from ``control/current``.
The environment's own sitecustomize, if any, still runs after this one.
"""
import os
import sys

COVERAGE_ENV_VAR = "CODESPACE_TESTS_COVERAGE"


def _reloader_parent():
    argv = getattr(sys, "argv", None) or []
    return ("runserver" in argv and "--noreload" not in argv and os.environ.get("RUN_MAIN") != "true")


def _start():
    if not os.environ.get("COVERAGE_PROCESS_START") or _reloader_parent():
        return
    try:
        import coverage
    except ImportError:
        return  # the extension checks for coverage.py before the run, and says how to add it
    cov = coverage.process_startup()
    folder = os.environ.get(COVERAGE_ENV_VAR)
    if cov is None or not folder:
        return
    try:
        import codespace_tests_coverage_switch
        codespace_tests_coverage_switch.listen(cov, os.path.join(folder, "control"))
    except Exception as exc:  # coverage goes on, as one context
        sys.stderr.write(f"codespace-tests coverage: test-by-test contexts are off in pid {os.getpid()}: {exc}\n")


def _chain():
    """Runs the next sitecustomize on sys.path, as if this one were not there."""
    here = os.path.dirname(os.path.abspath(__file__))
    ours = sys.modules.pop("sitecustomize", None)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    try:
        import importlib.util
        if importlib.util.find_spec("sitecustomize") is not None:
            importlib.import_module("sitecustomize")
    finally:
        sys.path[:] = saved
        if ours is not None:
            sys.modules.setdefault("sitecustomize", ours)


_start()
_chain()
