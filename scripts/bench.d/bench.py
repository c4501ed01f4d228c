#!/usr/bin/env python3
"""The load bench's driver (run it through scripts/bench, which builds and installs wrk).

For each company size: makes the company once (`attune demo --people N` into the database
attune_bench_N), starts `attune serve` in release mode with the reference page switched on,
signs people in, then loads each page and form post with wrk (2 threads, 64 connections) and
prints requests/s, p50 and p99 beside their ratio to the reference page measured in the same
run, single-request times, start-up time and the server's peak RSS. Results go to
target/bench/ as Markdown; with --explain, the plans of every query a page runs (PostgreSQL's
auto_explain, ANALYZE on) are written there too.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "release" / "attune"
OUT = ROOT / "target" / "bench"
PORT = 3917
ORIGIN = f"http://127.0.0.1:{PORT}"
PASSWORD = "demo-lantern-harbour-2026"
HR_EMAIL = "amara.okafor@northwind.example"


def database_url(size):
    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(base._replace(path=f"/attune_bench_{size}"))


def psql(size, sql, admin=False):
    url = os.environ["DATABASE_URL"] if admin else database_url(size)
    result = subprocess.run(
        ["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def ensure_company(size, fresh):
    exists = psql(size, f"SELECT 1 FROM pg_database WHERE datname = 'attune_bench_{size}'", admin=True)
    if exists and not fresh:
        people = psql(size, "SELECT count(*) FROM people")
        if people == str(size):
            print(f"Using the {size}-person company in attune_bench_{size}.")
            return None
    psql(size, f"DROP DATABASE IF EXISTS attune_bench_{size} WITH (FORCE)", admin=True)
    print(f"Making a {size}-person company (attune demo --people {size})...")
    started = time.monotonic()
    env = dict(os.environ, DATABASE_URL=database_url(size), RUST_LOG="warn")
    subprocess.run([str(BINARY), "demo", "--people", str(size)], check=True, env=env, stdout=subprocess.DEVNULL)
    psql(size, "VACUUM ANALYZE")
    took = time.monotonic() - started
    print(f"  made in {took:.0f} s")
    return took


class Server:
    def __init__(self, size, log_name="server"):
        env = dict(
            os.environ,
            DATABASE_URL=database_url(size),
            ATTUNE_BIND=f"127.0.0.1:{PORT}",
            ATTUNE_BENCH_REFERENCE="true",
        )
        self.log = open(OUT / f"{log_name}-{size}.log", "w")
        started = time.monotonic()
        self.process = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=self.log, stderr=self.log)
        while True:
            try:
                status, _, _ = request("GET", "/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None:
                sys.exit(f"attune serve exited; see {self.log.name}")
            time.sleep(0.005)
        self.startup = time.monotonic() - started

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def request(method, path, body=None, cookie=None, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Origin": ORIGIN}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body, doseq=True)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if own:
        connection.close()
    return response.status, response.headers.get_all("Set-Cookie") or [], data


def sign_in(email):
    """The Cookie header of a browser that just signed in (the session and any other cookie
    the sign-in set, such as the known-device one)."""
    status, set_cookies, _ = request("POST", "/login", {"email": email, "password": PASSWORD, "next": "/"})
    if status != 303 or not set_cookies:
        sys.exit(f"signing in {email} failed with {status}")
    return "; ".join(value.split(";")[0] for value in set_cookies)


LUA_COMMON = r"""
local cookies = {COOKIES}
local origin = "ORIGIN"
local counter = 0
function init(args)
  math.randomseed(tonumber(tostring({}):match("0x(%x+)") or "1", 16) % 2147483647)
end
local function uuid()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (t:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
local function post(path, body, cookie)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
"""

LUA_QUIZ = r"""
request = function()
  counter = counter + 1
  local body = "action=submit&submission_key=" .. uuid()
  for i = 1, 16 do body = body .. "&q" .. i .. "=" .. math.random(0, 4) end
  return post("/quiz", body, cookies[(counter % #cookies) + 1])
end
"""

LUA_RSVP = r"""
local event = "EVENT"
request = function()
  counter = counter + 1
  local n = #cookies
  local cookie = cookies[(counter % n) + 1]
  -- Each person RSVPs in one round and cancels in the next.
  if math.floor(counter / n) % 2 == 0 then
    return post("/events/" .. event .. "/rsvp", "", cookie)
  else
    return post("/events/" .. event .. "/rsvp/cancel", "", cookie)
  end
end
"""

LUA_NOMINATE = r"""
local recipients = {RECIPIENTS}
local behaviours = {BEHAVIOURS}
local today = "TODAY"
local story = "They+noticed+a+new+colleague+struggling+with+our+jargon+and+rewrote+the+onboarding+notes+in+plain+words+that+same+afternoon."
request = function()
  counter = counter + 1
  local body = "submission_key=" .. uuid()
    .. "&recipient=" .. recipients[math.random(1, #recipients)]
    .. "&behaviours=" .. behaviours[math.random(1, #behaviours)]
    .. "&story=" .. story .. "&happened_on=" .. today .. "&visibility=wall"
  return post("/recognition", body, cookies[math.random(1, #cookies)])
end
"""

LUA_GET = r"""
local cookie = COOKIE
request = function()
  if cookie then
    return wrk.format("GET", wrk.path, {["Cookie"] = cookie})
  end
  return wrk.format("GET", wrk.path)
end
"""


def lua_list(values):
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def wrk(path, seconds, connections, script):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua.name, ORIGIN + path],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(lua.name)
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p50": to_ms(latency.get("50", "nan")),
        "p99": to_ms(latency.get("99", "nan")),
        "bad": int(bad.group(1)) if bad else 0,
        "total": total,
        "socket_errors": errors.group(1) if errors else "",
    }


def to_ms(text):
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def single_request_ms(path, cookie, times=30):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        status, _, _ = request("GET", path, cookie=cookie, connection=connection)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            sys.exit(f"GET {path} answered {status}")
    connection.close()
    return statistics.median(samples)


def run_size(size, args):
    made = ensure_company(size, args.fresh)
    # The bench posts many quiz attempts and nominations: no waiting between attempts, the
    # highest weekly nomination limit.
    psql(size, "UPDATE program_settings SET retake_interval_days = 0, recognition_weekly_limit = 50")
    server = Server(size)
    print(f"Serving the {size}-person company: ready {server.startup * 1000:.0f} ms after start.")
    try:
        employee = psql(
            size,
            "SELECT p.email FROM people p WHERE p.email LIKE 'person%' AND NOT p.is_organizer "
            "AND EXISTS (SELECT 1 FROM quiz_attempts a WHERE a.person_id = p.id) "
            "AND EXISTS (SELECT 1 FROM recognitions r WHERE r.recipient_id = p.id) "
            "ORDER BY p.created_at LIMIT 1",
        )
        me = sign_in(employee)
        hr = sign_in(HR_EMAIL)
        attempt = psql(
            size,
            f"SELECT a.id FROM quiz_attempts a JOIN people p ON p.id = a.person_id "
            f"WHERE p.email = '{employee}' ORDER BY a.taken_at DESC LIMIT 1",
        )
        event = psql(
            size,
            "SELECT id FROM events WHERE status = 'published' AND starts_at > now() + interval '4 days' "
            "AND title LIKE '% · %' ORDER BY starts_at LIMIT 1",
        )
        posters = psql(
            size,
            "SELECT email FROM people WHERE email LIKE 'person%' ORDER BY created_at LIMIT 256",
        ).split()
        print(f"Signing {len(posters)} people in for the form posts...")
        cookies = [sign_in(email) for email in posters]
        recipients = psql(
            size, "SELECT id FROM people WHERE active AND email LIKE 'person%' ORDER BY id DESC LIMIT 2000"
        ).split()
        behaviours = psql(size, "SELECT id FROM recognition_behaviours WHERE NOT retired").split()
        today = psql(size, "SELECT current_date")

        reads = [
            ("reference (bare page)", "/bench/reference", None),
            ("home", "/", me),
            ("quiz", "/quiz", me),
            ("results", f"/quiz/attempts/{attempt}", me),
            ("history", "/quiz/history", me),
            ("plan", "/plan", me),
            ("story nights", "/events", me),
            ("one story night", f"/events/{event}", me),
            ("wall", "/recognition", me),
            ("received", "/recognition/mine", me),
            ("HR: people", "/admin/people", hr),
            ("HR: library", "/admin/resources", hr),
            ("HR: insights", "/admin/insights", hr),
            ("HR: fairness", "/admin/recognition/fairness", hr),
        ]
        results = []
        single = {}
        for name, path, cookie in reads:
            single[name] = single_request_ms(path, cookie)
        for name, path, cookie in reads:
            script = LUA_GET.replace("COOKIE", json.dumps(cookie) if cookie else "nil")
            result = wrk(path, args.seconds, args.connections, script)
            results.append((name, "GET " + path.split("?")[0], result))
            print(f"  {name:24} {result['rps']:9.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms")
        common = LUA_COMMON.replace("{COOKIES}", lua_list(cookies)).replace("ORIGIN", ORIGIN)
        posts = [
            ("quiz submission", "POST /quiz", common + LUA_QUIZ),
            ("RSVP and cancel", "POST /events/…/rsvp", common + LUA_RSVP.replace("EVENT", event)),
            (
                "nomination",
                "POST /recognition",
                common
                + LUA_NOMINATE.replace("{RECIPIENTS}", lua_list(recipients))
                .replace("{BEHAVIOURS}", lua_list(behaviours))
                .replace("TODAY", today),
            ),
        ]
        for name, label, script in posts:
            result = wrk("/", args.seconds, args.connections, script)
            results.append((name, label, result))
            print(f"  {name:24} {result['rps']:9.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms  refused {result['bad']}")
        rss = server.peak_rss_mb()
        if args.explain:
            explain(size, reads)
    finally:
        server.stop()
    return {"size": size, "made_s": made, "startup_ms": server.startup * 1000, "rss_mb": rss, "results": results, "single": single}


def explain(size, reads):
    """Every statement each page runs, with its plan, through auto_explain (ANALYZE on)."""
    logs = sorted(Path("/var/log/postgresql").glob("*.log"), key=lambda p: p.stat().st_mtime)
    if not logs:
        print("  (no PostgreSQL log found for the plans)")
        return
    log = logs[-1]
    psql(size, f"ALTER DATABASE attune_bench_{size} SET session_preload_libraries = 'auto_explain'")
    for setting in ["log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_nested_statements = on"]:
        psql(size, f"ALTER DATABASE attune_bench_{size} SET auto_explain.{setting}")
    try:
        server = Server(size, "explain-server")
        try:
            # Let start-up's housekeeping and scheduler finish, so only pages are logged.
            time.sleep(3)
            out = []
            for name, path, cookie in reads:
                offset = log.stat().st_size
                request("GET", path, cookie=cookie)
                time.sleep(0.3)
                with open(log, errors="replace") as f:
                    f.seek(offset)
                    text = f.read()
                out.append(f"## {name}: GET {path}\n\n```\n{text.strip()}\n```\n")
            (OUT / f"explain-{size}.md").write_text("\n".join(out))
            (OUT / f"explain-summary-{size}.md").write_text(summarize("\n".join(out)))
            print(f"  plans of every query each page runs: {OUT / f'explain-{size}.md'}")
        finally:
            server.stop()
    finally:
        psql(size, f"ALTER DATABASE attune_bench_{size} RESET ALL")


def summarize(text):
    """One line per statement of each page: time, what it reads and how (index or scan)."""
    lines = ["| page | statement | ms | how it reads |", "|---|---|---:|---|"]
    page = ""
    for block in re.split(r"(?m)^(?=## )|(?=\S+ UTC \[\d+\] \S+ LOG:  duration:)", text):
        if block.startswith("## "):
            page = block.splitlines()[0][3:].split(":")[0]
            continue
        match = re.search(r"duration: ([\d.]+) ms", block)
        query = re.search(r"Query Text: (.*)", block)
        if not match or not query:
            continue
        statement = re.sub(r"\s+", " ", query.group(1)).strip()
        if statement.startswith(("DELETE", "INSERT INTO insight", "UPDATE")) and page == "":
            continue
        access = []
        for how in re.findall(r"((?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)?(?: using \S+)? on \S+)", block):
            if how not in access:
                access.append(how)
        short = statement[:90].replace("|", "\\|") + ("…" if len(statement) > 90 else "")
        lines.append(f"| {page} | `{short}` | {float(match.group(1)):.2f} | {'; '.join(access) or 'no table'} |")
    return "\n".join(lines) + "\n"


def report(runs):
    lines = []
    for run in runs:
        ref = run["results"][0][2]
        lines.append(f"\n### {run['size']:,} people\n")
        lines.append(
            f"Start-up to ready: {run['startup_ms']:.0f} ms. Peak RSS under load: {run['rss_mb']:.1f} MB."
            + (f" Company made in {run['made_s']:.0f} s." if run["made_s"] else "")
            + "\n"
        )
        lines.append("| page | requests/s | × reference | p50 ms | p99 ms | p99 × reference | one request ms | refused |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, label, r in run["results"]:
            one = run["single"].get(name)
            lines.append(
                f"| {name} (`{label}`) | {r['rps']:,.0f} | {r['rps'] / ref['rps']:.2f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                f"{r['p99'] / ref['p99']:.1f} | {'' if one is None else f'{one:.1f}'} | {r['bad']} |"
            )
    if len(runs) == 2:
        small, large = runs
        lines.append(f"\n### One request at {large['size']:,} people against {small['size']:,}\n")
        lines.append("| page | ms at small | ms at large | × |")
        lines.append("|---|---:|---:|---:|")
        for name in small["single"]:
            a, b = small["single"][name], large["single"][name]
            lines.append(f"| {name} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    lines.append("\n### Targets\n")
    lines.extend(targets(runs))
    text = "\n".join(lines) + "\n"
    print(text)
    return text


def targets(runs):
    """Each target of the speed issue, met or not, with the measured figure."""
    out = []

    def verdict(ok, what, figure):
        out.append(f"- {'met' if ok else 'MISSED'}: {what} ({figure})")

    for run in runs:
        size = f"{run['size']:,} people"
        ref = run["results"][0][2]
        reads = [(n, r) for n, label, r in run["results"][1:] if label.startswith("GET")]
        worst = min(reads, key=lambda nr: nr[1]["rps"] / ref["rps"])
        verdict(
            all(r["rps"] >= 0.5 * ref["rps"] for _, r in reads),
            f"every signed-in read page ≥ 0.5× the reference's requests/s at {size}",
            f"lowest {worst[0]}: {worst[1]['rps'] / ref['rps']:.2f}×",
        )
        slowest = max(reads, key=lambda nr: nr[1]["p99"] / ref["p99"])
        verdict(
            all(r["p99"] <= 3 * ref["p99"] for _, r in reads),
            f"every signed-in read page's p99 ≤ 3× the reference's at {size}",
            f"highest {slowest[0]}: {slowest[1]['p99'] / ref['p99']:.1f}×",
        )
        quiz = next(r for n, _, r in run["results"] if n == "quiz submission")
        verdict(quiz["rps"] >= 1000, f"quiz submissions ≥ 1,000/s at {size}", f"{quiz['rps']:,.0f}/s")
        verdict(run["rss_mb"] <= 64, f"peak RSS ≤ 64 MB at {size}", f"{run['rss_mb']:.0f} MB")
        verdict(run["startup_ms"] <= 1000, f"start-up to ready ≤ 1 s at {size}", f"{run['startup_ms']:.0f} ms")
        slow = max(run["single"].items(), key=lambda kv: kv[1])
        verdict(slow[1] <= 50, f"no page over 50 ms for one request at {size}", f"slowest {slow[0]}: {slow[1]:.1f} ms")
    if len(runs) == 2:
        small, large = runs
        ratios = {n: large["single"][n] / small["single"][n] for n in small["single"]}
        worst = max(ratios.items(), key=lambda kv: kv[1])
        verdict(
            all(r <= 1.5 for r in ratios.values()),
            f"each page at {large['size']:,} people ≤ 1.5× its cost at {small['size']:,}",
            f"highest {worst[0]}: {worst[1]:.2f}×",
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 100000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--fresh", action="store_true", help="make the companies again")
    parser.add_argument("--explain", action="store_true", help="also write every page's query plans")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    runs = [run_size(size, args) for size in args.sizes]
    text = report(runs)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    (OUT / "results.md").write_text(f"Measured {stamp} on {os.cpu_count()} cores.\n{text}")
    print(f"Written to {OUT / 'results.md'}")


if __name__ == "__main__":
    main()
