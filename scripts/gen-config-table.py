#!/usr/bin/env python3
"""Generates Sources/RedisEngine/ConfigTable.swift from a throwaway redis-server 7.0.

For every parameter CONFIG GET * lists, a fresh redis-server is asked to CONFIG SET probe values;
its error texts give the parameter's kind (bool, enum with its values, integer with its bounds,
memory value, memory-or-percent, free string), whether it is immutable, and its default. Known
7.0 aliases (`*-ziplist-*`, `slave-*`, `slaveof`) are checked the same way: setting the alias must
change the canonical parameter. Run it when the reference redis-server changes:

    scripts/gen-config-table.py > Sources/RedisEngine/ConfigTable.swift
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

PORT = int(os.environ.get("GEN_CONFIG_PORT", "7193"))
WORKDIR = tempfile.mkdtemp(prefix="gen-config-table-")
# Values that depend on how the probing server was started, replaced by redis-server's defaults.
DEFAULT_OVERRIDES = {"port": "6379", "dir": "", "bind": "* -::*"}

ALIASES = {
    "slave-announce-ip": "replica-announce-ip",
    "slave-announce-port": "replica-announce-port",
    "slave-lazy-flush": "replica-lazy-flush",
    "slave-serve-stale-data": "replica-serve-stale-data",
    "cluster-slave-no-failover": "cluster-replica-no-failover",
    "slave-priority": "replica-priority",
    "slave-ignore-maxmemory": "replica-ignore-maxmemory",
    "repl-ping-slave-period": "repl-ping-replica-period",
    "cluster-slave-validity-factor": "cluster-replica-validity-factor",
    "min-slaves-max-lag": "min-replicas-max-lag",
    "min-slaves-to-write": "min-replicas-to-write",
    "slaveof": "replicaof",
    "slave-read-only": "replica-read-only",
    "hash-max-ziplist-value": "hash-max-listpack-value",
    "hash-max-ziplist-entries": "hash-max-listpack-entries",
    "zset-max-ziplist-value": "zset-max-listpack-value",
    "zset-max-ziplist-entries": "zset-max-listpack-entries",
    "list-max-ziplist-size": "list-max-listpack-size",
}

# Parameters whose CONFIG SET has side effects on the probing process or whose values are
# structured; the engine handles them by hand (ConfigCommands.swift). They are still listed.
SPECIAL = {"save", "dir", "client-output-buffer-limit", "notify-keyspace-events", "oom-score-adj-values",
           "requirepass", "masterauth", "masteruser", "replicaof", "bind", "port", "tls-port", "unixsocket",
           "logfile", "dbfilename", "appendfilename", "appenddirname", "pidfile", "aclfile", "syslog-ident",
           "unixsocketperm", "maxmemory-policy", "appendonly", "cluster-config-file", "tls-cert-file", "tls-key-file",
           "tls-ca-cert-file", "tls-ca-cert-dir", "tls-client-cert-file", "tls-client-key-file", "tls-dh-params-file",
           "tls-key-file-pass", "tls-client-key-file-pass", "tls-protocols", "tls-ciphers", "tls-ciphersuites",
           "latency-tracking-info-percentiles", "cluster-announce-ip", "replica-announce-ip", "bind-source-addr",
           "locale-collate", "shutdown-on-sigint", "shutdown-on-sigterm", "enable-protected-configs",
           "enable-debug-command", "enable-module-command", "sanitize-dump-payload", "propagation-error-behavior"}


def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self.line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-", b":"):
            return (t.decode(), rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v.decode()
        if t == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(line)

    def cmd(self, *args):
        self.sock.sendall(enc(list(args)))
        return self.read()


def start():
    p = subprocess.Popen(["redis-server", "--port", str(PORT)], cwd=WORKDIR,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            return p, Conn(PORT)
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start")


def stop(p):
    p.kill()
    p.wait()


def error_of(reply):
    if isinstance(reply, tuple) and reply[0] == "-":
        marker = ") - "
        return reply[1][reply[1].index(marker) + len(marker):] if marker in reply[1] else reply[1]
    return None


def classify(name):
    """(kind, detail, default, immutable) for one canonical parameter, on a fresh server."""
    p, c = start()
    try:
        default = c.cmd("CONFIG", "GET", name)[1]
        probe = error_of(c.cmd("CONFIG", "SET", name, "not-a-valid-value-\x01"))
        if probe == "can't set immutable config":
            return ("immutable", "", default, True)
        if probe is None:
            return ("string", "", default, False)
        if probe.startswith("argument must be 'yes' or 'no'"):
            return ("bool", "", default, False)
        if probe.startswith("argument(s) must be one of the following: "):
            values = probe[len("argument(s) must be one of the following: "):]
            return ("enum", values, default, False)
        if probe in ("argument must be a memory value", "argument must be a memory or percent value"):
            kind = "memory" if probe == "argument must be a memory value" else "memoryOrPercent"
            bounds = ""
            for value in ("0", "18446744073709551615", "9223372036854775808"):
                msg = error_of(c.cmd("CONFIG", "SET", name, value))
                if msg and msg.startswith("argument must be between "):
                    bounds = msg[len("argument must be between "):-len(" inclusive")]
                    break
            if not bounds:
                kind += "Unsigned"   # accepts every value memtoull accepts (maxmemory …)
            return (kind, bounds, default, False)
        if probe == "argument couldn't be parsed into an integer":
            low = error_of(c.cmd("CONFIG", "SET", name, "-9223372036854775808"))
            high = error_of(c.cmd("CONFIG", "SET", name, "9223372036854775807"))
            for msg in (low, high):
                if msg and msg.startswith("argument must be between "):
                    return ("integer", msg[len("argument must be between "):-len(" inclusive")], default, False)
            return ("integer", "", default, False)
        return ("special", probe, default, False)
    finally:
        stop(p)


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    p, c = start()
    try:
        listed = c.cmd("CONFIG", "GET", "*")
    finally:
        stop(p)
    names = sorted(set(listed[0::2]))
    canonical = [n for n in names if n not in ALIASES]
    rows = []
    for name in canonical:
        if name in SPECIAL:
            p, c = start()
            try:
                default = c.cmd("CONFIG", "GET", name)[1]
                probe = error_of(c.cmd("CONFIG", "SET", name, c.cmd("CONFIG", "GET", name)[1]))
            finally:
                stop(p)
            immutable = probe == "can't set immutable config"
            rows.append((name, "immutable" if immutable else "special", "", default, immutable))
        else:
            rows.append((name,) + classify(name))
    aliases_of = {}
    for alias, target in sorted(ALIASES.items()):
        aliases_of.setdefault(target, []).append(alias)
    out = []
    out.append("// Generated by scripts/gen-config-table.py from redis-server 7.0 (CONFIG GET * and CONFIG SET probes).")
    out.append("// Do not edit by hand.")
    out.append("")
    out.append("/// Every parameter redis-server 7.0's CONFIG GET/SET knows: name, old aliases, kind, default.")
    out.append("enum RedisConfigTable {")
    out.append("    /// Kinds: bool, enum (detail = allowed values), integer / memory / memoryOrPercent")
    out.append("    /// (detail = \"min and max\"), string, special (hand-written handler), immutable.")
    out.append("    static let rows: [(name: String, aliases: [String], kind: String, detail: String, defaultValue: String)] = [")
    for name, kind, detail, default, _ in rows:
        default = DEFAULT_OVERRIDES.get(name, default)
        al = ", ".join(swift_string(a) for a in aliases_of.get(name, []))
        out.append(f"        ({swift_string(name)}, [{al}], {swift_string(kind)}, {swift_string(detail)}, {swift_string(default)}),")
    out.append("    ]")
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
