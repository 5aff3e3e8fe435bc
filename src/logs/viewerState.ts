// The log viewer's state as it comes back after a reload: checked field by field (an older page, or a
// hand-edited storage, may have written it), and the newer of the two copies kept.
import { isFollowTarget } from './followAgain';
import type { ViewerState } from './viewerProtocol';

export function defaultState(): ViewerState {
  return {
    scope: {},
    filter: { text: '', regex: false, caseSensitive: false, levels: [] },
    layout: 'merged',
    follow: true,
    follows: [],
  };
}

/** A state read back from storage: each field kept when well-formed, else its default. */
export function validState(s: unknown): ViewerState {
  const d = defaultState();
  if (!s || typeof s !== 'object') return d;
  const v = s as Partial<ViewerState>;
  return {
    scope: v.scope && typeof v.scope === 'object' ? v.scope : d.scope,
    filter: v.filter && typeof v.filter === 'object' && Array.isArray(v.filter.levels) ? v.filter : d.filter,
    layout: v.layout === 'sideBySide' ? 'sideBySide' : 'merged',
    follow: v.follow !== false,
    follows: Array.isArray(v.follows) ? v.follows.filter(isFollowTarget) : [],
    savedAt: typeof v.savedAt === 'number' && Number.isFinite(v.savedAt) ? v.savedAt : undefined,
  };
}

/**
 * The viewer's state is kept twice: by VS Code with the webview, and by the extension in its workspace
 * storage. VS Code's copy was seen to come back older after a reload in the web workbench, so the newer
 * of the two wins (VS Code's on a tie).
 */
export function newerState(vscodeCopy: ViewerState, ownCopy: ViewerState): ViewerState {
  return (ownCopy.savedAt ?? 0) > (vscodeCopy.savedAt ?? 0) ? ownCopy : vscodeCopy;
}
