#!/usr/bin/env bash
# Installs, idempotently and at pinned versions, what building and testing
# callscope needs beyond the Rust toolchain. Each step is skipped when its
# tool is already present at the right version.
#
#   scripts/ensure-tools.sh build   # wasm32 target, wasm-bindgen-cli, PostgreSQL, the SDK's build tools
#   scripts/ensure-tools.sh test    # the above + Chromium, fonts and Playwright
set -euo pipefail

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
# wasm-bindgen-cli's own lockfile pins a webpki-roots that the registry no longer has.
WEBPKI_ROOTS_PIN=1.0.10

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "apt-get install $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

ensure_wasm_bindgen() {
  if command -v wasm-bindgen >/dev/null &&
     [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ]; then
    return
  fi
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  local src work
  cargo info "wasm-bindgen-cli@$WASM_BINDGEN_VERSION" >/dev/null
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"wasm-bindgen-cli-$WASM_BINDGEN_VERSION" | head -n1)
  work=$(mktemp -d)
  cp -r "$src" "$work/cli"
  (cd "$work/cli" &&
    cargo update -q -p webpki-roots --precise "$WEBPKI_ROOTS_PIN" &&
    CARGO_TARGET_DIR="$work/target" cargo install -q --path . --locked --bin wasm-bindgen)
  rm -rf "$work"
}

ensure_postgres() {
  if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    return
  fi
  apt_install postgresql
}

ensure_chromium() {
  command -v chromium >/dev/null && return
  apt_install chromium
}

# Headless Chromium draws characters that no installed font has as boxes.
# Chromium's dependencies bring DejaVu, which covers Latin, Cyrillic and Lao;
# the demo's Japanese IDs and names need a Japanese font (VL Gothic: 2 MB,
# against 56 MB for Noto CJK).
ensure_fonts() {
  local missing=()
  fc-list :lang=ja | grep -q . || missing+=(fonts-vlgothic)
  fc-list :lang=lo | grep -q . || missing+=(fonts-lao)
  [ ${#missing[@]} -eq 0 ] && return
  apt_install "${missing[@]}"
}

# Installs the npm packages of DIR (sdk: esbuild, TypeScript and ESLint for
# the SDK; end2end: Playwright for the browser tests) again whenever its
# package-lock.json changed. BIN is one of them, present once installed.
ensure_node_packages() {
  local dir=$1 bin=$2
  local stamp="$dir/node_modules/.callscope-lock.sha256"
  local lock_sum
  lock_sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [ -x "$dir/node_modules/.bin/$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$lock_sum" ] && return
  command -v npm >/dev/null || apt_install nodejs npm
  log "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
}

ensure_wasm_target
ensure_wasm_bindgen
ensure_postgres
ensure_node_packages sdk esbuild
if [ "${1:-build}" = test ]; then
  ensure_node_packages end2end playwright
  ensure_chromium
  ensure_fonts
fi
