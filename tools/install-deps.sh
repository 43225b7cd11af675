#!/usr/bin/env bash
# Installs the Debian packages fwprov needs, only those missing. Sourced or run by
# test.sh, demo.sh and bench.sh; idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

FWPROV_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libssl-dev openssl libcli11-dev nlohmann-json3-dev libfmt-dev catch2 zlib1g-dev
  libmbedtls-dev libserialport-dev libtomlplusplus-dev libsqlite3-dev sqlite3
  clang libclang-rt-14-dev
  nodejs npm python3
  dpkg-dev file lintian man-db zsh
)
# Installed with --no-install-recommends (opensc would pull in pcscd): the PKCS#11 header
# (libp11-kit-dev), SoftHSM2 for the HSM tests, pkcs11-tool (opensc) to store a certificate
# in a test token. libpq's header for the PostgreSQL ledger (libpq itself is loaded at run
# time) and the PostgreSQL server the ledger tests start a throwaway cluster of.
FWPROV_PACKAGES_NO_RECOMMENDS=(libp11-kit-dev softhsm2 opensc libpq-dev postgresql)

missing=()
for package in "${FWPROV_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node and npm may come from outside Debian (nvm, a tarball): a working `node` counts as present.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for package in "${missing[@]}"; do
    [[ "$package" == nodejs || "$package" == npm ]] || filtered+=("$package")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

missing_no_recommends=()
for package in "${FWPROV_PACKAGES_NO_RECOMMENDS[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing_no_recommends+=("$package")
done
if [ "${#missing_no_recommends[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing_no_recommends[*]} (no recommends)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing_no_recommends[@]}" >/dev/null
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
