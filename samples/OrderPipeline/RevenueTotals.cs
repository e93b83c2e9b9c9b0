using System.Collections.Concurrent;

namespace OrderPipeline;

/// <summary>Revenue per customer, kept by the <c>totals</c> application.</summary>
public sealed class RevenueTotals
{
    private readonly ConcurrentDictionary<string, decimal> _byCustomer = new(StringComparer.Ordinal);

    public void Add(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        _byCustomer.AddOrUpdate(order.CustomerId, order.Amount, (_, sum) => sum + order.Amount);
    }

    public IReadOnlyDictionary<string, decimal> Snapshot() => new Dictionary<string, decimal>(_byCustomer, StringComparer.Ordinal);
}
