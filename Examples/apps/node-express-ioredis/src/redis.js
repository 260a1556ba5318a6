// Shared Redis connection for the API.
const Redis = require('ioredis');

const redis = new Redis(process.env.REDIS_URL, {
  maxRetriesPerRequest: 3,
});

module.exports = redis;
