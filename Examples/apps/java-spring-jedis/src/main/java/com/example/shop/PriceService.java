package com.example.shop;

import java.time.Duration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;
import redis.clients.jedis.Jedis;

@Service
public class PriceService {
    private final StringRedisTemplate redisTemplate;

    public PriceService(StringRedisTemplate redisTemplate) {
        this.redisTemplate = redisTemplate;
    }

    public String price(String sku) {
        String cached = redisTemplate.opsForValue().get("price:" + sku);
        if (cached != null) {
            return cached;
        }
        String fresh = lookup(sku);
        redisTemplate.opsForValue().set("price:" + sku, fresh, Duration.ofMinutes(5));
        return fresh;
    }

    public void remember(String sku, String value) {
        // Mistake: no TTL.
        redisTemplate.opsForValue().set("last:" + sku, value);
    }

    public long views(String sku) {
        // Mistake: a connection per call, no pool.
        Jedis jedis = new Jedis("cache.internal.example.com", 6379);
        try {
            return jedis.incr("views:" + sku);
        } finally {
            jedis.close();
        }
    }

    private String lookup(String sku) {
        return "9.99";
    }
}
