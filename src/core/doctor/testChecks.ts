import { relative } from 'node:path';
import { discoverFolder } from '../pytest/discovery';
import { NEEDS_COMPONENT_TAG, neededComponents } from '../pytest/markers';
import { leafNodes } from '../pytest/staticReader';
import type { Check, CheckGroup, DoctorContext, Finding } from './types';

/** How many tests a part's line names before "and N more". */
const SHOWN_TESTS = 4;

/** The tests whose markers say they need a part of the cluster the local one lacks (`tests.needsComponent`). */
export const testChecks: CheckGroup = (ctx) =>
  [
    { id: 'tests.needsComponent', title: 'Tests that need missing parts', run: () => needsFinding(ctx) },
  ] satisfies Check[];

async function needsFinding(ctx: DoctorContext): Promise<Finding> {
  const s = ctx.settings;
  const markers = Object.keys(s.needsComponent);
  if (!markers.length)
    return {
      status: 'ok',
      message: 'codespaceTests.tests.needsComponent names no marker: no test is set apart.',
    };
  // The static read, as the tree first shows it: markers a conftest hook adds appear only after collection.
  const files = await discoverFolder(s.workspace, s.testsInclude);
  const byPart = new Map<string, string[]>();
  for (const f of files)
    for (const t of leafNodes(f.tests))
      for (const part of neededComponents(t.markers ?? [], s.needsComponent))
        byPart.set(part, [
          ...(byPart.get(part) ?? []),
          `${relative(s.workspace, f.rootdir) || '.'}/${t.nodeid}`,
        ]);
  if (!byPart.size)
    return {
      status: 'ok',
      message: `No test has a marker of codespaceTests.tests.needsComponent (${markers.join(', ')}).`,
    };
  const lines = [...byPart].map(([part, tests]) => {
    const shown = tests.slice(0, SHOWN_TESTS).join(', ');
    const more = tests.length > SHOWN_TESTS ? ` and ${tests.length - SHOWN_TESTS} more` : '';
    return `${part}: ${tests.length} test(s), ${shown}${more}`;
  });
  const count = new Set([...byPart.values()].flat()).size;
  return {
    status: 'skip',
    message: `${count} test(s) need a part the local cluster lacks, so they fail here. ${lines.join('; ')}.`,
    fix: {
      text: `Run them on CI (the Run on CI profile); in the Testing view they carry the ${NEEDS_COMPONENT_TAG} tag and say which part they need.`,
    },
  };
}
