#!/usr/bin/env python3
"""serve_writers.py — clients that write leads to a running `parkland serve`.

Each client logs in with its own session, then repeats: add a lead
(POST /api/v1/leads, expects 201), move it to "visited" (PATCH
/api/v1/leads/CODE with a stage, expects 200). Every answer 2xx is appended to
LOG at once (one line "add CODE" or "stage CODE", flushed and fsync'ed before the
next request), so that a reader can check, after the server ran or was killed,
that each answered write is in the database.

  serve_writers.py --port P --user U --password-file F --log LOG
                   [--clients 4] [--seconds S | --count N] [--prefix W] [--rate R]

--rate R: each client sends at most R writes a second (paced: a write every
1/R s); 0, the default, writes as fast as the answers come.

Prints one line: "writes=N ok=N failed=N refused=N" (failed: no answer — the
server went away; refused: an answer that is not 2xx; a 429 or 503 is asked
again after 50 ms). Exit 0 unless a client could not log in, or an answer was a
refusal (4xx/5xx) other than 503/429.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--prefix", default="W")
    ap.add_argument("--rate", type=float, default=0)
    a = ap.parse_args()
    with open(a.password_file, encoding="utf-8") as f:
        password = f.read().rstrip("\n")
    log = open(a.log, "a", encoding="utf-8")
    lock = threading.Lock()
    totals = {"writes": 0, "ok": 0, "failed": 0, "refused": 0, "bad": 0}
    deadline = time.monotonic() + a.seconds if a.seconds else None

    def record(kind, code):
        with lock:
            log.write(f"{kind} {code}\n")
            log.flush()
            os.fsync(log.fileno())

    def client(k):
        try:
            c = http.client.HTTPConnection(a.host, a.port, timeout=30)
            c.request("POST", "/api/v1/session", json.dumps({"user": a.user, "password": password}),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"login: {r.status} {body[:200]!r}")
            cookie = r.getheader("Set-Cookie").split(";", 1)[0]
            csrf = json.loads(body)["csrf"]
        except Exception as e:  # noqa: BLE001 — report and count
            print(f"client {k}: {e}", file=sys.stderr)
            with lock:
                totals["bad"] += 1
            return
        h = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf}
        i = 0
        next_at = time.monotonic()
        while True:
            if deadline is not None and time.monotonic() > deadline:
                break
            if a.count and i >= a.count:
                break
            code = f"{a.prefix}-{k}-{i}"
            i += 1
            for kind, method, path, body, want in (
                ("add", "POST", "/api/v1/leads",
                 {"code": code, "company": f"写入测试 {code} 有限公司", "industry": "equipment",
                  "investment_wan": 10000, "land_mu": 40}, 201),
                ("stage", "PATCH", f"/api/v1/leads/{code}", {"stage": "visited", "note": "bench"}, 200)):
                if a.rate > 0:  # paced: one write every 1/rate s
                    next_at += 1.0 / a.rate
                    pause = next_at - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                with lock:
                    totals["writes"] += 1
                try:
                    c.request(method, path, json.dumps(body, ensure_ascii=False).encode(), h)
                    r = c.getresponse()
                    r.read()
                except Exception:  # noqa: BLE001 — the server went away (killed): stop
                    with lock:
                        totals["failed"] += 1
                    return
                while r.status in (429, 503):  # busy: wait a little, ask again (counted, not lost)
                    with lock:
                        totals["refused"] += 1
                    time.sleep(0.05)
                    try:
                        c.close()
                        c = http.client.HTTPConnection(a.host, a.port, timeout=30)
                        c.request(method, path, json.dumps(body, ensure_ascii=False).encode(), h)
                        r = c.getresponse()
                        r.read()
                    except Exception:  # noqa: BLE001 — the server went away (killed): stop
                        with lock:
                            totals["failed"] += 1
                        return
                if r.status == want:
                    record(kind, code)
                    with lock:
                        totals["ok"] += 1
                else:
                    with lock:
                        totals["refused"] += 1
                        totals["bad"] += 1
                    print(f"client {k}: {method} {path}: {r.status}", file=sys.stderr)
                    return

    threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    print("writes={writes} ok={ok} failed={failed} refused={refused}".format(**totals))
    return 1 if totals["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
