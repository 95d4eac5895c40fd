#!/usr/bin/env bash
# po_complete.sh SOURCE_DIR — every message of the sources is in po/zh_CN.po,
# translated and not fuzzy, and the catalog compiles with its format strings
# checked (msgfmt --check: a translation with other % directives than its
# msgid would crash a printf). A message added by any branch without its
# translation fails here: run scripts/update-po and translate it.
set -euo pipefail
src=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parkland-po.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bash "$src/scripts/update-po" --pot "$tmp/parkland.pot" 2>"$tmp/xgettext.err" || { cat "$tmp/xgettext.err" >&2; exit 1; }
for po in "$src"/po/*.po; do
  name=${po##*/}
  msgmerge --quiet --no-wrap --no-fuzzy-matching -o "$tmp/$name" "$po" "$tmp/parkland.pot"
  missing=$(msgattrib --no-wrap --untranslated --no-obsolete "$tmp/$name" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --no-wrap --only-fuzzy --no-obsolete "$tmp/$name" | grep -c '^msgid ' || true)
  # the header entry counts once in each listing that is not empty
  [ "$missing" -gt 0 ] && missing=$((missing - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ "$missing" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    echo "po/$name: $missing message(s) of the sources missing or untranslated, $fuzzy fuzzy:" >&2
    msgattrib --no-wrap --untranslated --no-obsolete "$tmp/$name" | grep -A3 '^#:' | head -60 >&2
    msgattrib --no-wrap --only-fuzzy --no-obsolete "$tmp/$name" | grep -A2 '^#:' | head -20 >&2
    echo "run scripts/update-po and translate them in po/$name" >&2
    fail=1
  fi
  msgfmt --check -o /dev/null "$po" || { echo "po/$name: msgfmt --check refuses it" >&2; fail=1; }
done
[ "$fail" = 0 ] && echo "po_complete: 1 passed, 0 failed"
exit "$fail"
