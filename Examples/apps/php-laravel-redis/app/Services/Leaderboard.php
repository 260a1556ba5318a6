<?php

namespace App\Services;

use Illuminate\Support\Facades\Redis;

class Leaderboard
{
    public function add(string $user, int $points): void
    {
        Redis::zincrby('leaderboard', $points, $user);
    }

    public function top(): array
    {
        return Redis::zrevrange('leaderboard', 0, 9, ['withscores' => true]);
    }
}
