#!/usr/bin/env bash
# Debian packages the test suite needs: Go and govmomi's simulator sources (vSphere simulator for the
# preflight tests) and Graphviz (topology diagram). Installs only what is missing; needs root or sudo.
set -euo pipefail
packages=(golang-go golang-github-vmware-govmomi-dev graphviz)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
