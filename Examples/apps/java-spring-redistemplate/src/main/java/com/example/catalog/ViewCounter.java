package com.example.catalog;

import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.stereotype.Component;

@Component
public class ViewCounter {
    private final RedisTemplate<String, Long> counters;

    public ViewCounter(RedisTemplate<String, Long> counters) {
        this.counters = counters;
    }

    public Long hit(String sku) {
        return counters.opsForValue().increment("views:" + sku);
    }
}
