using KinesisAttrib.Handlers;

namespace KinesisAttrib.Benchmarks.HotPath;

/// <summary>
/// Handlers compiled by the real generator (the project references it as an analyzer), so the hot-path benchmark runs
/// the processors a user project would get. Every handler does the same trivial work as the baselines: it adds the
/// quantity to <see cref="Sink"/>.
/// </summary>
public static class OrderHandlers
{
    public const string Stream = "bench-orders";

    /// <summary>What the handlers add up; read so the work cannot be optimised away.</summary>
    public static long Sink { get; set; }

    /// <summary>The smallest shape: the payload only, synchronous.</summary>
    [KinesisHandler(Stream, ApplicationName = "bench-sync", JsonSerializerContext = typeof(OrderJsonContext))]
    public static void OnOrder(Order order) => Sink += order.Quantity;

    /// <summary>The shape of the README: payload, record context and token, returning a Task.</summary>
    [KinesisHandler(Stream, ApplicationName = "bench-async", JsonSerializerContext = typeof(OrderJsonContext))]
    public static Task OnOrderAsync(Order order, RecordContext record, CancellationToken cancellationToken)
    {
        Sink += order.Quantity + record.SubSequenceNumber;
        return Task.CompletedTask;
    }

    /// <summary>The smallest shape again, decoded by the floor's hand-written parser instead of System.Text.Json.</summary>
    [KinesisHandler(Stream, ApplicationName = "bench-custom", Deserializer = typeof(OrderParser))]
    public static void OnParsedOrder(Order order) => Sink += order.Quantity;

    private static long s_delivered;

    /// <summary>Records seen by <see cref="OnBytes"/>, across shards.</summary>
    public static long Delivered => Interlocked.Read(ref s_delivered);

    /// <summary>
    /// A no-op on the raw bytes (it only counts), for the end-to-end, failover and memory suites: what they measure is
    /// the plumbing. Its stream and application names are replaced by the suites.
    /// </summary>
    [KinesisHandler("bench-e2e", ApplicationName = "bench-e2e")]
    public static void OnBytes(ReadOnlyMemory<byte> data) => Interlocked.Increment(ref s_delivered);
}
