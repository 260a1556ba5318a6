using System.Text.Json;
using StackExchange.Redis;

namespace Api.Services;

public class CartService
{
    private readonly IDatabase db;

    public CartService(IConnectionMultiplexer redis)
    {
        db = redis.GetDatabase();
    }

    public async Task<string?> Get(string id)
    {
        return await db.StringGetAsync($"cart:{id}");
    }

    public async Task Save(string id, object cart)
    {
        await db.StringSetAsync($"cart:{id}", JsonSerializer.Serialize(cart), TimeSpan.FromHours(2));
    }

    // Mistake: no expiry on a cached value.
    public async Task Remember(string id, string value)
    {
        await db.StringSetAsync($"last:{id}", value);
    }

    // Mistake: a connection per call.
    public long Visits(string id)
    {
        var mux = ConnectionMultiplexer.Connect("cache.prod.example.com:6380,ssl=true");
        return mux.GetDatabase().StringIncrement($"visits:{id}");
    }

    public async Task Publish(string id)
    {
        await db.PublishAsync(RedisChannel.Literal("carts"), id);
    }
}
