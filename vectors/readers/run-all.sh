#!/usr/bin/env bash
# Runs both golden-vector readers and their tests, with no Java:
#   1. the Python reader on the vector set;
#   2. the Python unit tests (SPEC.md's examples, the set, corruption of temporary copies);
#   3. make -C c test: the C unit tests, the C reader on the set and its corruption tests, then all of
#      it again under -fsanitize=address,undefined.
#
#   vectors/readers/run-all.sh [SET]        SET defaults to vectors/golden; it is never modified.
#
# Needs python3 (3.8+, standard library only), gcc (or CC), make, POSIX sh, coreutils and sed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
set_dir=$(cd "${1:-$here/../golden}" && pwd)
export LOWBIT_GOLDEN=$set_dir

for tool in python3 "${CC:-gcc}" make sed sha256sum; do
    command -v "$tool" > /dev/null || { printf 'run-all.sh: %s is not installed; the readers need it\n' "$tool" >&2; exit 2; }
done

now() { date +%s; }
start=$(now)

printf '==> python reader on %s\n' "$set_dir"
python3 -B "$here/python/lowbit_reader.py" "$set_dir"

printf '\n==> python unit and corruption tests\n'
(cd "$here/python" && python3 -B -m unittest)

printf '\n==> C reader: make -C vectors/readers/c test\n'
make -C "$here/c" --no-print-directory test GOLDEN="$set_dir"

printf '\n==> readers: all passed in %ss\n' "$(($(now) - start))"
