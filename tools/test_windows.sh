#!/usr/bin/env bash
# Runs the whole test suite on Windows x64: Deno's own Windows build under
# Wine 10.
#
#     deno task test:windows        (or: bash tools/test_windows.sh [files])
#     bash tools/test_windows.sh --run deno.exe-arguments...
#
# Debian 12's Wine 8 cannot start V8 (it refuses MEM_RESERVE_PLACEHOLDER),
# so Wine comes from a Debian 13 (trixie) chroot. Installs what is missing,
# and keeps it for the next run, under JIT_MEMORY_WINDOWS_CACHE (default
# ~/.cache/jit-memory-windows, outside the repository):
#   - Debian's debootstrap, on the host;
#   - trixie/ : a minimal trixie made with debootstrap from the mirror apt
#     uses here, with wine and wine64 inside, and a Wine prefix;
#   - deno.exe from the npm registry (@deno/win32-x64, via `npm pack`).
# The repository is bind-mounted into the chroot (drive Z: to Windows) and
# the suite runs with the flags of the `test` task, unchecked (types are
# checked natively). Everything mounted is unmounted again on exit, and
# the 93 MB `node.exe.tmp-*` files Deno for Windows leaves per run are
# deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

DENO_VERSION="2.9.5"
CACHE="${JIT_MEMORY_WINDOWS_CACHE:-${HOME}/.cache/jit-memory-windows}"
ROOT="${CACHE}/trixie"
DENO_EXE="/opt/deno-${DENO_VERSION}/deno.exe" # inside the chroot
# The repository, inside the chroot: one mount point per clone, so that
# runs from different clones at once each see their own.
WORK="/jit-memory-$(printf '%s' "${REPO}" | md5sum | cut -c1-12)"
PREFIX="/root/wine-jit-memory"                # the Wine prefix, inside it
CA_BUNDLE="/etc/ssl/jit-memory-ca.crt"        # the host's CAs, inside it

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

log() { echo "test:windows: $*" >&2; }

# The Debian mirror apt uses on this host (deb822 or one-line format).
host_mirror() {
  local uri
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -v security | head -n 1 || true)"
  if [[ -z "${uri}" ]]; then
    uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null |
      awk '{print $2}' | grep -v security | head -n 1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    as_root umount -R "${mounted[i]}" 2>/dev/null ||
      as_root umount -lR "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
}

mount_once() { # mount_once TARGET mount-arguments...
  local target="$1"
  shift
  mountpoint -q "${target}" && return 0
  as_root mkdir -p "${target}"
  as_root mount "$@" "${target}"
  mounted+=("${target}")
}

in_root() { as_root chroot "${ROOT}" /usr/bin/env -i \
  HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
  LANG=C.UTF-8 "$@"; }

wine_env=(
  XDG_RUNTIME_DIR=/tmp/wine-runtime WINEPREFIX="${PREFIX}" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
  SSL_CERT_FILE="${CA_BUNDLE}" DENO_CERT="${CA_BUNDLE}" NO_COLOR=1 DENO_NO_UPDATE_CHECK=1
)

# Runs at once share the chroot: each holds a shared lock (9) from before
# its setup to its end, and only the last to finish (the one that can then
# take it alone) stops Wine and unmounts. Setup itself, which may build or
# mount, is one run at a time (lock 8).
mkdir -p "${CACHE}"
exec 9>"${CACHE}/lock" 8>"${CACHE}/setup.lock"

cleanup() {
  flock -u 9
  if ! flock -xn 9; then
    return # another run still uses the chroot (perhaps this clone's mount)
  fi
  if [[ -d "${ROOT}${PREFIX}" ]]; then
    # Deno for Windows unpacks a node.exe per run and never deletes it.
    find "${ROOT}${PREFIX}/drive_c" -name 'node.exe.tmp-*' -delete \
      2>/dev/null || true
  fi
  if mountpoint -q "${ROOT}/proc" 2>/dev/null; then
    in_root "${wine_env[@]}" wineserver -k >/dev/null 2>&1 || true
  fi
  unmount_all
  # Mounts made by earlier runs that ended with others still running.
  local target
  for target in "${ROOT}"/jit-memory-* "${ROOT}/dev" "${ROOT}/sys" \
    "${ROOT}/proc"; do
    if mountpoint -q "${target}"; then
      as_root umount -R "${target}" 2>/dev/null ||
        as_root umount -lR "${target}" 2>/dev/null || true
    fi
  done
  return 0
}
trap cleanup EXIT

setup() {
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
      --no-install-recommends debootstrap >&2
  fi
  if [[ ! -e "${ROOT}/.debootstrap-done" ]]; then
    local mirror
    mirror="$(host_mirror)"
    log "debootstrap trixie from ${mirror} into ${ROOT}"
    # Never delete through a mount (the repository, /dev) left inside.
    if [[ -d "${ROOT}" ]] && findmnt -rn -o TARGET | grep -q "^${ROOT}/"; then
      log "refusing to rebuild ${ROOT}: something is mounted inside it"
      exit 2
    fi
    as_root rm -rf "${ROOT}"
    as_root mkdir -p "${ROOT}"
    as_root debootstrap --variant=minbase trixie "${ROOT}" "${mirror}" >&2
    as_root touch "${ROOT}/.debootstrap-done"
  fi

  mount_once "${ROOT}/proc" -t proc proc
  mount_once "${ROOT}/sys" -t sysfs sysfs
  mount_once "${ROOT}/dev" --rbind /dev
  mount_once "${ROOT}${WORK}" --bind "${REPO}"
  as_root mkdir -p -m 700 "${ROOT}/tmp/wine-runtime"
  as_root cp /etc/resolv.conf "${ROOT}/etc/resolv.conf" 2>/dev/null || true
  as_root mkdir -p "$(dirname "${ROOT}${CA_BUNDLE}")"
  as_root cp /etc/ssl/certs/ca-certificates.crt "${ROOT}${CA_BUNDLE}"

  if [[ ! -e "${ROOT}/.wine-done" ]]; then
    log "installing wine and wine64 in the chroot"
    in_root apt-get update -qq >&2
    in_root DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends wine wine64 >&2
    as_root touch "${ROOT}/.wine-done"
  fi

  if [[ ! -e "${ROOT}${DENO_EXE}" ]]; then
    log "fetching @deno/win32-x64@${DENO_VERSION}"
    local tmp tarball
    tmp="$(mktemp -d)"
    tarball="$(cd "${tmp}" && npm pack --silent "@deno/win32-x64@${DENO_VERSION}")"
    tar -xzf "${tmp}/${tarball}" -C "${tmp}"
    as_root mkdir -p "$(dirname "${ROOT}${DENO_EXE}")"
    as_root cp "${tmp}/package/deno.exe" "${ROOT}${DENO_EXE}"
    rm -rf "${tmp}"
  fi

  if [[ ! -e "${ROOT}${PREFIX}/.jit-memory-prefix-done" ]]; then
    log "creating the Wine prefix"
    in_root "${wine_env[@]}" wine wineboot -u >/dev/null 2>&1 || true
    # No debugger on a crash: the process ends at once, with the exception
    # code (0xC0000005, 0x80000003) as its exit code, as on Windows without
    # a registered debugger.
    in_root "${wine_env[@]}" wine reg delete \
      'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
      /v Debugger /f >/dev/null 2>&1 || true
    as_root touch "${ROOT}${PREFIX}/.jit-memory-prefix-done"
  fi
}

# Runs deno.exe with the given arguments in the repository, under Wine.
run_deno() {
  as_root chroot "${ROOT}" /usr/bin/env -i \
    HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    "${wine_env[@]}" ${JIT_MEMORY_TEST_FILTER:+JIT_MEMORY_TEST_FILTER="${JIT_MEMORY_TEST_FILTER}"} \
    JIT_MEMORY_WINE=1 \
    /bin/sh -c 'cd "$0" && exec wine "$@"' "${WORK}" "${DENO_EXE}" "$@"
}

flock -s 9
flock -x 8
setup
flock -u 8
if [[ "${1:-}" == "--setup-only" ]]; then
  exit 0
fi
if [[ "${1:-}" == "--run" ]]; then
  shift
  run_deno "$@"
  exit $?
fi

# The `test` task is "deno test <flags>"; run the same flags, unchecked.
test_task="$(node -e 'process.stdout.write(require("./deno.json").tasks.test)')"
read -r -a words <<<"${test_task}"
if [[ "${words[0]}" != "deno" || "${words[1]}" != "test" ]]; then
  log "the test task must start with 'deno test': ${test_task}"
  exit 2
fi
log "wine ${DENO_EXE} test --no-check ${words[*]:2} $*"
run_deno test --no-check "${words[@]:2}" "$@"
