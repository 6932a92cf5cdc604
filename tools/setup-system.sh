#!/usr/bin/env bash
# Installs the system packages the WebGPU tests need (Debian's chromium ships the
# SwiftShader Vulkan driver that Dawn uses in Node; libvulkan1 is the loader).
# Idempotent: silent when everything is present. Runs from the root postinstall.
set -euo pipefail

wanted=(chromium libvulkan1)
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
((${#missing[@]})) || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: skipped installing ${missing[*]}: apt-get not found (not Debian?). WebGPU tests need them." >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: skipped installing ${missing[*]}: not root. Run 'sudo apt-get install -y ${missing[*]}' for the WebGPU tests." >&2
  exit 0
fi

echo "setup-system: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y "${missing[@]}" >/tmp/ufbert-apt.log 2>&1; then
  apt-get update >>/tmp/ufbert-apt.log 2>&1
  apt-get install -y "${missing[@]}" >>/tmp/ufbert-apt.log 2>&1 || {
    echo "setup-system: apt-get install ${missing[*]} failed; see /tmp/ufbert-apt.log" >&2
    exit 1
  }
fi
echo "setup-system: installed ${missing[*]}"
