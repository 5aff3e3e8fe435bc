// Hostile-sized inputs to the text parsers: each must stay linear (the old pytest.ini regex took 2 s on one
// 40,000-character line). Measured here, not asserted in the unit tests.
import { rulesFromIniText } from '../../src/core/pytest/ini';
import { parseEnvFile } from '../../src/core/variables';
import { finish, report, timeIt } from './support';

async function main(): Promise<void> {
  const cases: [string, () => void, number][] = [
    [
      'pytest.ini, one 40,000-character line',
      () => rulesFromIniText(`[pytest]\nk${' '.repeat(40_000)}x\n`, '/p/pytest.ini'),
      20,
    ],
    [
      'pytest.ini, one 1 MB line',
      () => rulesFromIniText(`[pytest]\nk${' '.repeat(1_000_000)}= v\n`, '/p/pytest.ini'),
      100,
    ],
    ['.env, 1 MB of lines without =', () => parseEnvFile('abc\n'.repeat(250_000)), 300],
    ['.env, one 1 MB value', () => parseEnvFile(`K=${'v'.repeat(1_000_000)}\n`), 100],
  ];
  const results: boolean[] = [];
  for (const [name, run, targetMs] of cases) {
    const ms = await timeIt(async () => run(), 3);
    results.push(report(name, `${ms.toFixed(1)} ms (target < ${targetMs} ms)`, ms < targetMs));
  }
  finish(results);
}

void main();
