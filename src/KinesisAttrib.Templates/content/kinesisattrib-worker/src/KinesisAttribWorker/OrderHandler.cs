using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace KinesisAttribWorker;

/// <summary>What producers put on the "orders" stream, one JSON object per record.</summary>
public sealed record Order(string OrderId, string CustomerId, decimal Amount);

/// <summary>Source-generated JSON metadata for the payloads: no reflection, trimming and Native AOT safe.</summary>
[JsonSerializable(typeof(Order))]
public sealed partial class OrderJsonContext : JsonSerializerContext;

/// <summary>Revenue per customer, in memory (replace with your store).</summary>
public sealed class OrderTotals
{
    private readonly ConcurrentDictionary<string, decimal> _totals = new(StringComparer.Ordinal);

    public void Add(Order order) => _totals.AddOrUpdate(order.CustomerId, order.Amount, (_, total) => total + order.Amount);

    public decimal Total(string customerId) => _totals.GetValueOrDefault(customerId);
}

public sealed class OrderHandler(OrderTotals totals)
{
    // One call per record, in shard order; the runtime checkpoints after each batch. The application name (its lease
    // table and checkpoints) comes from KinesisAttrib:ApplicationName in appsettings.json.
    [KinesisHandler("orders", JsonSerializerContext = typeof(OrderJsonContext))]
    public void OnOrder(Order order, RecordContext record)
    {
        ArgumentNullException.ThrowIfNull(order);
        totals.Add(order);
    }
}
