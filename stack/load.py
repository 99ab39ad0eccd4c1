"""A closed-loop load generator: N client threads, each with its own keep-alive
connection, each picking the next request from a weighted mix, for a fixed time.

    python stack/load.py --url http://127.0.0.1:27400 --clients 50 --seconds 30

Used by stack/tests/test_load.py (both app servers, then one). Standard library
only. The client runs on the same machine as the stack, so its own CPU use is in
the figures: they are a floor for what the servers can do, not a ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class KindStats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int | str, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        values = sorted(self.latencies)
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


@dataclass
class LoadResult:
    seconds: float
    clients: int
    kinds: dict[str, KindStats]

    @property
    def requests(self) -> int:
        return sum(len(k.latencies) + k.errors for k in self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(k.errors for k in self.kinds.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def table(self) -> list[str]:
        lines = [f"{'kind':<12} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"]
        for name, k in sorted(self.kinds.items()):
            n = len(k.latencies) + k.errors
            lines.append(f"{name:<12} {n:>6} {n / self.seconds:>7.1f} {k.percentile(50):>7.1f} "
                         f"{k.percentile(95):>7.1f} {k.percentile(99):>7.1f} {k.errors:>6}")
        lines.append(f"{'all':<12} {self.requests:>6} {self.rate:>7.1f} {'':>7} {'':>7} {'':>7} {self.errors:>6}")
        return lines


def run_load(url: str, mix: dict[str, list[str]], *, clients: int = 50, seconds: float = 30,
             weights: dict[str, float] | None = None, seed: int = 24) -> LoadResult:
    """`mix`: kind -> paths. A 2xx or 3xx answer counts as a success, anything else
    (or no answer) as an error of its kind."""
    parts = urlsplit(url)
    kinds = {name: KindStats() for name in mix}
    names = list(mix)
    w = [(weights or {}).get(n, 1.0) for n in names]
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def client(n: int) -> None:
        rng = random.Random(seed + n)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        local = {name: KindStats() for name in names}
        start.wait()
        while time.monotonic() < deadline[0]:
            kind = rng.choices(names, w)[0]
            path = rng.choice(mix[kind])
            t = time.monotonic()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = time.monotonic() - t
            stats = local[kind]
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if isinstance(status, int) and 200 <= status < 400:
                stats.latencies.append(elapsed)
            else:
                stats.errors += 1
        conn.close()
        with lock:
            for name, stats in local.items():
                kinds[name].latencies.extend(stats.latencies)
                kinds[name].errors += stats.errors
                for key, value in stats.statuses.items():
                    kinds[name].statuses[key] = kinds[name].statuses.get(key, 0) + value

    took = run_together(client, clients=clients, seconds=seconds, start=start, deadline=deadline)
    return LoadResult(seconds=took, clients=clients, kinds=kinds)


def run_together(client, *, clients: int, seconds: float, start: threading.Event, deadline: list) -> float:
    """Start `clients` threads running client(n), release them at once (`start`) until
    deadline[0], which is set `seconds` ahead; wait for all; return the wall time."""
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.set()
    for t in threads:
        t.join()
    return time.monotonic() - began


def default_mix(case_ids: list[int], body_id: int = 1) -> dict[str, list[str]]:
    words = ["handlingsplan", "markanvisning", "budget", "skola", "detaljplan", "motion", "remiss", "protokoll"]
    return {
        "public": ["/", "/tillganglighet/", "/floden/"],
        "case list": ["/arenden/", "/arenden/?page=2", "/handlingar/"],
        "case page": [f"/arenden/{pk}/" for pk in case_ids],
        "oparl list": [f"/oparl/v1.1/body/{body_id}/{kind}/" for kind in ("meeting", "paper", "organization",
                                                                            "person")],
        "search": [f"/sok/?q={w}" for w in words],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:27400")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--case", type=int, action="append", default=[], help="Case ids for the case pages.")
    args = parser.parse_args()
    result = run_load(args.url, default_mix(args.case or [1, 2, 3]), clients=args.clients, seconds=args.seconds)
    print("\n".join(result.table()))


if __name__ == "__main__":
    main()
