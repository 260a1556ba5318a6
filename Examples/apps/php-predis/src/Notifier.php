<?php

namespace App;

use Predis\Client;

final class Notifier
{
    private Client $redis;

    public function __construct()
    {
        $this->redis = new Client([
            'scheme' => 'tls',
            'host' => getenv('REDIS_HOST'),
            'password' => getenv('REDIS_PASSWORD'),
        ]);
    }

    public function broadcast(string $channel, array $event): void
    {
        $this->redis->publish($channel, json_encode($event));
    }

    /** Mistake: one round trip per user. */
    public function markUnread(array $userIds): void
    {
        foreach ($userIds as $id) {
            $this->redis->hincrby("unread:$id", 'count', 1);
        }
    }

    public function enqueue(array $job): void
    {
        $this->redis->lpush('queue:emails', json_encode($job));
    }

    public function next(): ?string
    {
        $item = $this->redis->brpop(['queue:emails'], 5);
        return $item[1] ?? null;
    }
}
