using KinesisAttrib.Handlers;

// Every handler in this assembly reads JSON through the source-generated OrderJsonContext: no reflection, Native AOT safe.
[assembly: KinesisHandlerDefaults(JsonSerializerContext = typeof(OrderPipeline.OrderJsonContext))]

namespace OrderPipeline;

/// <summary>Archives every order as one JSON line (application <c>archive</c>): a per-record handler.</summary>
public sealed class ArchiveHandler(ArchiveWriter archive, PipelineProgress progress)
{
    [KinesisHandler(OrderStreams.Orders, ApplicationName = "archive")]
    public async Task OnOrder(Order order, RecordContext record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        await archive.AppendAsync(order, record, cancellationToken);
        progress.Processed("archive", record.ShardId, order.OrderId);
    }
}

/// <summary>
/// Keeps revenue per customer (application <c>totals</c>): a batch handler, static, with its services as parameters.
/// It checkpoints every 1,000 records or 5 seconds instead of after every batch.
/// </summary>
public static class TotalsHandler
{
    [KinesisHandler(OrderStreams.Orders, ApplicationName = "totals", CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 1_000, CheckpointIntervalSeconds = 5)]
    public static void OnOrders(IReadOnlyList<Order> orders, BatchContext batch, RevenueTotals totals, PipelineProgress progress)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var order in orders)
        {
            totals.Add(order);
            progress.Processed("totals", batch.ShardId, order.OrderId);
        }
    }
}

/// <summary>The stream name the handlers are written against; <c>consume --stream S</c> maps it to S.</summary>
public static class OrderStreams
{
    public const string Orders = "orders";
}
