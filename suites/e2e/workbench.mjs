// Drives the real VS Code workbench in Chromium as a person would: keys, clicks, what is on screen.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

export class Workbench {
  constructor(page, screenshotDir) {
    this.page = page;
    this.screenshotDir = screenshotDir;
    this.shots = 0;
    this.recorders = 0;
    mkdirSync(screenshotDir, { recursive: true });
  }

  /** Waits until the workbench is up and the extension host has started. */
  async ready(timeoutMs = 60_000) {
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
    await this.page.waitForSelector('.explorer-folders-view, .part.sidebar', { timeout: timeoutMs });
  }

  /**
   * Runs a command from the command palette by its title, as a person types it. Tries again for a while:
   * a view's focus command appears only once its extension has registered the view.
   */
  async command(title, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+Shift+P');
      const input = this.page.locator('.quick-input-widget input');
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        // The palette does not always match "Category: Title" as a whole (the view commands do not);
        // the title alone finds the command, and the row is still told apart by its full text.
        // A quick input the extension opens or closes at that moment can hide the palette: then try again.
        await input.fill(`>${title.replace(/^[^:]+:\s*/, '')}`, { timeout: 5_000 });
        await row.waitFor({ timeout: Math.min(5_000, Math.max(until - Date.now(), 1)) });
      } catch (e) {
        if (Date.now() >= until) throw e;
        continue;
      }
      await row.click();
      return;
    }
  }

  /** Picks an item of an open quick pick by its label. */
  async pick(label, timeoutMs = 15_000) {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
  }

  /**
   * Accepts an open quick input as a person pressing Enter in it. Enter goes to its own input box, focused
   * first: a prompt shown right after another can open without the keyboard focus, and Enter then went to
   * the editor (fresh-clone runs lost Trigger CI so). A pick list waits for its highlighted row: before it,
   * Enter picks nothing and the pick closes as if escaped.
   */
  async accept(widget, { pick = false, timeoutMs = 30_000 } = {}) {
    if (pick)
      await widget
        .locator('.quick-input-list .monaco-list-row.focused')
        .first()
        .waitFor({ timeout: timeoutMs });
    await widget.locator('.quick-input-box input').first().press('Enter', { timeout: timeoutMs });
  }

  /** Types into an open input box and accepts. */
  async type(text) {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  statusBarItem(text) {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /**
   * The notification containing `text` in the notification center. Most sessions run the extension under
   * development, which a built workbench allows only with the smoke-test driver, and that driver never
   * shows toasts: notifications go straight to the center, which a person opens with the bell in the
   * status bar. The npm start session (start.test.mjs) has no driver: there, `toast(text)` pops up.
   */
  notification(text) {
    return this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  }

  /** The notification toast containing `text` (only a session without the smoke-test driver shows toasts). */
  toast(text) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  /** Opens the notification center with the bell (unless it is open) and waits for the notification. */
  async waitForNotification(text, timeoutMs = 30_000) {
    const center = this.page.locator('.notifications-center.visible');
    if (!(await center.count())) {
      await this.page.locator('.part.statusbar .statusbar-item[id="status.notifications"] a').first().click();
      await center.waitFor({ timeout: 10_000 });
    }
    const n = this.notification(text);
    await n.waitFor({ timeout: timeoutMs });
    return n;
  }

  /** Clicks a button of the notification that contains `text`. */
  async clickNotificationButton(text, button, timeoutMs = 30_000) {
    const n = await this.waitForNotification(text, timeoutMs);
    await n.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** A modal dialog (showWarningMessage with `modal: true`) whose message or detail contains `text`. */
  dialog(text) {
    return this.page.locator('.monaco-dialog-box', { hasText: text }).first();
  }

  /** Presses a button of the modal dialog that contains `text`; resolves when the dialog is gone. */
  async clickDialogButton(text, button, timeoutMs = 30_000) {
    const d = this.dialog(text);
    await d.waitFor({ timeout: timeoutMs });
    await d.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
    await d.waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** Clears the notifications, so a step's screenshot shows its own. */
  async clearNotifications() {
    await this.command('Notifications: Clear All Notifications');
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  /** Moves the pointer to an empty spot of the status bar, so no hover covers what a screenshot shows. */
  async pointerAway() {
    const bar = await this.page.locator('.part.statusbar').boundingBox();
    if (bar) await this.page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
  }

  /**
   * Records every text the status bar items matching `pattern` show from now on (a MutationObserver in
   * the page, so a state that lasts a moment is seen too). Returns `{ texts(), stop() }`.
   */
  async recordStatusBar(pattern) {
    const name = `rec${++this.recorders}`;
    await this.page.evaluate(
      ({ name, source }) => {
        const re = new RegExp(source);
        const seen = [];
        const bar = document.querySelector('.part.statusbar');
        const look = () => {
          for (const el of bar.querySelectorAll('.statusbar-item')) {
            const t = el.textContent.trim();
            if (re.test(t) && seen[seen.length - 1] !== t) seen.push(t);
          }
        };
        look();
        const observer = new MutationObserver(look);
        observer.observe(bar, { subtree: true, childList: true, characterData: true, attributes: true });
        (window.__citRecorders ??= {})[name] = { seen, observer };
      },
      { name, source: pattern.source },
    );
    return {
      texts: () => this.page.evaluate((n) => [...window.__citRecorders[n].seen], name),
      stop: () =>
        this.page.evaluate((n) => {
          window.__citRecorders[n].observer.disconnect();
          return [...window.__citRecorders[n].seen];
        }, name),
    };
  }

  /** Waits until the open quick input (pick or input box) has a title containing `text`. */
  async quickInputTitled(text, timeoutMs = 15_000) {
    const title = this.page.locator('.quick-input-widget .quick-input-title', { hasText: text });
    await title.waitFor({ state: 'visible', timeout: timeoutMs });
    return this.page.locator('.quick-input-widget');
  }

  /** Opens a view container of the activity bar by its title ("Codespace Tests"), as a click on its icon. */
  async openActivity(title) {
    const icon = this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`).first();
    await icon.waitFor({ timeout: 30_000 });
    const item = icon.locator('xpath=..');
    if (!(await item.getAttribute('class'))?.includes('checked')) await icon.click();
    await this.page
      .locator('.part.sidebar .composite.title', { hasText: title })
      .first()
      .waitFor({ timeout: 10_000 });
  }

  /** A row of a tree view in the side bar, inside the pane titled `view` ("Pods", "CI Runs"). */
  viewRow(view, text) {
    return this.page
      .locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: view }) })
      .locator('.monaco-list-row', { hasText: text })
      .first();
  }

  testRow(label) {
    return this.page.locator('.test-explorer .monaco-list-row', { hasText: label }).first();
  }

  /** Hovers a row of the Testing view and presses one of its inline actions ("Run Test", "Debug Test"). */
  async testRowAction(label, action) {
    const row = this.testRow(label);
    await row.waitFor({ timeout: 30_000 });
    await row.hover();
    await row.locator(`.action-label[aria-label^="${action}"]`).first().click();
  }

  async screenshot(name) {
    const file = join(this.screenshotDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
