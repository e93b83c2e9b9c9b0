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

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byOperation, StringComparer.Ordinal);

    internal void Count(HttpRequestMessage request)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "?";
        var operation = target[(target.LastIndexOf('.') + 1)..];
        _byOperation.AddOrUpdate(operation, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }
}

/// <summary>A delegating handler under the SDK's HTTP client that counts each request before sending it.</summary>
internal sealed class CountingHandler(RequestCounter counter) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Count(request);
        return base.SendAsync(request, cancellationToken);
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
