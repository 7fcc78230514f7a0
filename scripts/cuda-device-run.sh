#!/usr/bin/env bash
# The device run: checks the SASS, then CudaCheck modes given as arguments; logs to $OUT.
set -o pipefail
cd "$(dirname "$0")"
python3 -c "import zipfile;open('/tmp/lowbit.fatbin','wb').write(zipfile.ZipFile('lowbit-all.jar').read('org/lowbit/harness/cuda/lowbit.fatbin'))"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee $OUT/gpu.txt
for a in sm_90a sm_100a sm_120a; do cuobjdump --list-elf /tmp/lowbit.fatbin | grep -c "$a" | sed "s/^/elf images $a: /"; done
cuobjdump --dump-sass /tmp/lowbit.fatbin > $OUT/sass.txt 2>&1; echo "sass lines: $(wc -l < $OUT/sass.txt)"
grep -c "F2FP.SATFINITE.E4M3" $OUT/sass.txt | sed 's/^/sm_* F2FP E4M3 SASS count: /'
awk '/arch = sm_100a/{f=1} /arch = sm_120a/{f=0} f' $OUT/sass.txt | grep -o "F2FP[.A-Z0-9_]*" | sort | uniq -c | head
LOWBIT_MAIN=org.lowbit.harness.cuda.CudaCheck ./lowbit "$@" 2>&1 | tee $OUT/check.log
