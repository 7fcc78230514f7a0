#!/bin/sh
# Corruption tests of the C reader: each case corrupts a temporary copy of the vector set and checks
# that the reader refuses it (exit 2) with a message that names the file and the problem. The set
# given is never modified.
#
#   sh tests/corruption.sh READER GOLDEN
#
# Needs only POSIX sh, coreutils (cp, head, od, sha256sum, wc) and sed.
set -u
READER=$1
GOLDEN=$2
case $READER in /*) ;; *) READER=$(pwd)/$READER ;; esac
[ -f "$GOLDEN/manifest.json" ] || { echo "corruption.sh: no vector set at $GOLDEN" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lowbit-c-corruption.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0

fresh() {
    rm -rf "$TMP/set"
    cp -R "$GOLDEN" "$TMP/set"
}

# The smallest decode JSON file, and its twin.
VICTIM=$(cd "$GOLDEN" && ls -S decode/*.json | tail -n 1)
TWIN=${VICTIM%.json}.txt

# After an edit on purpose, make manifest.json and SHA256SUMS agree with the file again, so that only
# the edit itself can be refused.
reseal() {
    f=$1
    sha=$(sha256sum "$TMP/set/$f" | cut -d' ' -f1)
    size=$(wc -c < "$TMP/set/$f" | tr -d ' ')
    sed -i "s|\\(\"path\": \"$f\", \"sha256\": \"\\)[0-9a-f]*\\(\", \"bytes\": \\)[0-9]*|\\1$sha\\2$size|" "$TMP/set/manifest.json"
    msha=$(sha256sum "$TMP/set/manifest.json" | cut -d' ' -f1)
    sed -i -e "s|^[0-9a-f]*  $f\$|$sha  $f|" -e "s|^[0-9a-f]*  manifest.json\$|$msha  manifest.json|" "$TMP/set/SHA256SUMS"
}

# expect NAME STATUS TEXT...: runs the reader on the temporary set; the exit status must be STATUS and
# one output line must contain every TEXT.
expect() {
    name=$1
    want=$2
    shift 2
    "$READER" --quiet "$TMP/set" > "$TMP/out" 2>&1
    got=$?
    ok=1
    [ "$got" -eq "$want" ] || ok=0
    line=""
    if [ $ok -eq 1 ]; then
        line=$(cat "$TMP/out")
        for t in "$@"; do
            line=$(printf '%s\n' "$line" | grep -F -- "$t")
        done
        [ -n "$line" ] || ok=0
    fi
    if [ $ok -eq 1 ]; then
        pass=$((pass + 1))
        printf 'ok   %-44s exit %d: %s\n' "$name" "$got" "$(printf '%s\n' "$line" | head -n 1)"
    else
        fail=$((fail + 1))
        printf 'FAIL %-44s exit %d (wanted %d and a line with: %s)\n' "$name" "$got" "$want" "$*"
        sed 's/^/     | /' "$TMP/out" | tail -n 15
    fi
}

flip_byte() { # flip_byte FILE OFFSET: xor the byte at OFFSET with 0x01
    f=$1
    off=$2
    b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
    n=$((b ^ 1))
    head -c "$off" "$f" > "$TMP/x"
    printf "$(printf '\\%03o' "$n")" >> "$TMP/x"
    tail -c +"$((off + 2))" "$f" >> "$TMP/x"
    cp "$TMP/x" "$f"
}

truncate_half() {
    f=$1
    size=$(wc -c < "$f" | tr -d ' ')
    head -c "$((size / 2))" "$f" > "$TMP/x"
    cp "$TMP/x" "$f"
}

fresh
expect "the committed set passes" 0 "OK"

fresh
flip_byte "$TMP/set/$VICTIM" $(( $(wc -c < "$TMP/set/$VICTIM") / 2 ))
expect "flipped byte in a vector file" 2 "REFUSED $VICTIM" "SHA-256 mismatch"

fresh
flip_byte "$TMP/set/$TWIN" 3
expect "flipped byte in a text twin" 2 "REFUSED $TWIN" "SHA-256 mismatch"

fresh
truncate_half "$TMP/set/$VICTIM"
expect "truncated vector file" 2 "REFUSED $VICTIM" "size is"

fresh
truncate_half "$TMP/set/$VICTIM"
reseal "$VICTIM"
expect "truncated file, manifest resealed" 2 "REFUSED $VICTIM" "not valid JSON" "truncated"

fresh
sed -i 's/"schema": "lowbit-vectors-v1"/"schema": "lowbit-vectors-v2"/' "$TMP/set/$VICTIM"
expect "wrong schema id (checksum first)" 2 "REFUSED $VICTIM" "SHA-256 mismatch"
reseal "$VICTIM"
expect "wrong schema id, manifest resealed" 2 "REFUSED $VICTIM" 'schema is "lowbit-vectors-v2"'

fresh
sed -i 's/"suiteVersion": "0\./"suiteVersion": "1./' "$TMP/set/$VICTIM"
reseal "$VICTIM"
expect "wrong suite major version" 2 "REFUSED $VICTIM" "major version 1"

fresh
sed -i 's/"numberOfTests": \([0-9]*\)/"numberOfTests": 1\1/' "$TMP/set/$VICTIM"
reseal "$VICTIM"
expect "numberOfTests does not match the tests" 2 "REFUSED $VICTIM" "numberOfTests"

fresh
sed -i '0,/"result": "valid"}/s/"result": "valid"}/"result": "valid", "extra": "x"}/' "$TMP/set/$VICTIM"
reseal "$VICTIM"
expect "an unknown field" 2 "REFUSED $VICTIM" 'unknown field "extra"'

fresh
sed -i 's/"schema": "lowbit-vectors-manifest-v1"/"schema": "lowbit-vectors-manifest-v9"/' "$TMP/set/manifest.json"
expect "wrong manifest schema" 2 "REFUSED manifest.json" "schema is"

fresh
truncate_half "$TMP/set/manifest.json"
expect "truncated manifest" 2 "REFUSED manifest.json" "not valid JSON"

fresh
rm "$TMP/set/$VICTIM"
expect "missing vector file" 2 "REFUSED $VICTIM" "cannot be read"

fresh
echo '{}' > "$TMP/set/decode/extra.json"
expect "unlisted file" 2 "REFUSED decode/extra.json" "not listed"

fresh
sed -i -e '1s/^0/X/' -e '1s/^[1-9a-f]/0/' -e '1s/^X/1/' "$TMP/set/SHA256SUMS"
expect "SHA256SUMS disagrees with the manifest" 2 "REFUSED SHA256SUMS"

fresh
sed -i '0,/"result": "valid"}/s/"expected": "\([0-9a-f]\)\([0-9a-f]*\)", "result": "valid"}/"expected": "f\2", "result": "valid"}/' "$TMP/set/$VICTIM"
reseal "$VICTIM"
sed -i '0,/^[0-9]/s/^\(\([^ ]* \)\{4\}\)[0-9a-f]/\1f/' "$TMP/set/$TWIN"
reseal "$TWIN"
expect "a wrong expected value is a mismatch" 1 "MISMATCH $VICTIM tcId"

fresh
sed -i '0,/^[0-9]/s/^\([0-9]* [a-z]* [^ ]* [0-9a-f]* \)[0-9a-f]/\1f/' "$TMP/set/$TWIN"
reseal "$TWIN"
expect "a twin line that differs from its JSON" 2 "REFUSED $TWIN" "differs from its JSON test"

# A changed expected byte of a suite-0.2.0 type (weight-pack qweight), checksums updated: a mismatch.
WPACK=$(cd "$GOLDEN" && ls -S weightpack/*.json 2>/dev/null | tail -n 1)
if [ -n "$WPACK" ]; then
    WTWIN=${WPACK%.json}.txt
    fresh
    old=$(grep -o -m 1 '"qweight": "[0-9a-f]' "$TMP/set/$WPACK" | tail -c 2)
    new=0
    [ "$old" = 0 ] && new=1
    sed -i "0,/\"qweight\": \"[0-9a-f]/s/\"qweight\": \"[0-9a-f]/\"qweight\": \"$new/" "$TMP/set/$WPACK"
    reseal "$WPACK"
    sed -i "0,/^[0-9]/s/^\(\([^ ]* \)\{4\}\)[0-9a-f]/\1$new/" "$TMP/set/$WTWIN"
    reseal "$WTWIN"
    expect "a wrong weight-pack byte is a mismatch" 1 "MISMATCH $WPACK tcId 1"
else
    echo "skip a wrong weight-pack byte is a mismatch (no weightpack/ files in the set)"
fi

echo "corruption tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
