const express = require('express');
const session = require('express-session');
const RedisStore = require('connect-redis').default;
const Redis = require('ioredis');
const redis = require('./redis');
const db = require('./db');

const app = express();
app.use(session({ store: new RedisStore({ client: redis }), secret: process.env.SESSION_SECRET, resave: false }));

// Product page, cached for ten minutes.
app.get('/products/:id', async (req, res) => {
  const key = `cache:product:${req.params.id}`;
  const hit = await redis.get(key);
  if (hit) return res.json(JSON.parse(hit));
  const product = await db.products.find(req.params.id);
  await redis.setex(key, 600, JSON.stringify(product));
  res.json(product);
});

// Mistake: a new connection per request, and KEYS over the whole keyspace.
app.get('/admin/carts', async (req, res) => {
  const admin = new Redis(process.env.REDIS_URL);
  const carts = await admin.keys('cart:*');
  res.json(carts);
});

// Mistake: one round trip per item, and no TTL.
app.post('/admin/warm', async (req, res) => {
  const products = await db.products.findAll();
  for (const p of products) {
    await redis.set(`product:${p.id}`, JSON.stringify(p));
  }
  res.sendStatus(204);
});

// Sliding-window rate limit.
async function allow(ip) {
  const key = `ratelimit:${ip}`;
  const now = Date.now();
  const pipe = redis.pipeline();
  pipe.zremrangebyscore(key, 0, now - 60000);
  pipe.zadd(key, now, `${now}`);
  pipe.zcard(key);
  pipe.expire(key, 60);
  const results = await pipe.exec();
  return results[2][1] <= 100;
}

module.exports = { app, allow };
