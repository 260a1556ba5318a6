import Redis from 'ioredis';

export const store = new Redis(process.env.REDIS_URL ?? 'redis://localhost:6379');
store.on('error', (err) => console.error('kv', err));
