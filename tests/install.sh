#!/usr/bin/env bash
# install.sh SOURCE_DIR [C_COMPILER [C_FLAGS]] — the installed parkland works on its own.
#
# Configures and builds the command and the library in a temporary build tree,
# runs `cmake --install` into a temporary prefix, removes the build tree, and
# runs the installed program through init (which loads the national control
# table from PREFIX/share/parkland), park add, the import of a sample and a
# `parcel indicators` call whose warning comes from that table. Then the prefix
# is moved (the data is found relative to the program, not by a path compiled
# in), and without its data file init is refused with the directories named.
# Also: the public headers compile on their own, and the manual page names
# every command that `parkland --help` lists, and the Chinese messages are found
# beside the moved program. ctest runs it (tests/CMakeLists.txt).
set -euo pipefail
src=$(cd "$1" && pwd)
cc=${2:-cc}
cflags=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parkland-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }

build=$tmp/build prefix=$tmp/prefix
# -O0: this build is about what gets installed, not speed (about half the time of -O2)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
      -DPARKLAND_TESTS=OFF -DPARKLAND_BENCH=OFF -DPARKLAND_SANITIZE=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null
cmake --install "$build" --prefix "$prefix" >/dev/null
rm -rf "$build"

for f in bin/parkland lib/libparkland.a include/parkland/db.h include/parkland/error.h \
         share/parkland/national_controls.csv share/man/man1/parkland.1 share/locale/zh_CN/LC_MESSAGES/parkland.mo; do
  [ -f "$prefix/$f" ] || fail "'$f' was not installed"
done
for h in "$prefix"/include/parkland/*.h; do
  printf '#include <parkland/%s>\nint main(void) { return 0; }\n' "${h##*/}" |
    "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" -x c - ||
    fail "the installed header '${h##*/}' does not compile on its own"
done

# a program of one's own links the installed libparkland.a (every layer is in it) through pkg-config (a static library: its dependencies are Requires, not private)
cat >"$tmp/own.c" <<'C'
#include <parkland/db.h>
#include <parkland/number.h>
#include <stdio.h>
int main(void)
{
    char buf[32];
    pl_library_init();
    pl_format_fixed(buf, sizeof buf, 2.5, 2);
    puts(buf);
    pl_library_shutdown();
    return 0;
}
C
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs parkland) ||
  fail "pkg-config does not find the installed parkland.pc"
# shellcheck disable=SC2086
"$cc" -std=c11 -o "$tmp/own" "$tmp/own.c" $flags || fail "a program does not link the installed libparkland.a"
[ "$("$tmp/own")" = 2.50 ] || fail "the program linked with libparkland.a printed '$("$tmp/own")', not 2.50"

unset PARKLAND_DATA_DIR PARKLAND_DB
cd "$tmp"
run() { # the installed program; its output on failure
  "$pl" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "'parkland $*' failed"; }
}
pl=$prefix/bin/parkland
run --db t.db init
run --db t.db park add QDIP --name 示范园区
run --db t.db import parcels "$src/samples/parcels.txt"
grep -q 'inserted 48' "$tmp/out" || fail "the sample import: $(cat "$tmp/out")"
run --db t.db parcel indicators QDIP-2024-001 --industry-code 13 --edition 2002 --far-min 0.5 --note 'install test'
grep -q 'below the national minimum 1 (GB/T 4754-2002 13 农副食品加工业' "$tmp/out" ||
  fail "no warning from the national control table: $(cat "$tmp/out")"

# the commands of --help, each in the manual page
run --help
cmds=$(sed -n '/^commands/,/^$/{/^  /p}' "$tmp/out" | awk '{ print $1 }')
[ "$(echo "$cmds" | wc -l)" -ge 10 ] || fail "no command list in --help: $(cat "$tmp/out")"
for c in $cmds; do
  grep -qx "\.B $c" "$prefix/share/man/man1/parkland.1" || fail "the manual page does not describe '$c'"
done

# the prefix moved elsewhere: the data still found beside the program
mv "$prefix" "$tmp/moved"
pl=$tmp/moved/bin/parkland
run --db moved.db init
# and its Chinese messages (the catalog beside the program, no zh_CN locale needed)
LC_ALL= LANG=zh_CN.UTF-8 run --db moved.db park list
grep -q '^代码  名称' "$tmp/out" || fail "no Chinese headers from the moved prefix: $(cat "$tmp/out")"
if "$pl" --lang zh --db absent.db park list >"$tmp/out" 2>"$tmp/err"; then fail "park list without a database succeeded"; fi
grep -q '没有数据库“absent.db”' "$tmp/err" || fail "no Chinese message from the moved prefix: $(cat "$tmp/err")"
# without its data file: refused, naming where it looked
rm "$tmp/moved/share/parkland/national_controls.csv"
if "$pl" --db nodata.db init >"$tmp/out" 2>"$tmp/err"; then fail "init without the data file succeeded"; fi
grep -q "cannot find the data file 'national_controls.csv' in '$tmp/moved/share/parkland'" "$tmp/err" ||
  fail "init without the data file: $(cat "$tmp/err")"
[ ! -e nodata.db ] || fail "init without the data file left 'nodata.db' behind"
echo "install.sh: installed, build tree removed, the installed program works"
