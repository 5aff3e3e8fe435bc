"""Leak check of the Codespace Integration Tests plugin: which rows each test left in Django's database.

Turned on by ``CODESPACE_TESTS_LEAKS`` (JSON: ``projectDir``, the folder of ``manage.py``; ``defaultSettings``, the
module ``manage.py`` defaults ``DJANGO_SETTINGS_MODULE`` to; ``settings``, an override). The settings module is
found as ``manage.py`` finds it: the override, else ``DJANGO_SETTINGS_MODULE``, else manage.py's default, imported
from its folder. Only the module is imported: Django is not set up in the test process for a sqlite database (read
through a read-only connection of its own, so pytest-django's database blocker and its test database do not
apply). The events sent are ``leakCheck`` and ``leaked``; their TypeScript twin is ``protocol.ts``.
"""
import copy
import importlib
import json
import os
import sqlite3
import sys

import pytest

ENV_VAR = "CODESPACE_TESTS_LEAKS"
MAX_IDS = 10


class Unavailable(Exception):
    """The check cannot run; the message says why and what to do."""


def from_environment():
    raw = os.environ.get(ENV_VAR)
    if not raw:
        return None
    try:
        spec = json.loads(raw)
    except ValueError as exc:
        return _Broken(f"{ENV_VAR} is not JSON ({exc})")
    return LeakCheck(spec)


class _Broken:
    def __init__(self, reason):
        self.reason = reason

    def open(self):
        raise Unavailable(self.reason)


class LeakCheck:
    def __init__(self, spec):
        self.spec = spec
        self.reader = None

    def open(self):
        """Loads the settings and reads the counts once; returns (description, counts). Raises Unavailable."""
        module = self.spec.get("settings") or os.environ.get("DJANGO_SETTINGS_MODULE") or self.spec.get("defaultSettings")
        folder = self.spec.get("projectDir")
        if not module:
            raise Unavailable(
                f"no settings module: {folder or 'the project'}/manage.py sets no DJANGO_SETTINGS_MODULE default; "
                "set codespaceTests.leaks.settingsModule")
        if folder and folder not in sys.path:
            sys.path.insert(0, folder)
        try:
            settings = importlib.import_module(module)
        except Exception as exc:  # any error in the user's settings module
            raise Unavailable(
                f"the settings module {module} could not be imported from {folder} ({type(exc).__name__}: {exc}); "
                "set codespaceTests.leaks.settingsModule and codespaceTests.leaks.projectDir") from None
        databases = copy.deepcopy(getattr(settings, "DATABASES", None) or {})
        database = databases.get("default")
        if not database:
            raise Unavailable(f"{module} defines no DATABASES['default']")
        engine = database.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            self.reader = _SqliteReader(str(database.get("NAME", "")), folder)
        else:
            self.reader = _DjangoReader(database, module)
        return f"{self.reader.describe()} (settings {module})", self.reader.counts()

    def counts(self):
        return self.reader.counts()

    def new_ids(self, table, after_pk):
        return self.reader.new_ids(table, after_pk)


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


class _SqliteReader:
    def __init__(self, name, folder):
        if not name or name == ":memory:" or name.startswith("file::memory:"):
            raise Unavailable("the database is in memory, so only the server's own process can read it")
        self.path = name if os.path.isabs(name) else os.path.join(folder or os.getcwd(), name)
        self.conn = None
        self.pks = {}
        self.tables = None

    def describe(self):
        return f"sqlite {self.path}"

    def _connect(self):
        if self.conn is None:
            if not os.path.exists(self.path):
                return None  # not migrated yet: no tables, no rows
            # Read-only: the check must never create or change the database.
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10, isolation_level=None)
        return self.conn

    def counts(self):
        """{table: (rows, max pk or None)}"""
        conn = self._connect()
        if conn is None:
            return {}
        try:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            if names != self.tables:
                self.tables = names
                self.pks = {t: self._pk(conn, t) for t in names}
            if not names:
                return {}
            parts = []
            for t in names:
                pk = self.pks[t]
                parts.append(f"SELECT ?, COUNT(*), {('MAX(' + _quote(pk) + ')') if pk else 'NULL'} FROM {_quote(t)}")
            rows = conn.execute(" UNION ALL ".join(parts), names).fetchall()
        except sqlite3.Error as exc:
            raise Unavailable(f"reading {self.path} failed ({exc})") from None
        return {t: (n, top) for t, n, top in rows}

    @staticmethod
    def _pk(conn, table):
        cols = [r for r in conn.execute(f"PRAGMA table_info({_quote(table)})") if r[5]]
        return cols[0][1] if len(cols) == 1 and "INT" in (cols[0][2] or "").upper() else None

    def new_ids(self, table, after_pk):
        pk = self.pks.get(table)
        if not pk or self.conn is None:
            return []
        query = f"SELECT {_quote(pk)} FROM {_quote(table)} WHERE ? IS NULL OR {_quote(pk)} > ? ORDER BY 1 LIMIT {MAX_IDS}"
        try:
            return [r[0] for r in self.conn.execute(query, (after_pk, after_pk))]
        except sqlite3.Error:
            return []


class _DjangoReader:
    """Other engines, through Django's own backend on a connection of its own."""

    def __init__(self, database, module):
        try:
            from django.conf import settings
            if not settings.configured:
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", module)
                import django
                django.setup()
            from django.db.utils import ConnectionHandler
        except Exception as exc:
            raise Unavailable(f"Django could not be set up with {module} ({type(exc).__name__}: {exc})") from None
        self.name = f"{database.get('ENGINE')} {database.get('NAME')}"
        self.conn = ConnectionHandler({"default": database})["default"]
        self.pks = {}

    def describe(self):
        return self.name

    def _cursor(self):
        try:  # pytest-django blocks database access outside its db fixtures: this connection is not the tests'.
            from pytest_django.plugin import _blocking_manager
            return _blocking_manager.unblock()
        except Exception:
            import contextlib
            return contextlib.nullcontext()

    def counts(self):
        try:
            with self._cursor(), self.conn.cursor() as cursor:
                names = sorted(self.conn.introspection.table_names(cursor))
                result = {}
                for t in names:
                    if t not in self.pks:
                        self.pks[t] = self.conn.introspection.get_primary_key_column(cursor, t)
                    pk = self.pks[t]
                    q = self.conn.ops.quote_name
                    cursor.execute(f"SELECT COUNT(*), {('MAX(' + q(pk) + ')') if pk else 'NULL'} FROM {q(t)}")
                    result[t] = tuple(cursor.fetchone())
                return result
        except Exception as exc:
            raise Unavailable(f"reading {self.name} failed ({type(exc).__name__}: {exc})") from None

    def new_ids(self, table, after_pk):
        pk = self.pks.get(table)
        if not pk:
            return []
        q = self.conn.ops.quote_name
        try:
            with self._cursor(), self.conn.cursor() as cursor:
                cursor.execute(
                    f"SELECT {q(pk)} FROM {q(table)} WHERE %s IS NULL OR {q(pk)} > %s ORDER BY 1", [after_pk, after_pk])
                return [r[0] for r in cursor.fetchmany(MAX_IDS)]
        except Exception:
            return []


def shift(baseline, before, after):
    """The baseline moved by what a session-, module- or class-scoped fixture's setup added: not the test's rows."""
    moved = dict(baseline)
    for table, (rows, top) in after.items():
        old_rows, old_top = before.get(table, (0, None))
        base_rows, base_top = moved.get(table, (0, None))
        tops = [v for v in (base_top, top) if v is not None]
        moved[table] = (base_rows + rows - old_rows, max(tops) if tops else None)
    return moved


def leaks(baseline, after):
    """[(table, added rows, max pk before)] for each table with more rows than its baseline."""
    found = []
    for table, (rows, _) in sorted(after.items()):
        base_rows, base_top = baseline.get(table, (0, None))
        if rows > base_rows:
            found.append((table, rows - base_rows, base_top))
    return found


class LeakWatch:
    """The pytest hooks of the check: counts before the session, after each test, and around the setup of
    fixtures wider than a test (a session fixture that migrates or creates the API user is not the test's leak)."""

    def __init__(self, check, channel):
        self.check = check
        self.channel = channel
        self.active = False
        self.baseline = {}

    def _stop(self, reason):
        self.active = False
        self.channel.send({"event": "leakCheck", "status": "off", "reason": reason})

    def pytest_sessionstart(self, session):
        try:
            description, counts = self.check.open()
        except Unavailable as exc:
            self._stop(str(exc))
            return
        self.active = True
        self.baseline = counts
        self.channel.send({"event": "leakCheck", "status": "on", "database": description, "tables": len(counts)})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        if not self.active or fixturedef.scope == "function":
            yield
            return
        try:
            before = self.check.counts()
        except Unavailable as exc:
            self._stop(str(exc))
            yield
            return
        yield
        try:
            self.baseline = shift(self.baseline, before, self.check.counts())
        except Unavailable as exc:
            self._stop(str(exc))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(self, nodeid, location):
        if not self.active:
            return
        try:
            after = self.check.counts()
        except Unavailable as exc:
            self._stop(str(exc))
            return
        found = leaks(self.baseline, after)
        self.baseline = after
        if found:
            tables = [{"table": t, "rows": n, "ids": self.check.new_ids(t, top)} for t, n, top in found]
            self.channel.send({"event": "leaked", "nodeid": nodeid, "tables": tables})
