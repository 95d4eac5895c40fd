#!/usr/bin/env bash
# serve_kill.sh — a SIGKILL of `parkland serve` while four clients write loses
# nothing that was answered 2xx (issue 14).
#
#   tests/serve_kill.sh PARKLAND WORKDIR
#
# Four clients (tests/serve_writers.py) add leads and move them to "visited"
# through the API, logging every 2xx answer before their next request. After
# about two seconds of writes the server gets SIGKILL. Then, on the database
# the killed server left behind:
#   - PRAGMA integrity_check is ok, and the database opens again (a new serve
#     answers /healthz, the CLI lists the leads);
#   - every lead whose add was answered 201 is there, once; every stage move
#     answered 200 is there (stage visited);
#   - at most one write per client was committed without its answer (the kill
#     came between the commit and the reply), and none is half-done: a lead is
#     there with its history row, or not at all.
set -euo pipefail
pl=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
db=$work/kill.db
printf 'writer-pass-1\n' >"$work/pw"
export PARKLAND_USER=tester LANGUAGE= LC_ALL=C.UTF-8
"$pl" --db "$db" init >/dev/null
"$pl" --db "$db" user add writer --role investment --password-file "$work/pw" >/dev/null

start_server() { # → $srv (pid), $port
  : >"$work/serve.log"
  "$pl" --db "$db" serve --listen 127.0.0.1:0 --threads 4 2>"$work/serve.log" &
  srv=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "serve did not start:"; cat "$work/serve.log"; exit 1; }
}

start_server
python3 "$here/serve_writers.py" --port "$port" --user writer --password-file "$work/pw" \
  --clients 4 --seconds 60 --prefix K --log "$work/answered.log" >"$work/writers.out" 2>"$work/writers.err" &
writers=$!
# let the writes run: at least 40 answered, then kill in the middle of the stream
for _ in $(seq 200); do
  [ -f "$work/answered.log" ] && [ "$(wc -l <"$work/answered.log")" -ge 40 ] && break
  sleep 0.05
done
kill -KILL "$srv"
wait "$srv" 2>/dev/null || true
wait "$writers" || { echo "writers:"; cat "$work/writers.out" "$work/writers.err"; exit 1; }
echo "writers: $(cat "$work/writers.out")"
answered=$(wc -l <"$work/answered.log")
[ "$answered" -ge 40 ] || { echo "only $answered writes were answered before the kill"; cat "$work/writers.err"; exit 1; }

ic=$(sqlite3 "$db" 'PRAGMA integrity_check')
[ "$ic" = ok ] || { echo "integrity_check after SIGKILL: $ic"; exit 1; }

# the database serves again
start_server
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "healthz after restart failed"; exit 1; }
kill -TERM "$srv"
wait "$srv"

"$pl" --db "$db" lead list --search K- --format json >"$work/leads.json"
sqlite3 "$db" "SELECT l.code, count(h.id) FROM lead l LEFT JOIN history h ON h.entity = 'lead' AND h.entity_id = l.id GROUP BY l.id" >"$work/lead-history.txt"
python3 - "$work/answered.log" "$work/leads.json" "$work/lead-history.txt" <<'PY'
import json, sys
answered, leads_json, hist = sys.argv[1:4]
adds, stages = set(), set()
for line in open(answered, encoding="utf-8"):
    kind, code = line.split()
    (adds if kind == "add" else stages).add(code)
leads = json.load(open(leads_json, encoding="utf-8"))
codes = [l["code"] for l in leads]
stage = {l["code"]: l["stage"] for l in leads}
history = dict(line.rsplit("|", 1) for line in open(hist, encoding="utf-8").read().split())
bad = []
if len(codes) != len(set(codes)):
    bad.append("a lead is there twice")
lost = sorted(adds - set(codes))
if lost:
    bad.append(f"answered 201 but missing: {lost[:10]} ({len(lost)})")
unstaged = sorted(c for c in stages if stage.get(c) != "visited")
if unstaged:
    bad.append(f"stage answered 200 but not visited: {unstaged[:10]}")
extra = sorted(set(codes) - adds)
if len(extra) > 4:
    bad.append(f"{len(extra)} leads committed without an answer (at most one per client): {extra[:10]}")
nohist = sorted(c for c in codes if int(history.get(c, 0)) < 1)
if nohist:
    bad.append(f"leads without their history row: {nohist[:10]}")
print(f"answered adds={len(adds)} stages={len(stages)}; in the database: {len(codes)} leads "
      f"({len(extra)} committed without an answer)")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
echo "serve_kill: nothing answered was lost"
