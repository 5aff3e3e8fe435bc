/**
 * Whether a failure's text says the tests could not reach what the codespace should provide (Django, the
 * cluster, a pynode): then its message offers Check Codespace. Read from the run's own problem messages and
 * from what Python's HTTP clients say when a connection fails.
 */
const UNREACHABLE: readonly RegExp[] = [
  /Django is not ready, so the tests did not run/,
  /Django stopped while the tests ran/,
  /Cannot reach the cluster/,
  /ConnectionRefusedError|Connection refused|ECONNREFUSED/,
  /Failed to establish a new connection|NewConnectionError|Max retries exceeded with url/,
  /Name or service not known|Temporary failure in name resolution/,
  /port \d+ is (still )?in use/i,
];

export function pointsAtCodespace(text: string): boolean {
  return UNREACHABLE.some((re) => re.test(text));
}
