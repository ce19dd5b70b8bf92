#!/usr/bin/env bash
# Installs what building and testing PI Planner needs on Debian/Ubuntu, skipping what is present.
# Idempotent: safe to run on every build.
set -euo pipefail

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# openssh-client and gnupg: ssh-keygen and gpg sign and verify approvals (docs/approvals.md).
# python3-venv: the SMTP test server's venv (below).
for pkg in build-essential pkg-config git curl ca-certificates openssh-client gnupg python3-venv; do
    have_pkg "$pkg" || need_apt+=("$pkg")
done
# The desktop app (Tauri 2 on WebKitGTK), its keychain (Secret Service) and its tests: Xvfb,
# WebKitWebDriver, a session bus, gnome-keyring with secret-tool, and chromium for browser tests.
for pkg in libwebkit2gtk-4.1-dev libdbus-1-dev file libxdo-dev libssl-dev \
    libayatana-appindicator3-dev librsvg2-dev xvfb xauth webkit2gtk-driver dbus-x11 \
    gnome-keyring libsecret-tools chromium; do
    have_pkg "$pkg" || need_apt+=("$pkg")
done

# prometheus (with promtool): the alert rules are checked and fired in tpcli's tests
# (docs/operations/prometheus-rules.yml).
have_pkg prometheus || need_apt+=(prometheus)

if [ "${#need_apt[@]}" -gt 0 ]; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    echo "installing Debian packages: ${need_apt[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
        exit 2
    fi
fi
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$component"
    fi
done

# UI dependencies exactly as locked (Node 20.19+ and npm come with the machine, like Rust).
if ! command -v npm >/dev/null 2>&1; then
    echo "Node.js is missing: install Node 20.19 or newer with npm, then run this again." >&2
    exit 2
fi
ui_dir="$(cd "$(dirname "$0")/../ui" && pwd)"
if [ ! -f "$ui_dir/node_modules/.package-lock.json" ] \
    || [ "$ui_dir/package-lock.json" -nt "$ui_dir/node_modules/.package-lock.json" ]; then
    (cd "$ui_dir" && npm ci --no-audit --no-fund)
fi

# WebDriver bridge for the real-window app tests.
if ! command -v tauri-driver >/dev/null 2>&1; then
    cargo install --locked tauri-driver --version '^2'
fi

# The SMTP server the e-mail notification tests deliver to (aiosmtpd, pinned), in a venv of its
# own; the tests look for it there (or PI_SMTP_TEST_PYTHON, or a python3 that has it).
smtp_venv="${PI_PLANNER_CACHE:-$HOME/.cache/pi-planner}/venv"
if ! "$smtp_venv/bin/python" -c 'import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != "1.4.6")' >/dev/null 2>&1; then
    python3 -m venv "$smtp_venv"
    "$smtp_venv/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
fi
# The iCalendar parser the PI calendar tests read tpcli's .ics output with (icalendar, pinned),
# in the same venv.
if ! "$smtp_venv/bin/python" -c 'import icalendar, sys; sys.exit(icalendar.__version__ != "7.3.0")' >/dev/null 2>&1; then
    [ -x "$smtp_venv/bin/python" ] || python3 -m venv "$smtp_venv"
    "$smtp_venv/bin/pip" install --quiet --disable-pip-version-check 'icalendar==7.3.0'
fi
