import * as vscode from 'vscode';
import { neededNote, testTags } from '../core/pytest/markers';
import { itemData } from './itemData';

/** The tag of tests whose last runs are mixed (or marked `flaky`): the Testing view's filter finds them by it. */
const FLAKY_TAG = new vscode.TestTag('flaky');

const tags = new Map<string, vscode.TestTag>([[FLAKY_TAG.id, FLAKY_TAG]]);
const tag = (id: string) => tags.get(id) ?? tags.set(id, new vscode.TestTag(id)).get(id)!;

/** The fail rate of items whose history is mixed, kept beside them. */
const flakyNotes = new WeakMap<vscode.TestItem, string>();

/** Sets or clears an item's fail rate (its history is mixed, or no longer) and shows it. */
export function setFlaky(item: vscode.TestItem, note: string | undefined): void {
  if (note === flakyNotes.get(item)) return;
  if (note === undefined) flakyNotes.delete(item);
  else flakyNotes.set(item, note);
  showLook(item);
}

/**
 * What an item shows besides its label, from two owners: its markers' tags and the parts it needs (the tree),
 * and the flaky tag and fail rate (the history). Either calls this after changing its part.
 */
export function showLook(item: vscode.TestItem): void {
  const d = itemData.get(item);
  const markers = d && 'markers' in d ? (d.markers ?? []) : [];
  const needs = d && 'needs' in d ? (d.needs ?? []) : [];
  const flaky = flakyNotes.get(item);
  const ids = testTags(markers, needs);
  if (flaky !== undefined && !ids.includes(FLAKY_TAG.id)) ids.push(FLAKY_TAG.id);
  if (item.tags.length !== ids.length || item.tags.some((t, i) => t.id !== ids[i])) item.tags = ids.map(tag);
  const notes = [needs.length ? neededNote(needs) : undefined, flaky].filter((n) => n !== undefined);
  const description = notes.length ? notes.join(' · ') : undefined;
  if (item.description !== description) item.description = description;
}
