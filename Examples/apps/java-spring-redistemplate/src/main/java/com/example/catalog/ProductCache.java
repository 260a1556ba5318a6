package com.example.catalog;

import java.time.Duration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

@Service
public class ProductCache {
    private final StringRedisTemplate redisTemplate;

    public ProductCache(StringRedisTemplate redisTemplate) {
        this.redisTemplate = redisTemplate;
    }

    public String price(String sku) {
        return redisTemplate.opsForValue().get("price:" + sku);
    }

    public void store(String sku, String price) {
        redisTemplate.opsForValue().set("price:" + sku, price, Duration.ofMinutes(10));
        redisTemplate.opsForSet().add("skus", sku);
    }
}
