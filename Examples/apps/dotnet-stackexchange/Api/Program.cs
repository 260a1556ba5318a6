using Api.Services;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);

// One multiplexer for the whole process.
var redisUrl = Environment.GetEnvironmentVariable("REDIS_CONNECTION") ?? "localhost:6379";
builder.Services.AddSingleton<IConnectionMultiplexer>(ConnectionMultiplexer.Connect(redisUrl));
builder.Services.AddSingleton<CartService>();

var app = builder.Build();
app.MapGet("/cart/{id}", async (string id, CartService carts) => await carts.Get(id));
app.Run();
