import * as assert from 'node:assert';
import {
  leakSummary,
  leakWarning,
  managePyInCommand,
  settingsDefaultOf,
} from '../../../src/core/pytest/leaks';
import { parseEvent } from '../../../src/core/pytest/protocol';

describe('leak check: words and project', () => {
  it('words a leak as the warning on the test', () => {
    assert.strictEqual(
      leakWarning({ table: 'deploys_deployment', rows: 1, ids: [7] }),
      'left 1 row in deploys_deployment (ids 7)',
    );
    assert.strictEqual(leakWarning({ table: 't', rows: 12, ids: [1, 2] }), 'left 12 rows in t (ids 1, 2, …)');
    assert.strictEqual(leakWarning({ table: 't', rows: 2, ids: [] }), 'left 2 rows in t');
  });

  it('lists the leaks by test in the summary', () => {
    assert.deepStrictEqual(
      leakSummary([
        { nodeid: 'a.py::t1', table: 'x', rows: 1, ids: [3] },
        { nodeid: 'b.py::t2', table: 'y', rows: 2, ids: [4, 5] },
        { nodeid: 'a.py::t1', table: 'z', rows: 1, ids: [] },
      ]),
      [
        'Leak check: 2 tests left rows in the database:',
        '  a.py::t1: left 1 row in x (ids 3); left 1 row in z',
        '  b.py::t2: left 2 rows in y (ids 4, 5)',
      ],
    );
    assert.deepStrictEqual(leakSummary([]), []);
  });

  it("reads manage.py's DJANGO_SETTINGS_MODULE default and finds manage.py in a command line", () => {
    assert.strictEqual(
      settingsDefaultOf(
        'def main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
      ),
      'config.settings',
    );
    assert.strictEqual(settingsDefaultOf('print("no default")'), undefined);
    assert.strictEqual(
      managePyInCommand('uv run python backend/manage.py runserver', '/ws'),
      '/ws/backend/manage.py',
    );
    assert.strictEqual(managePyInCommand('python /abs/manage.py runserver', '/ws'), '/abs/manage.py');
    assert.strictEqual(managePyInCommand('gunicorn app.wsgi', '/ws'), undefined);
  });

  it('parses the leak events and refuses half-typed ones', () => {
    const leaked = { event: 'leaked', nodeid: 'a.py::t', tables: [{ table: 'x', rows: 1, ids: [7] }] };
    assert.deepStrictEqual(parseEvent(JSON.stringify(leaked)), leaked);
    const on = { event: 'leakCheck', status: 'on', database: 'sqlite /db', tables: 10 };
    assert.deepStrictEqual(parseEvent(JSON.stringify(on)), on);
    const off = { event: 'leakCheck', status: 'off', reason: 'no settings' };
    assert.deepStrictEqual(parseEvent(JSON.stringify(off)), off);
    for (const bad of [
      { ...leaked, tables: [{ table: 'x', rows: '1', ids: [] }] },
      { ...leaked, tables: [{ table: 'x', rows: 1, ids: [null] }] },
      { event: 'leakCheck', status: 'off' },
      { event: 'leakCheck', status: 'maybe', reason: 'x' },
    ])
      assert.strictEqual(parseEvent(JSON.stringify(bad)), undefined, JSON.stringify(bad));
  });
});
