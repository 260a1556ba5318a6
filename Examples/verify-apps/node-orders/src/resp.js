'use strict';
// A minimal Redis client on Node's built-in net/tls modules (RESP2), so the app runs with no npm
// packages: connect from a redis:// or rediss:// URL (user:password@host:port/db), AUTH, SELECT,
// send commands one at a time or as a pipeline. With rediss:// the server certificate is verified
// against REDIS_CA_CERT when set (else Node's trust store, which NODE_EXTRA_CA_CERTS extends).
const net = require('node:net');
const tls = require('node:tls');
const fs = require('node:fs');

class ReplyError extends Error {}

function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    out += `$${s.length}\r\n${s.toString('latin1')}\r\n`;
  }
  return Buffer.from(out, 'latin1');
}

// Parses one reply from buf at offset; returns [value, nextOffset] or null when incomplete.
function parse(buf, at) {
  const end = buf.indexOf('\r\n', at);
  if (end < 0) return null;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, end);
  switch (type) {
    case '+': return [line, end + 2];
    case '-': return [new ReplyError(line), end + 2];
    case ':': return [Number(line), end + 2];
    case '$': {
      const n = Number(line);
      if (n < 0) return [null, end + 2];
      if (buf.length < end + 2 + n + 2) return null;
      return [buf.toString('utf8', end + 2, end + 2 + n), end + 2 + n + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, end + 2];
      const items = [];
      let next = end + 2;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, next);
        if (r === null) return null;
        items.push(r[0]);
        next = r[1];
      }
      return [items, next];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

class Client {
  constructor(socket, timeoutMs) {
    this.socket = socket;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
    this.timeoutMs = timeoutMs;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.failAll(err));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let at = 0;
    while (this.pending.length) {
      const r = parse(this.buffer, at);
      if (r === null) break;
      at = r[1];
      const p = this.pending.shift();
      clearTimeout(p.timer);
      p.resolve(r[0]);
    }
    this.buffer = this.buffer.subarray(at);
  }

  failAll(err) {
    for (const p of this.pending.splice(0)) { clearTimeout(p.timer); p.reject(err); }
  }

  send(args) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout after ${this.timeoutMs} ms: ${args[0]}`)), this.timeoutMs);
      this.pending.push({ resolve, reject, timer });
      this.socket.write(encode(args));
    });
  }

  // One command; an error reply rejects.
  async call(...args) {
    const v = await this.send(args);
    if (v instanceof ReplyError) throw v;
    return v;
  }

  // Several commands in one write; resolves to the replies (errors included as ReplyError values).
  pipeline(commands) {
    return Promise.all(commands.map((c) => this.send(c)));
  }

  close() { this.socket.end(); }
}

function connect(url = process.env.REDIS_URL, { timeoutMs = 5000 } = {}) {
  if (!url) return Promise.reject(new Error('REDIS_URL is not set'));
  const u = new URL(url);
  const secure = u.protocol === 'rediss:';
  const port = Number(u.port || 6379);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    const ready = async () => {
      socket.removeListener('error', onError);
      const client = new Client(socket, timeoutMs);
      try {
        const password = decodeURIComponent(u.password);
        if (password) {
          const user = decodeURIComponent(u.username);
          await client.call(...(user ? ['AUTH', user, password] : ['AUTH', password]));
        }
        const db = u.pathname.replace('/', '');
        if (db && db !== '0') await client.call('SELECT', db);
        resolve(client);
      } catch (err) {
        client.close();
        reject(err);
      }
    };
    let socket;
    if (secure) {
      const ca = process.env.REDIS_CA_CERT ? [fs.readFileSync(process.env.REDIS_CA_CERT)] : undefined;
      socket = tls.connect({ host, port, ca, servername: net.isIP(host) ? undefined : host }, ready);
    } else {
      socket = net.connect({ host, port }, ready);
    }
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.once('error', onError);
  });
}

module.exports = { connect, ReplyError };
