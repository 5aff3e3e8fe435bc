import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The page of the log viewer: one script and one stylesheet from the extension, a nonce for the
 * script, and a Content-Security-Policy that allows nothing else (no remote resources, no inline
 * script, no images, no frames). Log text is only ever set as textContent by the script.
 */
export function viewerHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'media', 'logViewer.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'logViewer.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    "img-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Logs</title>
</head>
<body>
<div id="toolbar" role="toolbar" aria-label="Log viewer">
  <input id="filter" type="text" placeholder="Filter (text or /regex/)" aria-label="Filter" spellcheck="false">
  <button id="regex" class="toggle" title="Use regular expression" aria-pressed="false">.*</button>
  <button id="case" class="toggle" title="Match case" aria-pressed="false">Aa</button>
  <span id="levels" role="group" aria-label="Levels"></span>
  <span class="sep"></span>
  <button id="layout" title="Merged or side by side">Side by side</button>
  <button id="follow" class="toggle" title="Follow: keep scrolling to new lines while at the bottom" aria-pressed="true">Follow</button>
  <button id="copy" title="Copy selected lines (or all shown)">Copy</button>
  <button id="save" title="Save shown lines to a file">Save…</button>
  <button id="clear" title="Clear the view">Clear</button>
  <span id="status" aria-live="polite"></span>
</div>
<div id="scope"></div>
<div id="panes"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
