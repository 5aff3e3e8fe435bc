// Installs what `npm test`, `npm start` and `npm run bench` need, idempotently:
// node_modules (from the lock file), Debian's packages and the offline VS Code test hosts.
// --node-only: node_modules alone. --servers-later: no VS Code servers (npm test installs them beside its
// first tiers, see test.mjs).
import { debianPackages, nodeModules, servers } from './setupSteps.mjs';

const started = Date.now();
const steps = [nodeModules()];
if (!process.argv.includes('--node-only')) {
  // The Debian packages while npm ci downloads, then both VS Code servers side by side: mostly downloads.
  debianPackages();
  if (!process.argv.includes('--servers-later')) steps.push(servers.current(), servers['1.96']());
}
try {
  await Promise.all(steps);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
console.error(`[setup] ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
