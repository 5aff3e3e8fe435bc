import { testWindow, WINDOW_TAIL_MS, type TestWindow } from './testLogs';

/** The wait past a window's tail for its last lines to come through the plugin's pipe. */
const DELIVERY_MS = 250;

interface Open {
  start: number;
  stop: number;
  closed: (window: TestWindow) => void;
  timer: NodeJS.Timeout;
}

/**
 * Finished tests whose window is still open, as a run reports them: a window closes when the next test
 * starts, when its tail has passed, or when pytest has ended (then every line is in, and the window ends
 * there, so the next run's lines never fall in it). Until then, the
 * Django line of the test's last request may still be on its way.
 */
export class OpenWindows {
  private readonly open = new Set<Open>();

  /** `closed` gets the window once (see `testWindow`); never later than the tail and the delivery wait. */
  add(start: number, stop: number, closed: (window: TestWindow) => void): void {
    const entry: Open = {
      start,
      stop,
      closed,
      timer: setTimeout(() => this.close(entry, undefined), WINDOW_TAIL_MS + DELIVERY_MS),
    };
    this.open.add(entry);
  }

  /** A test started at `time` (plugin clock): every open window closes at it. */
  nextStarted(time: number): void {
    for (const entry of [...this.open]) this.close(entry, time);
  }

  /**
   * pytest has ended, or the run is ending: what is still open closes now (`now`, no later than its tail).
   * Nothing of this run comes after it, and a run started right after must not fall in its windows.
   */
  closeAll(now = Date.now()): void {
    for (const entry of [...this.open]) this.close(entry, now);
  }

  private close(entry: Open, nextStart: number | undefined): void {
    if (!this.open.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.closed(testWindow(entry.start, entry.stop, nextStart));
  }
}
