'use strict';
// The order service's HTTP API (node src/server.js), on Node's built-in http module.
const http = require('node:http');
const { connect } = require('./resp');
const orders = require('./orders');

const catalogue = new Map([['1', { id: '1', name: 'kettle' }], ['2', { id: '2', name: 'teapot' }]]);

async function main() {
  const redis = await connect(process.env.ORDERS_REDIS_URL || process.env.REDIS_URL);
  const server = http.createServer(async (req, res) => {
    try {
      if (!(await orders.allow(redis, req.socket.remoteAddress))) { res.writeHead(429).end(); return; }
      const m = req.url.match(/^\/products\/(\w+)$/);
      if (m) {
        const p = await orders.getProduct(redis, m[1], async (id) => catalogue.get(id) || null);
        if (p) await orders.recordView(redis, p);
        res.writeHead(p ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(p));
      } else if (req.url === '/top') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await orders.topProducts(redis, 5)));
      } else {
        res.writeHead(404).end();
      }
    } catch (err) {
      res.writeHead(500).end(String(err.message));
    }
  });
  server.listen(Number(process.env.PORT || 3000), '127.0.0.1');
}

if (require.main === module) main().catch((err) => { console.error(err.message); process.exit(1); });
