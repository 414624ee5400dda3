#!/usr/bin/env bash
# Installs every system tool the test suites drive (Debian packages). Without them `npm test` skips
# the suites that need them, naming what is missing; CI (CI=true) fails instead, so .ci/run runs this.
# python3-twisted is for `npm run bench` only: its Twisted Conch column (bench/twistedServer.py).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(telnet expect openssh-client sshpass putty-tools chromium fonts-liberation tmux tintin++
  python3-paramiko python3-asyncssh ssh-audit redis-server python3-twisted)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
