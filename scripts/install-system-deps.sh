#!/usr/bin/env bash
# Debian packages the test suite needs: Go and govmomi's simulator sources (vSphere simulator for the
# preflight tests) and Graphviz (topology diagram). With the argument `openstack`, also MariaDB and
# RabbitMQ for the real OpenStack services of sim/openstack (run as sim/openstack's own processes: the
# system services are neither enabled nor started here). Installs only what is missing; needs root or sudo.
set -euo pipefail
packages=(golang-go golang-github-vmware-govmomi-dev graphviz)
for group in "$@"; do
  case "$group" in
    openstack) packages+=(mariadb-server mariadb-client rabbitmq-server) ;;
    *) echo "install-system-deps.sh: unknown group '$group' (known: openstack)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
# policy-rc.d exit 101: Debian's maintainer scripts must not start mariadb/rabbitmq as system services
# (sim/openstack runs its own on loopback); removed again whatever happens.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
