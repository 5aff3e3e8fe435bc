// What the page shows (scope, filter, layout, follow), kept by VS Code across reloads and mirrored to
// the host so its serializer can bring the panel back the same.
import type { ViewerState, WebviewMessage } from '../../src/logs/viewerProtocol';
import { compileFilter, type CompiledFilter } from '../../src/core/logs/filter';

declare function acquireVsCodeApi(): {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
};
/** The page may acquire the API only once: every module talks to the host through this. */
export const host = acquireVsCodeApi();

const initial: ViewerState = (host.getState() as ViewerState | undefined) ?? {
  scope: {},
  filter: { text: '', regex: false, caseSensitive: false, levels: [] },
  layout: 'merged',
  follow: true,
  follows: [],
};

/** The state and its compiled filter; `filter` is recompiled whenever `state.filter` changes. */
export const view: { state: ViewerState; filter: CompiledFilter } = {
  state: initial,
  filter: compileFilter(initial.filter),
};

export function saveState(): void {
  view.state = { ...view.state, savedAt: Date.now() };
  host.setState(view.state);
  host.postMessage({ type: 'state', state: view.state });
}
