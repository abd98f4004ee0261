#!/usr/bin/env bash
# Runs the whole test suite on AArch64 Linux under qemu-user:
#
#     deno task test:aarch64        (or: bash tools/test_aarch64.sh)
#
# Installs what is missing: Debian's qemu-user, libc6:arm64 and
# libgcc-s1:arm64 (after `dpkg --add-architecture arm64`), and Deno's own
# linux-arm64 build from the npm registry (@deno/linux-arm64-glibc, fetched
# with `npm pack` into .cache/, which git ignores). Then runs the flags of
# the `test` task from deno.json with --no-check (types are checked
# natively) under qemu-aarch64. There is no binfmt handler here, so tests
# that start a child Deno read the emulator command from JIT_MEMORY_EMULATOR.
set -euo pipefail
cd "$(dirname "$0")/.."

DENO_VERSION="2.9.5"
CACHE=".cache/deno-linux-arm64-${DENO_VERSION}"
ARM_DENO="${CACHE}/package/deno"
EMULATOR="qemu-aarch64"

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
  local missing=()
  command -v "${EMULATOR}" >/dev/null || missing+=(qemu-user)
  dpkg -s libc6:arm64 >/dev/null 2>&1 || missing+=(libc6:arm64)
  dpkg -s libgcc-s1:arm64 >/dev/null 2>&1 || missing+=(libgcc-s1:arm64)
  echo "${missing[@]}"
}

packages="$(missing_packages)"
if [[ -n "${packages}" ]]; then
  echo "test:aarch64: installing ${packages}" >&2
  as_root dpkg --add-architecture arm64
  as_root apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
    --no-install-recommends ${packages} >&2
fi

if [[ ! -x "${ARM_DENO}" ]]; then
  echo "test:aarch64: fetching @deno/linux-arm64-glibc@${DENO_VERSION}" >&2
  mkdir -p "${CACHE}"
  tarball="$(cd "${CACHE}" && npm pack --silent "@deno/linux-arm64-glibc@${DENO_VERSION}")"
  tar -xzf "${CACHE}/${tarball}" -C "${CACHE}"
  rm -f "${CACHE}/${tarball}"
  chmod +x "${ARM_DENO}"
fi

# The `test` task is "deno test <flags>"; run the same flags, unchecked.
test_task="$(node -e 'process.stdout.write(require("./deno.json").tasks.test)')"
read -r -a words <<<"${test_task}"
if [[ "${words[0]}" != "deno" || "${words[1]}" != "test" ]]; then
  echo "test:aarch64: the test task must start with 'deno test': ${test_task}" >&2
  exit 2
fi

export JIT_MEMORY_EMULATOR="${EMULATOR}"
echo "test:aarch64: ${EMULATOR} ${ARM_DENO} test --no-check ${words[*]:2} $*" >&2
exec "${EMULATOR}" "${ARM_DENO}" test --no-check "${words[@]:2}" "$@"
