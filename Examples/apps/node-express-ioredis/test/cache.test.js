const Redis = require('ioredis-mock');
const redis = new Redis();
test('keys in tests are fine', async () => {
  await redis.set('a', '1');
  expect(await redis.keys('*')).toEqual(['a']);
});
