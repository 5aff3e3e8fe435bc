"""Django's lines from a Django the test session owns, for the extension's log store (session mode).

Registered by codespace_tests_plugin.py, active from pytest_configure to pytest_unconfigure:

- A child process whose command line matches ``CODESPACE_TESTS_DJANGO_PROCESS_PATTERN`` (default: ``runserver``;
  the setting codespaceTests.django.processPattern) writes into a pipe of ours instead of where the conftest
  sent its output. A thread copies every byte on to that place (the fd it would have inherited, a file or fd,
  the conftest's own ``PIPE``; nothing for ``DEVNULL``) and forwards each line as a ``serverOutput`` event.
  Only ``subprocess.Popen.__init__`` is wrapped; the Popen object, its file objects and exit code are Popen's own.
- Django inside pytest (pytest-django's ``live_server``): a logging.Handler on Django's loggers and the
  installed apps' loggers forwards their records; what those loggers print does not change.
- Where neither can see the output (``os.system``, a shell redirection), one ``serverOutputNote`` says what to do.

The TypeScript twin is ``src/core/pytest/protocol.ts`` (``serverOutput``, ``serverOutputNote``).
"""
import codecs
import functools
import inspect
import logging
import logging.config
import os
import re
import subprocess
import sys
import threading
import time
import weakref

import pytest

PATTERN_ENV_VAR = "CODESPACE_TESTS_DJANGO_PROCESS_PATTERN"
MAX_LINE_BYTES_ENV_VAR = "CODESPACE_TESTS_MAX_LINE_BYTES"
DEFAULT_PATTERN = r"\brunserver\b"
# The same bound and marker as src/core/lines/lineSplitter.ts (codespaceTests.output.maxLineBytes).
DEFAULT_MAX_LINE_BYTES = 64 * 1024
MIN_MAX_LINE_BYTES = 256
# Lines waiting for the sender beyond this are dropped (and counted) rather than held: a flood cannot grow pytest.
MAX_BACKLOG = 50_000
DJANGO_LOGGERS = ("django", "django.server", "django.request")
ADVICE = ("Set codespaceTests.django.logFile to a file and have the server write its output there: "
          "the extension follows that file as Django's lines.")
_STREAM_FD = {"stdout": 1, "stderr": 2}


def cut_marker(max_bytes):
    return f" … [line cut at {max_bytes} bytes]"


class _Lines:
    """Bytes to bounded text lines (the plugin's side of src/core/lines/lineSplitter.ts): past `max_bytes` a
    line is cut on a character boundary with the same marker, and the rest of it is skipped, not buffered."""

    def __init__(self, max_bytes, on_line):
        self.max_bytes = max_bytes
        self.on_line = on_line
        self.parts = bytearray()
        self.skipping = False

    def write(self, chunk):
        start, n = 0, len(chunk)
        while start < n:
            nl = chunk.find(b"\n", start)
            end = n if nl < 0 else nl
            if not self.skipping:
                room = self.max_bytes - len(self.parts)
                if end - start > room:
                    self.parts += chunk[start:start + room]
                    self._emit(cut=True)
                    self.skipping = True
                else:
                    self.parts += chunk[start:end]
                    if nl >= 0:
                        self._emit(cut=False)
            if nl < 0:
                return
            self.skipping = False
            start = nl + 1

    def flush(self):
        if not self.skipping and self.parts:
            self._emit(cut=False)
        self.parts = bytearray()
        self.skipping = False

    def _emit(self, cut):
        data, self.parts = bytes(self.parts), bytearray()
        self.on_line(bounded_text(data, self.max_bytes, cut))


def bounded_text(data, max_bytes, cut=False):
    """`data` (bytes) as text of at most `max_bytes` bytes plus the marker when longer (or already `cut`)."""
    if len(data) > max_bytes:
        data, cut = data[:max_bytes], True
    if cut:
        # An incremental decoder leaves out a character the cut broke in two.
        return codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=False) + cut_marker(max_bytes)
    text = data.decode("utf-8", "replace")
    return text[:-1] if text.endswith("\r") else text


def _hide_from_debugger(thread):
    # pydevd (debugpy) neither traces nor suspends threads marked so.
    thread.is_pydev_daemon_thread = True
    thread.pydev_do_not_trace = True


def _command_line(args):
    """The command as one string, for the pattern; None for arguments only Popen itself should read (a generator)."""
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    elif not isinstance(args, (list, tuple)):
        return None
    try:
        return " ".join(os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in args)
    except Exception:
        return None


class _Tee:
    """Copies one stream of the child from `source` (our pipe) to `sink` (an fd of its own, or None) and
    forwards its lines. Ends at the child's EOF, closing both; when the sink's reader is gone, it stops
    reading too, so the child meets the broken pipe it would have met without the plugin."""

    def __init__(self, watch, source, sink, stream, popen):
        self.watch, self.source, self.sink, self.stream = watch, source, sink, stream
        self.popen = weakref.ref(popen)
        self.pid = popen.pid
        self.thread = threading.Thread(target=self._run, name=f"codespace-tests-django-{stream}", daemon=True)
        _hide_from_debugger(self.thread)

    def start(self):
        self.thread.start()

    def child_ended(self):
        popen = self.popen()
        return popen is None or popen.returncode is not None

    def _run(self):
        arrival = [0.0]
        lines = _Lines(self.watch.max_bytes, lambda text: self.watch.forward(
            {"event": "serverOutput", "time": arrival[0], "stream": self.stream, "pid": self.pid, "text": text}))
        try:
            while True:
                try:
                    chunk = os.read(self.source, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                arrival[0] = time.time() * 1000
                # Forwarded first: a conftest that never reads its PIPE blocks the copy, not the lines.
                lines.write(chunk)
                if self.sink is not None and not _write_all(self.sink, chunk):
                    break
            lines.flush()
        finally:
            for fd in (self.source, self.sink):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self.watch.tees.discard(self)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except InterruptedError:
            continue
        except OSError:
            return False
    return True


class _DjangoLogForwarder(logging.Handler):
    """Forwards the records of Django's loggers (and the installed apps') as serverOutput lines with their
    level. A record seen through several loggers (propagation) is forwarded once; it never prints anything
    itself, except that a record which only this handler would have handled goes to logging.lastResort,
    as it would have without it."""

    def __init__(self, watch):
        super().__init__()
        self.watch = watch
        self.seen = weakref.WeakSet()

    def emit(self, record):
        try:
            if record in self.seen:
                return
            self.seen.add(record)
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            level = ("error" if record.levelno >= logging.ERROR else "warn" if record.levelno >= logging.WARNING
                     else "info" if record.levelno >= logging.INFO else "debug")
            for line in text.splitlines() or [""]:
                self.watch.forward({"event": "serverOutput", "time": record.created * 1000, "stream": "log",
                                    "pid": os.getpid(), "text": bounded_text(line.encode("utf-8", "replace"),
                                                                             self.watch.max_bytes),
                                    "level": level, "logger": record.name})
            self._last_resort(record)
        except Exception:
            pass  # never a "--- Logging error ---" of ours in the user's output

    def _last_resort(self, record):
        logger = logging.getLogger(record.name)
        while logger is not None:
            if any(h is not self and record.levelno >= h.level for h in logger.handlers):
                return
            logger = logger.parent if logger.propagate else None
        if logging.lastResort is not None and record.levelno >= logging.lastResort.level:
            logging.lastResort.handle(record)


class ServerOutputWatch:
    """The tee and the log handler of one pytest session (a pytest plugin object: it re-attaches the handler
    at each test's start, since Django's logging setup replaces the handlers of the loggers it configures)."""

    def __init__(self, channel, environ=os.environ):
        self.channel = channel
        self.tees = set()
        self.notes = set()
        self.dropped = 0
        self.active = False
        try:
            self.max_bytes = max(MIN_MAX_LINE_BYTES, int(environ.get(MAX_LINE_BYTES_ENV_VAR, "")))
        except ValueError:
            self.max_bytes = DEFAULT_MAX_LINE_BYTES
        source = environ.get(PATTERN_ENV_VAR) or DEFAULT_PATTERN
        try:
            self.pattern = re.compile(source)
        except re.error as exc:
            self.pattern = re.compile(DEFAULT_PATTERN)
            self.note("pattern", f"codespaceTests.django.processPattern ({source!r}) is not a valid regular "
                                 f"expression ({exc}); the extension looks for {DEFAULT_PATTERN!r} instead.")
        self.handler = _DjangoLogForwarder(self)
        # The Coverage profile's (codespace_tests_coverage.py): the environment the session's Django starts with.
        self.server_env = None
        self._popen_init = None
        self._system = None
        self._dict_config = None

    # -- the channel ---------------------------------------------------------------------------

    def forward(self, event):
        if self.channel.backlog() > MAX_BACKLOG:
            self.dropped += 1
            return
        if self.dropped:
            dropped, self.dropped = self.dropped, 0
            self.channel.send({**event, "stream": "stderr", "text": f"… {dropped} line(s) of Django's output were "
                               "not forwarded: the extension fell behind.", "level": "warn"})
        self.channel.send(event)

    def note(self, kind, message):
        """Says once per kind what the extension cannot see, and what to do."""
        if kind in self.notes:
            return
        self.notes.add(kind)
        self.channel.send({"event": "serverOutputNote", "message": message})

    # -- install / uninstall ---------------------------------------------------------------------

    def install(self):
        self.active = True
        watch = self
        popen_init = self._popen_init = subprocess.Popen.__init__
        signature = inspect.signature(popen_init)

        @functools.wraps(popen_init)
        def __init__(popen, *args, **kwargs):
            if not watch.active:
                return popen_init(popen, *args, **kwargs)
            return watch._popen(popen_init, signature, popen, args, kwargs)

        subprocess.Popen.__init__ = __init__
        system = self._system = os.system

        @functools.wraps(system)
        def os_system(command):
            if watch.active and watch._matches(_command_line(command)):
                watch.note("system", f"The test session starts Django with os.system ({_short(command)}), whose "
                                     f"output the extension cannot see. Start it with subprocess.Popen, or: {ADVICE}")
            return system(command)

        os.system = os_system
        dict_config = self._dict_config = logging.config.dictConfig

        @functools.wraps(dict_config)
        def dictConfig(config):
            try:
                return dict_config(config)
            finally:
                if watch.active:
                    watch.attach_handler()

        logging.config.dictConfig = dictConfig
        self.attach_handler()

    def uninstall(self):
        """Restores what install() wrapped (left in place, inactive, when someone wrapped it again since)."""
        self.active = False
        if getattr(subprocess.Popen.__init__, "__wrapped__", None) is self._popen_init:
            subprocess.Popen.__init__ = self._popen_init
        if getattr(os.system, "__wrapped__", None) is self._system:
            os.system = self._system
        if getattr(logging.config.dictConfig, "__wrapped__", None) is self._dict_config:
            logging.config.dictConfig = self._dict_config
        for logger in logging.Logger.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and self.handler in logger.handlers:
                logger.removeHandler(self.handler)
        # A child that has exited is at (or near) its EOF: its last lines still go out.
        for tee in list(self.tees):
            if tee.child_ended():
                tee.thread.join(timeout=1)

    def attach_handler(self):
        """On Django's loggers and the installed apps' ones, those that exist: creating one here could let a
        later logging config with disable_existing_loggers turn it off."""
        names = list(DJANGO_LOGGERS) + _app_names()
        existing = logging.Logger.manager.loggerDict
        for name in names:
            logger = existing.get(name)
            if isinstance(logger, logging.Logger) and self.handler not in logger.handlers:
                logger.addHandler(self.handler)

    # pytest hooks. Django may have been set up (and its loggers configured) since the last test.
    def pytest_runtest_logstart(self, nodeid, location):
        self.attach_handler()

    @pytest.hookimpl(tryfirst=True)
    def pytest_unconfigure(self, config):
        self.uninstall()  # before the reporter closes the channel

    # -- the tee ----------------------------------------------------------------------------------

    def _matches(self, command):
        return command is not None and self.pattern.search(command) is not None

    def _popen(self, popen_init, signature, popen, args, kwargs):
        try:
            bound = signature.bind(popen, *args, **kwargs)
        except TypeError:
            return popen_init(popen, *args, **kwargs)  # Popen raises the same error
        arguments = bound.arguments
        command = _command_line(arguments.get("args"))
        if not self._matches(command):
            return popen_init(popen, *args, **kwargs)
        if self.server_env is not None:
            arguments["env"] = self.server_env(arguments.get("env"))
            args, kwargs = bound.args[1:], bound.kwargs
        if arguments.get("shell") and ">" in command:
            self.note("redirect", f"The test session starts Django with a shell command that redirects its output "
                                  f"({_short(command)}): what goes to that file does not reach the extension. "
                                  f"{ADVICE}")
        plans = []
        try:
            for stream in ("stdout", "stderr"):
                plan = self._plan(stream, arguments.get(stream))
                if plan is not None:
                    plans.append(plan)
                    if plan["child"] is not None:
                        arguments[stream] = plan["child"]
        except Exception as exc:
            _close_plans(plans)
            self.note("failed", f"Django's output could not be teed ({exc}), so its lines are missing. {ADVICE}")
            return popen_init(popen, *args, **kwargs)
        try:
            popen_init(*bound.args, **bound.kwargs)
        except BaseException:
            _close_plans(plans)
            raise
        for plan in plans:
            self._start(plan, popen)

    def _plan(self, stream, value):
        """How to tee one stream: our pipe for the child (`child`, `source`) and where its bytes go on (`sink`);
        for PIPE, nothing before Popen (its own pipe is taken over after). None: the stream is not teed."""
        if value == subprocess.STDOUT:
            return None  # the child's stderr is its stdout: teed there
        if value == subprocess.PIPE:
            return {"stream": stream, "kind": "pipe", "child": None, "source": None, "sink": None}
        if value == subprocess.DEVNULL:
            sink = None
        elif value is None:
            sink = os.dup(_STREAM_FD[stream])  # what the child would have inherited, as it is now
        elif isinstance(value, int):
            sink = os.dup(value)
        else:
            sink = os.dup(value.fileno())
        try:
            source, child = os.pipe()
        except OSError:
            if sink is not None:
                os.close(sink)
            raise
        return {"stream": stream, "kind": "fd", "child": child, "source": source, "sink": sink}

    def _start(self, plan, popen):
        if plan["kind"] == "fd":
            os.close(plan["child"])
            plan["child"] = None
        else:
            # Popen's own file object stays (text mode, encoding, errors, bufsize); the fd under it becomes the
            # reading end of a second pipe, which the tee fills from the child's pipe.
            fileobj = getattr(popen, plan["stream"], None)
            if fileobj is None:
                return
            fd = fileobj.fileno()
            source = os.dup(fd)
            read, write = os.pipe()
            _same_pipe_size(fd, write)
            os.dup2(read, fd, inheritable=False)
            os.close(read)
            plan["source"], plan["sink"] = source, write
        tee = _Tee(self, plan["source"], plan["sink"], plan["stream"], popen)
        self.tees.add(tee)
        tee.start()


def _app_names():
    """The installed apps' packages (their loggers' names), from Django only when it is already imported and set up
    (during django.setup() its logging is configured before the app registry is ready: the settings say it then)."""
    apps = getattr(sys.modules.get("django.apps"), "apps", None)
    try:
        if apps is not None and apps.ready:
            return [c.name for c in apps.get_app_configs() if not c.name.startswith("django.")]
        settings = getattr(sys.modules.get("django.conf"), "settings", None)
        if settings is None or not settings.configured:
            return []
        names = []
        for entry in settings.INSTALLED_APPS:
            parts = entry.split(".")
            if parts[-1][:1].isupper():  # an AppConfig class: "pkg.apps.PkgConfig" names "pkg"
                parts = parts[:-2] if len(parts) > 2 and parts[-2] == "apps" else parts[:-1]
            if parts and parts[0] != "django":
                names.append(".".join(parts))
        return names
    except Exception:
        return []


def _close_plans(plans):
    for plan in plans:
        for key in ("child", "source", "sink"):
            if plan.get(key) is not None:
                try:
                    os.close(plan[key])
                except OSError:
                    pass
                plan[key] = None


def _same_pipe_size(original, ours):
    """Popen's pipesize applies to the pipe the conftest reads."""
    try:
        import fcntl
        size = fcntl.fcntl(original, fcntl.F_GETPIPE_SZ)
        fcntl.fcntl(ours, fcntl.F_SETPIPE_SZ, size)
    except Exception:
        pass


def _short(command, limit=200):
    text = command if isinstance(command, str) else (_command_line(command) or repr(command))
    return text if len(text) <= limit else text[:limit] + "…"
