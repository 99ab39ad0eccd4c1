#!/usr/bin/env python3
"""`make stack`: Diarium's production topology, started on this machine from real services.

    python stack/stack.py up [--short]     start everything, wait until the balancer answers /readyz
    python stack/stack.py down [--keep]    stop everything (SIGTERM, then SIGKILL), remove the run dir
    python stack/stack.py status           each part: running or not, its address
    python stack/stack.py env              the environment of the app servers, as `export` lines
    python stack/stack.py start|stop|kill NAME   one part (the fault tests use these)

All on loopback, each part on a port of its own (27400-27479, below the kernel's ephemeral ports 32768-60999; a port already taken is
refused before anything starts):

    PostgreSQL 15 primary + streaming replica (pg_basebackup -R), two clusters of our own
    Redis with AOF persistence: the shared cache and the RQ task queue
    moto's S3 server (in memory: a stand-in for a real object store) behind a small
        gate (stack.py s3-gate) that the fault tests can make refuse writes
    an SMTP sink (stack.py smtp-sink) that keeps every message as a file
    two app servers (`diarium serve`), two workers (`diarium worker`)
    haproxy in front of the app servers (stack/haproxy.cfg, also used by compose.yaml)

State (pid files, logs, data, the generated secret key and demo password) lives in
$DIARIUM_STACK_DIR (default /tmp/diarium-stack). Standard library only, apart from
boto3 (to create the bucket), which `make stack` installs with the '.[stack]' extras.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("DIARIUM_STACK_BIN") or (ROOT / ".venv" / "bin"))
PG_BIN = Path(os.environ.get("DIARIUM_STACK_PG_BIN") or "/usr/lib/postgresql/15/bin")
RUN_DIR = Path(os.environ.get("DIARIUM_STACK_DIR") or "/tmp/diarium-stack")
HAPROXY_CONFIG = ROOT / "stack" / "haproxy.cfg"
BASE_PORT = int(os.environ.get("DIARIUM_STACK_BASE_PORT") or 27400)

# Offsets from BASE_PORT.
PORTS = {
    "balancer": 0,
    "app1": 1,
    "app2": 2,
    "haproxy-stats": 9,
    "pg-primary": 32,
    "pg-replica": 33,
    "redis": 79,
    "smtp": 25,
    "moto": 50,
    "s3-gate": 51,
}
BUCKET = "diarium"
REGION = "eu-north-1"
DATABASE = "diarium"
REGISTRAR_EMAIL = "registrator@alingsas.example"


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


class StackError(Exception):
    pass


# --- configuration --------------------------------------------------------------------------------
@dataclass
class Stack:
    run_dir: Path = RUN_DIR
    ports: dict[str, int] = field(default_factory=lambda: {k: BASE_PORT + v for k, v in PORTS.items()})

    @property
    def state_file(self) -> Path:
        return self.run_dir / "stack.json"

    def path(self, *parts: str) -> Path:
        return self.run_dir.joinpath(*parts)

    def url(self, name: str = "balancer") -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def secret(self, name: str) -> str:
        """A value generated once per run dir (secret key, demo password), kept in a 0600 file."""
        file = self.path("secrets", name)
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(40 if name == "secret_key" else 12))
        return file.read_text().strip()

    def app_env(self) -> dict[str, str]:
        """The environment every app server and worker gets (the same for all)."""
        p = self.ports
        redis = f"redis://127.0.0.1:{p['redis']}"
        return {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": self.secret("secret_key"),
            "DIARIUM_DEMO_PASSWORD": self.secret("demo_password"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{p['pg-primary']}/{DATABASE}",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{p['pg-replica']}/{DATABASE}",
            "DIARIUM_SEARCH_ENGINE": "postgres",
            # The cache in Redis database 0, the queue in 1 (a cache flush leaves the queue alone).
            "DIARIUM_REDIS_URL": f"{redis}/0",
            "DIARIUM_QUEUE_URL": f"{redis}/1",
            # Anonymous public answers kept in that cache, retired by every write (diarium/core/public_cache.py).
            "DIARIUM_PUBLIC_CACHE_SECONDS": "60",
            "DIARIUM_TASKS_BACKEND": tasks_backend(),
            "DIARIUM_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.url("s3-gate"),
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": "stack",
            "AWS_SECRET_ACCESS_KEY": "stack-secret",
            "DIARIUM_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DIARIUM_PROXY_COUNT": "1",
            "DIARIUM_SITE_URL": self.url("balancer"),
            "DIARIUM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DIARIUM_EMAIL_HOST": "127.0.0.1",
            "DIARIUM_EMAIL_PORT": str(p["smtp"]),
            "DIARIUM_REGISTRAR_EMAIL": REGISTRAR_EMAIL,
            # Every client of the load test comes from 127.0.0.1 through the balancer:
            # the per-address limits are raised so the test measures the servers, not the limits.
            "DIARIUM_PUBLIC_RATE_LIMIT": os.environ.get("DIARIUM_STACK_RATE_LIMIT", "1000000/60"),
            "DIARIUM_COPY_REQUEST_LIMIT": "1000000",
            "DIARIUM_LOGIN_FAILURE_LIMIT": "1000",
            "DIARIUM_OCR": "off",
            # A killed worker's task is claimed again after this lease (helper C's outbox,
            # diarium/core/queue.py): short here so the fault test need not wait minutes.
            "DIARIUM_QUEUE_LEASE_SECONDS": "10",
            "DIARIUM_QUEUE_RELAY_SECONDS": "1",
            # Helper E's replica fallback (diarium/core/replica.py): the search reads the primary
            # when the replica is 2 s behind; each process probes every second.
            "DIARIUM_REPLICA_MAX_LAG": "2",
            "DIARIUM_REPLICA_CHECK_SECONDS": "1",
            "DIARIUM_VAR_DIR": str(self.path("var")),
            "DIARIUM_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }

    def save(self) -> None:
        self.state_file.write_text(json.dumps({"ports": self.ports, "env": self.app_env()}, indent=1))

    @classmethod
    def load(cls, run_dir: Path = RUN_DIR) -> Stack:
        data = json.loads((run_dir / "stack.json").read_text())
        return cls(run_dir=run_dir, ports=data["ports"])


# --- processes ------------------------------------------------------------------------------------
def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections in TIME_WAIT are no owner
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return not port_open(port)


def wait_for(what: str, check, timeout: float = 60.0, interval: float = 0.2, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception:  # not up yet
            result = None
        if result:
            return result
        time.sleep(interval)
    hint = f"; its log: {log}" if log else ""
    raise StackError(f"{what} did not become ready within {timeout:.0f} s{hint}")


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    path = "/" + url.split("//", 1)[1].split("/", 1)[1] if "/" in url.split("//", 1)[1] else "/"
    host, port = host_port.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def run(cmd: list[str], *, env: dict | None = None, as_postgres: bool = False, log: Path | None = None,
        check: bool = True, timeout: float | None = 600) -> subprocess.CompletedProcess:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    out = open(log, "ab") if log else subprocess.PIPE
    try:
        result = subprocess.run(cmd, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, timeout=timeout)
    finally:
        if log:
            out.close()
    if check and result.returncode != 0:
        detail = f"see {log}" if log else (result.stdout or b"").decode(errors="replace")[-2000:]
        raise StackError(f"{' '.join(cmd)} failed (exit {result.returncode}): {detail}")
    return result


class Services:
    """The long-running processes other than PostgreSQL (which pg_ctl runs)."""

    def __init__(self, stack: Stack):
        self.stack = stack

    def command(self, name: str) -> list[str]:
        s, p = self.stack, self.stack.ports
        py = str(BIN / "python")
        if name == "redis":
            return ["redis-server", "--bind", "127.0.0.1", "--port", str(p["redis"]), "--dir", str(s.path("redis")),
                    "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no",
                    "--protected-mode", "no"]
        if name == "smtp":
            return [py, str(Path(__file__)), "smtp-sink", "--port", str(p["smtp"]), "--dir", str(s.path("mail"))]
        if name == "moto":
            return [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(p["moto"])]
        if name == "s3-gate":
            return [py, str(Path(__file__)), "s3-gate", "--port", str(p["s3-gate"]),
                    "--upstream", str(p["moto"]), "--flag", str(s.path("s3-refuse"))]
        if name in ("app1", "app2"):
            bind = f"127.0.0.1:{p[name]}"
            if serve_command_exists():
                return [str(BIN / "diarium"), "serve", "--bind", bind, "--workers", "2"]
            return [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", bind, "--workers", "2",
                    "--access-logfile", "-", "--graceful-timeout", "10", "--timeout", "30",
                    "--name", f"diarium-{name}"]
        if name in ("worker1", "worker2"):
            return [str(BIN / "diarium"), "worker"]
        if name == "haproxy":
            return ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)]
        raise StackError(f"unknown part: {name}")

    def env(self, name: str) -> dict[str, str]:
        env = {**os.environ, **self.stack.app_env()}
        env["DIARIUM_STACK_PART"] = name
        if name == "haproxy":
            env.update(haproxy_env(self.stack))
        if name in ("app1", "app2"):
            # gunicorn's Prometheus multiprocess directory, one per server (helper A's `diarium serve`).
            env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(self.stack.path("prometheus", name)))
            Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
        return env

    def pid_file(self, name: str) -> Path:
        return self.stack.path("pids", f"{name}.pid")

    def pid(self, name: str) -> int | None:
        try:
            pid = int(self.pid_file(name).read_text())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        # A zombie (exited, not reaped: we are not its parent after `up` returns) counts as gone.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
                return None
        except (FileNotFoundError, IndexError):
            return None
        return pid

    def start(self, name: str) -> int:
        if self.pid(name):
            return self.pid(name)
        log = self.stack.path("logs", f"{name}.log")
        with open(log, "ab") as out:
            out.write(f"\n--- started {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
            out.flush()
            proc = subprocess.Popen(self.command(name), env=self.env(name), cwd=ROOT, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid_file(name).write_text(str(proc.pid))
        return proc.pid

    def stop(self, name: str, *, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Signal the process group; SIGKILL whatever is left after `timeout`."""
        pid = self.pid(name)
        if not pid:
            return
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid(name):
            time.sleep(0.1)
        if self.pid(name):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while self.pid(name):
                time.sleep(0.05)
        self.pid_file(name).unlink(missing_ok=True)

    def children(self, name: str) -> list[int]:
        """The process's children (gunicorn's workers), by /proc."""
        pid = self.pid(name)
        if not pid:
            return []
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().split(") ", 1)[1].split()
            except (FileNotFoundError, IndexError):
                continue
            if int(fields[1]) == pid:
                out.append(int(stat.parent.name))
        return sorted(out)


def tasks_backend() -> str:
    """django-tasks' RQ backend once the settings configure RQ's queues (RQ_QUEUES);
    until then the database queue, so the rest of the stack still runs."""
    if os.environ.get("DIARIUM_STACK_TASKS_BACKEND"):
        return os.environ["DIARIUM_STACK_TASKS_BACKEND"]
    if "RQ_QUEUES" in (ROOT / "config" / "settings.py").read_text():
        return "django_tasks_rq.RQBackend"
    return "django_tasks_db.DatabaseBackend"


def serve_command_exists() -> bool:
    return any(ROOT.glob("diarium/*/management/commands/serve.py"))


# --- PostgreSQL --------------------------------------------------------------------------------------
def pg_ctl(stack: Stack, cluster: str, action: str, *extra: str, check: bool = True):
    data = stack.path(cluster)
    return run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(stack.path("logs", f"{cluster}.log")),
                "-w", "-t", "60", action, *extra], as_postgres=True, check=check)


def pg_running(stack: Stack, cluster: str) -> bool:
    return (stack.path(cluster, "postmaster.pid")).exists() and port_open(stack.ports[cluster])


def psql(stack: Stack, cluster: str, sql: str, database: str = "postgres") -> str:
    result = run(["psql", "-h", "127.0.0.1", "-p", str(stack.ports[cluster]), "-U", "postgres", "-d", database,
                  "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
    return result.stdout.decode().strip()


def make_primary(stack: Stack) -> None:
    data = stack.path("pg-primary")
    run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8"], as_postgres=True, log=stack.path("logs", "initdb.log"))
    sock = stack.path("pg-sock")
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"""
# --- diarium stack ---
listen_addresses = '127.0.0.1'
port = {stack.ports['pg-primary']}
unix_socket_directories = '{sock}'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
hot_standby_feedback = on
wal_keep_size = '256MB'
max_connections = 200
shared_buffers = '128MB'
jit = off
""")
    (data / "pg_hba.conf").write_text(
        "local all all trust\n"
        "host all all 127.0.0.1/32 trust\n"
        "host replication all 127.0.0.1/32 trust\n"
    )
    run(["chown", "postgres:postgres", str(data / "pg_hba.conf")])
    pg_ctl(stack, "pg-primary", "start")
    psql(stack, "pg-primary", f"CREATE DATABASE {DATABASE}")


def make_replica(stack: Stack) -> None:
    data = stack.path("pg-replica")
    run(["pg_basebackup", "-h", "127.0.0.1", "-p", str(stack.ports["pg-primary"]), "-U", "postgres",
         "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast", "-C", "-S", "diarium_replica"],
        as_postgres=True, log=stack.path("logs", "pg_basebackup.log"))
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"port = {stack.ports['pg-replica']}\nhot_standby = on\n")
    start_replica(stack)


def start_replica(stack: Stack) -> None:
    pg_ctl(stack, "pg-replica", "start")
    wait_for("the replica", lambda: psql(stack, "pg-replica", "SELECT pg_is_in_recovery()") == "t", timeout=60)


# --- the steps of `up` ----------------------------------------------------------------------------
def create_bucket(stack: Stack) -> None:
    s3 = s3_client(stack)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})


def readiness_path(stack: Stack) -> str:
    """/readyz when the app has it (helper A's), else /healthz, else the case list."""
    for path in ("/readyz", "/healthz"):
        try:
            status, _ = http_get(stack.url("app1") + path)
        except OSError:
            continue
        if status != 404:
            return path
    return "/arenden/"


def haproxy_env(stack: Stack) -> dict[str, str]:
    """stack/haproxy.cfg takes its addresses from the environment (as in compose.yaml)."""
    check = stack.path("check-path")
    return {
        "BALANCER_BIND": f"127.0.0.1:{stack.ports['balancer']}",
        "STATS_BIND": f"127.0.0.1:{stack.ports['haproxy-stats']}",
        "ADMIN_SOCKET": str(stack.path("haproxy.sock")),
        "APP1": f"127.0.0.1:{stack.ports['app1']}",
        "APP2": f"127.0.0.1:{stack.ports['app2']}",
        "CHECK_PATH": check.read_text().strip() if check.exists() else "/readyz",
    }


SEED_CACHE = Path(os.environ.get("DIARIUM_STACK_SEED_DIR") or (ROOT / "var" / "stack-seed"))


def seed_key() -> str:
    """Today's date and every migration and demo source: the demo's data as
    `diarium demo` would load it now."""
    digest = hashlib.sha256(time.strftime("%Y-%m-%d").encode())
    files = sorted(ROOT.glob("diarium/**/migrations/*.py")) + sorted(
        p for p in (ROOT / "diarium" / "demo").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for file in files:
        digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def seed(stack: Stack) -> str:
    """Migrations and the Alingsås demo on the primary and in the bucket.

    `diarium demo --no-serve` the first time (a minute or more on two cores); its
    result (a pg_dump, the bucket's objects and the secret key and demo password
    they were made with) is kept in var/stack-seed/<key> and restored by later
    starts the same day with the same migrations and demo. DIARIUM_STACK_SEED_CACHE=0
    loads the demo every time."""
    use_cache = os.environ.get("DIARIUM_STACK_SEED_CACHE", "1") != "0"
    cache = SEED_CACHE / seed_key()
    if use_cache and (cache / "complete").exists():
        for file in (cache / "secrets").iterdir():
            shutil.copy(file, stack.path("secrets", file.name))
        run([str(PG_BIN / "pg_restore"), "-h", "127.0.0.1", "-p", str(stack.ports["pg-primary"]), "-U", "postgres",
             "-d", DATABASE, "--no-owner", "-j", "2", str(cache / "diarium.dump")],
            log=stack.path("logs", "demo.log"))
        s3 = s3_client(stack)
        objects = cache / "objects"
        for file in objects.rglob("*"):
            if file.is_file():
                s3.put_object(Bucket=BUCKET, Key=str(file.relative_to(objects)), Body=file.read_bytes())
        stack.save()
        return f"restored from {cache}"
    diarium(stack, "demo", "--no-serve", log="demo")
    if use_cache:
        tmp = SEED_CACHE / f".{cache.name}.{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "objects").mkdir(parents=True)
        shutil.copytree(stack.path("secrets"), tmp / "secrets")
        run([str(PG_BIN / "pg_dump"), "-h", "127.0.0.1", "-p", str(stack.ports["pg-primary"]), "-U", "postgres",
             "-Fc", "-f", str(tmp / "diarium.dump"), DATABASE])
        s3 = s3_client(stack)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for obj in page.get("Contents", []):
                target = tmp / "objects" / obj["Key"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read())
        (tmp / "complete").touch()
        for old in SEED_CACHE.iterdir():  # earlier days' and versions' seeds
            if old != tmp:
                shutil.rmtree(old, ignore_errors=True)
        tmp.rename(cache)
        return f"loaded; kept in {cache}"
    return "loaded"


def s3_client(stack: Stack):
    import boto3

    return boto3.client("s3", endpoint_url=stack.url("moto"), region_name=REGION, aws_access_key_id="stack",
                        aws_secret_access_key="stack-secret")


def diarium(stack: Stack, *args: str, log: str) -> None:
    run([str(BIN / "diarium"), *args], env={**stack.app_env(), "DIARIUM_STACK_PART": log},
        log=stack.path("logs", f"{log}.log"))


def up(stack: Stack) -> None:
    started = time.monotonic()
    if stack.run_dir.exists():
        old = Stack.load(stack.run_dir) if stack.state_file.exists() else stack
        if any(Services(old).pid(n) for n in ("haproxy", "app1", "app2", "worker1", "worker2", "redis")) or any(
                pg_running(old, c) for c in ("pg-primary", "pg-replica")):
            raise StackError(f"a stack is running from {stack.run_dir}: `stack.py down` first "
                             f"(or set DIARIUM_STACK_DIR)")
        say(f"removing the stopped stack left in {stack.run_dir}")
        shutil.rmtree(stack.run_dir)
    taken = [f"{name} ({port})" for name, port in stack.ports.items() if not port_free(port)]
    if taken:
        raise StackError("ports already in use: " + ", ".join(taken) +
                         ". Stop what uses them, or choose another range with DIARIUM_STACK_BASE_PORT.")
    for tool in ("redis-server", "haproxy", "psql", "pg_basebackup", "runuser"):
        if not shutil.which(tool):
            raise StackError(f"{tool} is not installed (`make stack` installs haproxy; the rest are Debian's "
                             f"postgresql-15 and redis-server packages)")
    if not (BIN / "moto_server").exists():
        raise StackError(f"{BIN / 'moto_server'} is missing: pip install -e '.[stack]'")

    stack.run_dir.mkdir(parents=True)
    stack.run_dir.chmod(0o755)
    for sub in ("logs", "pids", "redis", "mail", "var", "pg-sock", "secrets", "pg-primary", "pg-replica"):
        stack.path(sub).mkdir()
    for sub in ("pg-sock", "pg-primary", "pg-replica"):
        run(["chown", "postgres:postgres", str(stack.path(sub))])
    stack.path("pg-primary").chmod(0o700)
    stack.path("pg-replica").chmod(0o700)
    run(["chown", "postgres:postgres", str(stack.path("logs"))])
    stack.path("logs").chmod(0o777)
    stack.save()
    services = Services(stack)

    def step(label: str, fn) -> None:
        t = time.monotonic()
        fn()
        say(f"{label:<44} {time.monotonic() - t:5.1f} s")

    step("PostgreSQL primary (initdb, start)", lambda: make_primary(stack))
    step("PostgreSQL replica (pg_basebackup -R)", lambda: make_replica(stack))

    def start_redis_smtp_moto():
        for name in ("redis", "smtp", "moto", "s3-gate"):
            services.start(name)
        for name in ("redis", "smtp", "moto", "s3-gate"):
            wait_for(name, lambda n=name: port_open(stack.ports[n]), log=stack.path("logs", f"{name}.log"))
        wait_for("redis", lambda: run(["redis-cli", "-p", str(stack.ports["redis"]), "ping"]).stdout.strip()
                 == b"PONG")
        create_bucket(stack)

    step("Redis (AOF), SMTP sink, moto S3 + gate", start_redis_smtp_moto)
    seeded = []
    step("migrate + demo data (diarium demo --no-serve)", lambda: seeded.append(seed(stack)))
    say(f"  demo data {seeded[0]}")

    def start_apps():
        for name in ("app1", "app2", "worker1", "worker2"):
            services.start(name)
        for name in ("app1", "app2"):
            wait_for(name, lambda n=name: http_get(stack.url(n) + "/arenden/")[0] == 200, timeout=90,
                     log=stack.path("logs", f"{name}.log"))

    step("app servers and workers", start_apps)

    def start_balancer():
        check = readiness_path(stack)
        if check != "/readyz":
            say(f"the app has no /readyz yet: haproxy checks {check}")
        stack.path("check-path").write_text(check)
        services.start("haproxy")
        wait_for(f"the balancer's {check}", lambda: http_get(stack.url() + check)[0] == 200,
                 timeout=60, log=stack.path("logs", "haproxy.log"))
        for name in ("worker1", "worker2"):
            if not services.pid(name):
                raise StackError(f"{name} stopped; its log: {stack.path('logs', name + '.log')}")

    step("haproxy, ready through the balancer", start_balancer)
    say(f"{'up in':<44} {time.monotonic() - started:5.1f} s")
    print_summary(stack)


def print_summary(stack: Stack) -> None:
    p = stack.ports
    print(f"""
Diarium's production topology is up (run dir {stack.run_dir}):

  Balancer (haproxy):   {stack.url()}/   (stats: {stack.url('haproxy-stats')}/stats, admin socket {stack.path('haproxy.sock')})
  App servers:          {stack.url('app1')}  {stack.url('app2')}   (2 workers each)
  Task workers:         worker1, worker2 (RQ over Redis)
  PostgreSQL primary:   127.0.0.1:{p['pg-primary']}   replica: 127.0.0.1:{p['pg-replica']}   (user postgres, db {DATABASE})
  Redis (AOF):          127.0.0.1:{p['redis']}   (cache db 0, queue db 1)
  S3 (moto, in memory): {stack.url('moto')}   app uses the gate {stack.url('s3-gate')}   bucket {BUCKET}
  SMTP sink:            127.0.0.1:{p['smtp']}   messages in {stack.path('mail')}
  Logs:                 {stack.path('logs')}
  Demo users:           registrator, handlaggare, admin, ...   password {stack.secret('demo_password')}

  The app servers' environment:  python stack/stack.py env
  Stop everything:               make stack-down
""", flush=True)


def down(stack: Stack, keep: bool = False) -> None:
    services = Services(stack)
    for name in ("haproxy", "app1", "app2", "worker1", "worker2", "s3-gate", "moto", "smtp", "redis"):
        services.stop(name)
    for cluster in ("pg-replica", "pg-primary"):
        if stack.path(cluster, "postmaster.pid").exists():
            pg_ctl(stack, cluster, "stop", "-m", "fast", check=False)
    if not keep and stack.run_dir.exists():
        shutil.rmtree(stack.run_dir)
        say(f"stopped; removed {stack.run_dir}")
    else:
        say(f"stopped; kept {stack.run_dir}")


def status(stack: Stack) -> int:
    services = Services(stack)
    down_count = 0
    for cluster in ("pg-primary", "pg-replica"):
        ok = pg_running(stack, cluster)
        down_count += not ok
        print(f"{cluster:<12} {'running' if ok else 'stopped':<8} 127.0.0.1:{stack.ports[cluster]}")
    for name in ("redis", "smtp", "moto", "s3-gate", "app1", "app2", "worker1", "worker2", "haproxy"):
        pid = services.pid(name)
        down_count += not pid
        port = stack.ports.get(name)
        print(f"{name:<12} {'running' if pid else 'stopped':<8} {f'127.0.0.1:{port}' if port else ''}"
              f"{f'  pid {pid}' if pid else ''}")
    return 1 if down_count else 0


# --- helpers run as parts of the stack ---------------------------------------------------------------
def smtp_sink(port: int, directory: Path) -> None:
    """A minimal SMTP server that keeps every message as a file (one per DATA)."""
    import socketserver

    directory.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}
    lock = threading.Lock()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode())
            self.wfile.flush()

        def handle(self) -> None:
            self.reply("220 diarium-stack SMTP sink")
            mail_from, rcpts = "", []
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb in ("HELO", "EHLO"):
                    self.reply("250 diarium-stack")
                elif verb == "MAIL":
                    mail_from, rcpts = line[10:].strip(), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    rcpts.append(line[8:].strip())
                    self.reply("250 OK")
                elif verb == "DATA":
                    # The fault tests hold a sender here (a file `smtp-delay` beside `mail/` with the
                    # seconds to wait): its task is then mid-send. A sender that dies while held
                    # never sends the body, so nothing is kept.
                    delay_file = directory.parent / "smtp-delay"
                    held = time.monotonic()
                    while delay_file.exists() and time.monotonic() - held < float(delay_file.read_text() or 0):
                        time.sleep(0.2)
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while True:
                        data = self.rfile.readline()
                        if not data or data in (b".\r\n", b".\n"):
                            break
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    with lock:
                        counter["n"] += 1
                        name = f"{time.time_ns()}-{os.getpid()}-{counter['n']}.eml"
                    tmp = directory / (name + ".tmp")
                    tmp.write_bytes(f"X-Stack-From: {mail_from}\r\nX-Stack-To: {','.join(rcpts)}\r\n".encode()
                                    + b"".join(lines))
                    tmp.rename(directory / name)  # readers never see half a message
                    self.reply("250 OK: queued")
                elif verb == "RSET":
                    mail_from, rcpts = "", []
                    self.reply("250 OK")
                elif verb == "NOOP":
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    with Server(("127.0.0.1", port), Handler) as server:
        server.serve_forever()


def s3_gate(port: int, upstream: int, flag: Path) -> None:
    """A reverse proxy in front of moto. While `flag` exists it answers every write
    (PUT, POST, DELETE) with 503 SlowDown, as an object store that refuses writes does;
    reads pass through. The fault tests create and remove the flag."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stdout.write("%s %s\n" % (self.command, fmt % args))
            sys.stdout.flush()

        def proxy(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = self._read_chunked()
            if self.command in ("PUT", "POST", "DELETE") and flag.exists():
                payload = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                           b"<Message>Please reduce your request rate.</Message></Error>")
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("transfer-encoding", "connection")}
            if body is not None:
                headers["Content-Length"] = str(len(body))
            conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except OSError as exc:
                data = f"upstream: {exc}".encode()
                self.send_response(502)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            finally:
                conn.close()
            self.send_response(resp.status, resp.reason)
            for key, value in resp.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _read_chunked(self) -> bytes:
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = proxy

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


# --- command line ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up")
    down_p = sub.add_parser("down")
    down_p.add_argument("--keep", action="store_true", help="Keep the run dir (logs, data).")
    sub.add_parser("status")
    sub.add_parser("env")
    for verb in ("start", "stop", "kill"):
        sub.add_parser(verb).add_argument("name")
    smtp_p = sub.add_parser("smtp-sink")
    smtp_p.add_argument("--port", type=int, required=True)
    smtp_p.add_argument("--dir", type=Path, required=True)
    gate_p = sub.add_parser("s3-gate")
    gate_p.add_argument("--port", type=int, required=True)
    gate_p.add_argument("--upstream", type=int, required=True)
    gate_p.add_argument("--flag", type=Path, required=True)
    args = parser.parse_args(argv)

    try:
        if args.command == "smtp-sink":
            smtp_sink(args.port, args.dir)
        elif args.command == "s3-gate":
            s3_gate(args.port, args.upstream, args.flag)
        elif args.command == "up":
            stack = Stack()
            try:
                up(stack)
            except BaseException:
                if stack.state_file.exists():
                    say(f"up failed: stopping what started (logs kept in {stack.run_dir}/logs)")
                    down(stack, keep=True)
                raise
        elif args.command == "down":
            if not RUN_DIR.exists():
                say(f"nothing to stop ({RUN_DIR} does not exist)")
                return 0
            down(Stack.load() if (RUN_DIR / "stack.json").exists() else Stack(), keep=args.keep)
        elif args.command in ("status", "env", "start", "stop", "kill") and not (RUN_DIR / "stack.json").exists():
            raise StackError(f"no stack in {RUN_DIR}: `stack.py up` (or make stack) first")
        elif args.command == "status":
            return status(Stack.load())
        elif args.command == "env":
            for key, value in Stack.load().app_env().items():
                print(f"export {key}={shlex_quote(value)}")
        elif args.command in ("start", "stop", "kill"):
            stack = Stack.load()
            if args.name in ("pg-primary", "pg-replica"):
                if args.command == "start":
                    pg_ctl(stack, args.name, "start")
                else:
                    pg_ctl(stack, args.name, "stop", "-m", "immediate" if args.command == "kill" else "fast")
            elif args.command == "start":
                Services(stack).start(args.name)
            else:
                Services(stack).stop(args.name, sig=signal.SIGKILL if args.command == "kill" else signal.SIGTERM)
    except StackError as exc:
        print(f"stack: {exc}", file=sys.stderr)
        return 1
    return 0


def shlex_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


if __name__ == "__main__":
    sys.exit(main())
