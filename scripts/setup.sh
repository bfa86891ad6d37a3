#!/usr/bin/env bash
# Installs what building, running and testing Touchpoint needs, skipping what is already there.
# Safe to run again: a second run costs a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev
  libxdo-dev libdbus-1-dev file pkg-config xvfb webkit2gtk-driver imagemagick xauth postgresql curl
  dbus gnome-keyring chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20+ with npm is required" >&2; exit 1; }

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

if ! command -v cargo-fuzz >/dev/null; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

# npm ci would fail here: the lock file cannot list @tauri-apps/cli builds for other platforms.
if [ ! -d ui/node_modules ] || [ ui/package.json -nt ui/node_modules/.touchpoint-installed ] \
   || [ ui/package-lock.json -nt ui/node_modules/.touchpoint-installed ]; then
  echo "setup: installing UI packages"
  npm --prefix ui install --no-audit --no-fund --loglevel=error
  touch ui/node_modules/.touchpoint-installed
fi

# schemathesis (from PyPI) checks the server against its OpenAPI document in `make test`; it
# lives in a virtual environment of its own, outside the checkout.
ST_VENV=${ST_VENV:-$HOME/.cache/touchpoint/schemathesis}
ST_VERSION=4.32.5
if ! "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "setup: installing schemathesis $ST_VERSION"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
