using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);
var redisConnection = builder.Configuration.GetConnectionString("cache")!;
builder.Services.AddSingleton<IConnectionMultiplexer>(ConnectionMultiplexer.Connect(redisConnection));
builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redisConnection);
builder.Services.AddScoped<Api.Services.StockService>();

var app = builder.Build();
app.MapGet("/stock/{sku}", async (string sku, Api.Services.StockService s) => await s.Get(sku));
app.Run();
