<?php

return [
    'driver' => env('SESSION_DRIVER', 'redis'),
    'lifetime' => 120,
];
