'use strict';
// The order service's Redis use: cached product lookups, a per-client rate limit, view counters,
// a "most viewed" list and carts that expire.

// Cache-aside: ten minutes, then the database again.
async function getProduct(redis, id, loadFromDb) {
  const key = `cache:product:${id}`;
  const hit = await redis.call('GET', key);
  if (hit !== null) return JSON.parse(hit);
  const product = await loadFromDb(id);
  await redis.call('SETEX', key, 600, JSON.stringify(product));
  return product;
}

// Sliding-window rate limit: at most `limit` requests per minute and client.
async function allow(redis, clientId, limit = 100, now = Date.now()) {
  const key = `ratelimit:${clientId}`;
  const replies = await redis.pipeline([
    ['MULTI'],
    ['ZREMRANGEBYSCORE', key, 0, now - 60000],
    ['ZADD', key, now, `${now}-${Math.random()}`],
    ['ZCARD', key],
    ['EXPIRE', key, 60],
    ['EXEC'],
  ]);
  const exec = replies[5];
  if (!Array.isArray(exec)) throw new Error(`rate limit transaction failed: ${exec}`);
  return exec[2] <= limit;
}

// Product names and view counters (kept: they are the catalogue, not a cache).
async function recordView(redis, product) {
  await redis.pipeline([
    ['SET', `product:${product.id}:name`, product.name],
    ['SADD', 'products:ids', product.id],
    ['INCR', `product:${product.id}:views`],
  ]);
}

// The most viewed products, by name: one SORT ... BY ... GET on the server.
async function topProducts(redis, n) {
  return redis.call('SORT', 'products:ids', 'BY', 'product:*:views', 'DESC', 'LIMIT', 0, n, 'GET', 'product:*:name');
}

// A cart per session, gone after a day without activity.
async function addToCart(redis, session, productId, quantity) {
  const key = `cart:${session}`;
  await redis.pipeline([['HINCRBY', key, productId, quantity], ['EXPIRE', key, 86400]]);
  return redis.call('HGETALL', key);
}

module.exports = { getProduct, allow, recordView, topProducts, addToCart };
