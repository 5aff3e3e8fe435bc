import { bisectVerb } from './bisect';
import { discoverVerb } from './discover';
import { importJunitVerb } from './importJunit';
import { importLogVerb } from './importLog';
import { doctorVerb } from './doctor';
import { runVerb } from './run';
import { shardVerb } from './shard';
import type { Verb } from './verb';

/** Every verb of `codespace-tests`, in the order `--help` lists them: a new verb is one file and one line here. */
export const VERBS: readonly Verb[] = [
  discoverVerb,
  runVerb,
  bisectVerb,
  importJunitVerb,
  importLogVerb,
  shardVerb,
  doctorVerb,
];
