import { stripVTControlCharacters } from 'node:util';
import { DJANGO_SOURCE, type LogStore } from '../logs/logStore';
import type { ServerOutputEvent } from './protocol';

/**
 * A line of the session's own Django (teed by the plugin) into the log store as Django's, at the time it
 * arrived: the log viewer shows it, and a failed test's window (testLogs.ts) finds it. A record of Django's
 * loggers inside pytest keeps its level and is tagged with its logger. Returns the line's seq.
 */
export function storeDjangoLine(store: LogStore, e: ServerOutputEvent): number {
  const text = stripVTControlCharacters(e.text);
  return e.stream === 'log'
    ? store.append(DJANGO_SOURCE, text, e.time, e.logger, e.level)
    : store.append(DJANGO_SOURCE, text, e.time);
}
