#!/usr/bin/env bash
# golden.sh — golden outputs of the main tables at fixed widths. The sample
# database of scripts/demo (48 parcels, leads and projects of
# scripts/make-sample-projects) is built once; then each tests/data/golden/*.txt
# is a case: its first line is the command, e.g.
#   $ COLUMNS=80 parkland --lang zh parcel list --park QDIP
# (no quoting: the arguments are split at blanks), the rest is the exact
# standard output expected. COLUMNS=0 means no COLUMNS at all. Every case
# names its language with --lang (the environment's is neutralised), and the
# files are NAME.LANG.WIDTH.txt: the main tables at 80 and 120 columns, in
# English and in Chinese.
# Usage: golden.sh SOURCE_DIR PARKLAND_BIN WORK_DIR   (GOLDEN_UPDATE=1 rewrites the files)
set -euo pipefail
src=$1 bin=$2 work=$3
mkdir -p "$work"
db="$work/golden.db"
rm -f "$db" "$db-wal" "$db-shm"
export PARKLAND_DB="$db" PARKLAND="$bin" PARKLAND_USER=golden
unset COLUMNS LANGUAGE LC_MESSAGES LANG
export LC_ALL=C.UTF-8
"$bin" init >/dev/null
"$bin" park add QDIP --name "青岛国际招商产业园(示范片区)" --name-en "Qingdao International Investment Industrial Park (sample area)" --district 西海岸新区 >/dev/null
"$bin" import parcels "$src/samples/parcels.txt" --park QDIP >/dev/null
"$src/scripts/make-sample-projects" "$db" >/dev/null
"$bin" import annual "$src/samples/annual-2026.csv" >/dev/null   # as scripts/demo does
fail=0 n=0
# the samples record land approvals: the demo's ledger has parcels approved, not supplied (批而未供)
row=$("$bin" report ledger --as-of 2026-11-28 --format csv --keys | grep '^QDIP,approved_unsupplied,' || true)
count=$(printf '%s' "$row" | awk -F, '{print $(NF - 3)}') # parcels, before area_mu, area_ha, share_pct
[ -n "$count" ] && [ "$count" -gt 0 ] ||
    { echo "golden: the sample ledger has no parcel approved, not supplied: '$row'" >&2; fail=$((fail + 1)); }
for f in "$src"/tests/data/golden/*.txt; do
    n=$((n + 1))
    read -r -a words < <(head -n 1 "$f")
    [ "${words[0]}" = '$' ] && [ "${words[1]%%=*}" = COLUMNS ] && [ "${words[2]}" = parkland ] ||
        { echo "golden: $f: the first line must be '\$ COLUMNS=N parkland ARGS'" >&2; exit 2; }
    [ "${words[3]:-}" = --lang ] && [ -n "${words[4]:-}" ] ||
        { echo "golden: $f: the command must set the language: '\$ COLUMNS=N parkland --lang LL ARGS'" >&2; exit 2; }
    cols=${words[1]#COLUMNS=}
    args=("${words[@]:3}")
    if [ "$cols" = 0 ]; then
        got=$("$bin" "${args[@]}"; echo x) || true
    else
        got=$(COLUMNS=$cols "$bin" "${args[@]}"; echo x) || true
    fi
    got=${got%x}
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        { head -n 1 "$f"; printf '%s' "$got"; } > "$f.new" && mv "$f.new" "$f"
        continue
    fi
    want=$(tail -n +2 "$f"; echo x)
    want=${want%x}
    if [ "$got" != "$want" ]; then
        echo "golden: $(basename "$f"): output differs:" >&2
        diff <(printf '%s' "$want") <(printf '%s' "$got") >&2 || true
        fail=$((fail + 1))
    fi
done
[ "${GOLDEN_UPDATE:-0}" = 1 ] && { echo "golden: $n files rewritten"; exit 0; }
echo "golden: $n cases, $fail failed"
[ "$fail" = 0 ]
