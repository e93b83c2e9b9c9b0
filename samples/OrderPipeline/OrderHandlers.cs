using KinesisAttrib.Handlers;

namespace OrderPipeline;

/// <summary>Archives every order as one JSON line (application <c>archive</c>).</summary>
public sealed class ArchiveHandler(ArchiveWriter archive, PipelineProgress progress)
{
    [KinesisHandler(OrderStreams.Orders, ApplicationName = "archive", JsonSerializerContext = typeof(OrderJsonContext))]
    public async Task OnOrder(Order order, RecordContext record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        await archive.AppendAsync(order, record, cancellationToken);
        progress.Processed("archive", record.ShardId, order.OrderId);
    }
}

/// <summary>Keeps revenue per customer (application <c>totals</c>).</summary>
public sealed class TotalsHandler(RevenueTotals totals, PipelineProgress progress)
{
    [KinesisHandler(OrderStreams.Orders, ApplicationName = "totals", JsonSerializerContext = typeof(OrderJsonContext))]
    public Task OnOrder(Order order, RecordContext record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        totals.Add(order);
        progress.Processed("totals", record.ShardId, order.OrderId);
        return Task.CompletedTask;
    }
}

/// <summary>The stream name the handlers are written against; <c>consume --stream S</c> maps it to S.</summary>
public static class OrderStreams
{
    public const string Orders = "orders";
}
