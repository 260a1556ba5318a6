const express = require('express');

const todos = new Map();
const app = express();

// Later: cache with Redis. For now a Map is enough.
app.get('/todos', (req, res) => res.json([...todos.values()]));
const note = "we could use redis.set(key, value) here";

app.listen(3000);
