#!/usr/bin/env bash
# The pages of `parkland serve` end to end in headless Chromium (ctest test_e2e): a demo
# database from samples/ (as scripts/demo makes it), one account per role, then serve.mjs.
# usage: tests/e2e/run.sh PARKLAND_BINARY [SCREENSHOT.png]
# Exit 77 (skipped) when Chromium or tests/e2e/node_modules is missing (scripts/install-deps
# installs both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pl=$(realpath "$1")
shot=${2:-}
chrome=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chrome" ]; then echo "skipped: no Chromium at $chrome" >&2; exit 77; fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "skipped: no tests/e2e/node_modules (cd tests/e2e && npm ci)" >&2; exit 77
fi
if ! command -v node >/dev/null; then echo "skipped: no node" >&2; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/parkland.db"
export PARKLAND_DB="$db" PARKLAND="$pl" PARKLAND_USER=demo TZ=Asia/Shanghai LANGUAGE= LC_ALL=C.UTF-8
"$pl" init >/dev/null
"$pl" park add QDIP --name "青岛国际招商产业园(示范片区)" \
    --name-en "Qingdao International Investment Industrial Park (sample area)" --district 西海岸新区 >/dev/null
"$pl" import parcels "$root/samples/parcels.txt" --park QDIP >/dev/null
"$root/scripts/make-sample-projects" "$db" >/dev/null
printf 'e2e-pass-word\n' >"$work/pw"
for u in vera:viewer ivan:investment lena:land adam:admin; do
  "$pl" user add "${u%%:*}" --role "${u##*:}" --password-file "$work/pw" >/dev/null
done
CHROMIUM="$chrome" node "$here/serve.mjs" "$pl" "$db" "$work" "$root/tests/browser/png_stats.py" "$shot"
