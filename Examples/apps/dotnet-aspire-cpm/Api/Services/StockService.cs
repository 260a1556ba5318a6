using StackExchange.Redis;

namespace Api.Services;

public class StockService
{
    private readonly IDatabase _db;

    public StockService(IConnectionMultiplexer mux)
    {
        _db = mux.GetDatabase();
    }

    public async Task<long> Get(string sku)
    {
        var value = await _db.StringGetAsync($"stock:{sku}");
        return value.HasValue ? (long)value : 0;
    }

    public Task<long> Reserve(string sku, long n) => _db.StringDecrementAsync($"stock:{sku}", n);
}
