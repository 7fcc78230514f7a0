#!/usr/bin/env bash
# Builds lowbit.fatbin (SASS for sm_90a, sm_100a, sm_120a, plus sm_120a PTX) from lowbit.cu with nvcc 13,
# --fmad=false and no fast-math, and checks it: every architecture's image is present (cuobjdump where it
# exists, else the ptxas command line the fatbin records) and the sm_100a/sm_120a PTX uses the native FP4,
# FP6 and E8M0 cvt while the sm_90a PTX uses the FP8 one. Called by the Maven build (harness/pom.xml).
#   build-fatbin.sh OUT_DIR     writes OUT_DIR/lowbit.fatbin; without nvcc says so in one line and exits 0.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-fatbin.sh OUT_DIR}
nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then
    echo "lowbit: nvcc not found: no CUDA fatbin built; the cuda target will report NOT_SUPPORTED"
    exit 0
fi
mkdir -p "$out"
fatbin=$out/lowbit.fatbin
# Up to date when newer than this script and every source (lowbit.cu and the .cuh files it includes).
if [ -f "$fatbin" ] && [ "$fatbin" -nt "$0" ] && [ -z "$(find "$src" -name '*.cu*' -newer "$fatbin")" ]; then
    exit 0
fi
flags=(-O3 --fmad=false -std=c++17)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$nvcc" "${flags[@]}" -fatbin -o "$work/lowbit.fatbin" \
    -gencode=arch=compute_90a,code=sm_90a \
    -gencode=arch=compute_100a,code=sm_100a \
    -gencode=arch=compute_120a,code='[sm_120a,compute_120a]' "$src/lowbit.cu"
for arch in 90a 100a 120a; do
    "$nvcc" "${flags[@]}" -ptx -o "$work/sm_$arch.ptx" -gencode=arch=compute_$arch,code=compute_$arch "$src/lowbit.cu"
done
fail() { echo "lowbit: fatbin check failed: $*" >&2; exit 1; }
for arch in 90a 100a 120a; do
    if command -v cuobjdump >/dev/null; then
        cuobjdump --list-elf "$work/lowbit.fatbin" | grep -q "sm_$arch" || fail "no sm_$arch SASS image"
    else
        grep -aq -- "-arch sm_$arch" "$work/lowbit.fatbin" || fail "no sm_$arch image (ptxas command line)"
    fi
done
grep -q 'cvt.rn.satfinite.e4m3x2.f32' "$work/sm_90a.ptx" || fail "sm_90a PTX lacks cvt.rn.satfinite.e4m3x2.f32"
grep -q 'e2m1x2' "$work/sm_90a.ptx" && fail "sm_90a PTX uses e2m1x2, which sm_90 lacks"
for arch in 100a 120a; do
    for cvt in 'cvt.rn.satfinite.e2m1x2.f32' 'cvt.rn.satfinite.e2m3x2.f32' 'cvt.rn.satfinite.e3m2x2.f32' \
               'cvt.rz.satfinite.ue8m0x2.f32' 'cvt.rp.satfinite.ue8m0x2.f32'; do
        grep -q "$cvt" "$work/sm_$arch.ptx" || fail "sm_$arch PTX lacks $cvt"
    done
done
mv "$work/lowbit.fatbin" "$fatbin"
echo "lowbit: built $(basename "$fatbin") ($(wc -c <"$fatbin") bytes): sm_90a, sm_100a, sm_120a SASS + compute_120a PTX; native FP4/FP6/E8M0 cvt checked in sm_100a/sm_120a PTX"
