#!/bin/sh
# gen_vmlinux.sh: regenerate the checked-in bpf/vmlinux/<arch>/vmlinux.h from the running
# kernel's BTF (or from the BTF file given as $1), so that building vigil needs no BTF on
# the build host. Run it on a kernel with CONFIG_DEBUG_INFO_BTF after a kernel upgrade whose
# new types or fields the BPF programs want; CO-RE relocates the rest at load time.
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
arch=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bpf/vmlinux/$arch/vmlinux.h"

[ -r "$btf" ] || { echo "gen_vmlinux: cannot read BTF at $btf" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "gen_vmlinux: bpftool not found (apt-get install bpftool)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "gen_vmlinux: wrote $out ($(wc -l < "$out") lines, kernel $(uname -r))"
