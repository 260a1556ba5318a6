<?php

return [
    'default' => env('CACHE_STORE', 'redis'),
    'stores' => [
        'redis' => ['driver' => 'redis', 'connection' => 'cache'],
    ],
];
