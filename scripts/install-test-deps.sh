#!/usr/bin/env bash
# Installs what the test tiers need beyond npm packages, from Debian's packages:
# mosquitto (an external MQTT broker for the --broker end-to-end test), socat (pseudo-terminal
# pairs for the firmware bridge's end-to-end test over a real serial line) and chromium (the
# browser that playwright-core drives in the console's end-to-end test and bench:console) and
# openssl (scripts/make-certificates.sh, which the TLS tests run).
# Safe to run again; does nothing when everything is present.
set -euo pipefail

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: nothing to install"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: need root to install ${need[*]} (run: sudo $0)" >&2
  exit 1
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
# The package starts a broker service on port 1883 where an init system runs; the tests
# start their own on ephemeral ports, and `npm start` wants 1883 for the embedded broker.
if command -v systemctl >/dev/null 2>&1; then systemctl stop mosquitto 2>/dev/null || true; systemctl disable mosquitto 2>/dev/null || true; fi
if command -v service >/dev/null 2>&1; then service mosquitto stop 2>/dev/null || true; fi
