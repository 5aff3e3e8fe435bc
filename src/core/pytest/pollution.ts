import type { CancelToken } from '../cancel';

/**
 * Find the Polluting Test: a test that passes alone and fails in the suite is failing because of state an
 * earlier test left behind (in Django's memory, or rows). The search first confirms the test passes alone,
 * then halves the tests that ran before it, each try with a fresh Django (the caller's `tryRun` sees to
 * that), and stops at the smallest set that makes it fail: at most ⌈log2 n⌉ + 2 tries for n candidates.
 */

/** How one try went: the failing test failed (or not) after `candidates`; `command` reproduces it. */
export type TryVerdict =
  | { kind: 'failed'; command: string }
  | { kind: 'passed'; command: string }
  | { kind: 'problem'; message: string };

export type PollutionResult =
  /** The smallest set found that makes the test fail (usually one test), and a command line that shows it. */
  | { kind: 'found'; polluters: string[]; tries: number; command: string }
  /** The test fails with no test before it: not pollution. */
  | { kind: 'failsAlone'; tries: number; command: string }
  /** The test passed in every try: not pollution (or flaky). */
  | { kind: 'passesEveryTry'; tries: number }
  | { kind: 'cancelled'; tries: number }
  | { kind: 'problem'; tries: number; message: string };

/** One try, as progress: which try of at most how many, and how many candidates ran before the test. */
interface TryProgress {
  attempt: number;
  maxTries: number;
  candidates: number;
  verdict: TryVerdict;
}

/** The most tries a search of `n` candidates makes: alone, the halvings, one check at the end. */
export function maxTries(n: number): number {
  return n <= 1 ? n + 1 : Math.ceil(Math.log2(n)) + 2;
}

export async function findPolluters(opts: {
  candidates: readonly string[];
  /** Runs `candidates` (in their order) and then the failing test, with a fresh Django. */
  tryRun(candidates: readonly string[]): Promise<TryVerdict>;
  token?: CancelToken;
  onTry?(progress: TryProgress): void;
}): Promise<PollutionResult> {
  const max = maxTries(opts.candidates.length);
  let tries = 0;
  const attempt = async (set: readonly string[]): Promise<TryVerdict | 'cancelled'> => {
    if (opts.token?.isCancellationRequested) return 'cancelled';
    const verdict = await opts.tryRun(set);
    tries++;
    opts.onTry?.({ attempt: tries, maxTries: max, candidates: set.length, verdict });
    return opts.token?.isCancellationRequested ? 'cancelled' : verdict;
  };

  const alone = await attempt([]);
  if (alone === 'cancelled') return { kind: 'cancelled', tries };
  if (alone.kind === 'problem') return { kind: 'problem', tries, message: alone.message };
  if (alone.kind === 'failed') return { kind: 'failsAlone', tries, command: alone.command };
  if (!opts.candidates.length) return { kind: 'passesEveryTry', tries };

  // `set` holds the polluters when `known` says a try showed it fails; else it is only what is left.
  let set = [...opts.candidates];
  let known: { set: string[]; command: string } | undefined;
  while (set.length > 1) {
    const first = set.slice(0, Math.ceil(set.length / 2));
    const verdict = await attempt(first);
    if (verdict === 'cancelled') return { kind: 'cancelled', tries };
    if (verdict.kind === 'problem') return { kind: 'problem', tries, message: verdict.message };
    if (verdict.kind === 'failed') {
      set = first;
      known = { set, command: verdict.command };
    } else set = set.slice(first.length);
  }
  if (known?.set === set) return { kind: 'found', polluters: set, tries, command: known.command };
  const last = await attempt(set);
  if (last === 'cancelled') return { kind: 'cancelled', tries };
  if (last.kind === 'problem') return { kind: 'problem', tries, message: last.message };
  if (last.kind === 'failed') return { kind: 'found', polluters: set, tries, command: last.command };
  // It takes more than one test together: the smallest set a try showed.
  if (known) return { kind: 'found', polluters: known.set, tries, command: known.command };
  return { kind: 'passesEveryTry', tries };
}

/** What the search found, in words for a notification or stderr. */
export function describePollution(
  result: PollutionResult,
  failing: string,
  opts: { command?: boolean } = {},
): string {
  const reproduce = (command: string) => (opts.command === false ? '' : ` Reproduce: ${command}`);
  const tries = `${result.tries} ${result.tries === 1 ? 'try' : 'tries'}`;
  switch (result.kind) {
    case 'found':
      return result.polluters.length === 1
        ? `${failing} fails after ${result.polluters[0]}, which leaves state behind (found in ${tries}).${reproduce(result.command)}`
        : `${failing} fails after these ${result.polluters.length} tests together: ${result.polluters.join(', ')} (found in ${tries}).${reproduce(result.command)}`;
    case 'failsAlone':
      return `${failing} fails alone too, so this is not pollution from another test: look at the test itself.${reproduce(result.command)}`;
    case 'passesEveryTry':
      return `${failing} passed in every try (${tries}: alone, and after the tests that ran before it, or parts of them): no earlier test makes it fail. It may be flaky (Run Repeatedly shows it), or fail only after several earlier tests together.`;
    case 'cancelled':
      return `Find the Polluting Test was cancelled after ${tries}.`;
    case 'problem':
      return `Find the Polluting Test stopped after ${tries}: ${result.message}`;
  }
}
