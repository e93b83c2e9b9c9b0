using System.Collections.Concurrent;
using Amazon.Runtime;

namespace KinesisAttrib.Benchmarks.Harness;

/// <summary>
/// Counts the HTTP requests a DynamoDB client really sends, by operation (<c>X-Amz-Target</c>, e.g.
/// <c>DynamoDB_20120810.UpdateItem</c>): retries count, in-memory calls that never reach the wire do not.
/// </summary>
public sealed class RequestCounter
{
    private readonly ConcurrentDictionary<string, long> _byOperation = new(StringComparer.Ordinal);
    private long _total;
    private long _maxTicks;
    private long _slow;

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byOperation, StringComparer.Ordinal);

    /// <summary>The slowest request (sent to answered) and the number slower than one second since the last call.</summary>
    public (TimeSpan Max, long SlowerThanOneSecond) TakeLatency() =>
        (TimeSpan.FromTicks(Interlocked.Exchange(ref _maxTicks, 0)), Interlocked.Exchange(ref _slow, 0));

    internal void Answered(TimeSpan elapsed)
    {
        var ticks = elapsed.Ticks;
        var max = Interlocked.Read(ref _maxTicks);
        while (ticks > max && Interlocked.CompareExchange(ref _maxTicks, ticks, max) != max)
        {
            max = Interlocked.Read(ref _maxTicks);
        }

        if (elapsed >= TimeSpan.FromSeconds(1))
        {
            Interlocked.Increment(ref _slow);
        }
    }

    internal void Count(HttpRequestMessage request)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "?";
        var operation = target[(target.LastIndexOf('.') + 1)..];
        _byOperation.AddOrUpdate(operation, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }
}

/// <summary>A delegating handler under the SDK's HTTP client that counts each request before sending it and times its answer.</summary>
internal sealed class CountingHandler(RequestCounter counter) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Count(request);
        var sent = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            counter.Answered(System.Diagnostics.Stopwatch.GetElapsedTime(sent));
        }
    }
}

/// <summary>Gives the AWS SDK an <see cref="HttpClient"/> whose pipeline runs through <see cref="CountingHandler"/>.</summary>
internal sealed class CountingHttpClientFactory(RequestCounter counter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new CountingHandler(counter));

    // One client per SDK client, never shared with an uncounted one.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
