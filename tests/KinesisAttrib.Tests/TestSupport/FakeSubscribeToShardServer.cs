using System.Net;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// A SubscribeToShard server the test controls: Kestrel on a loopback port speaking HTTP/2 only (h2c with prior
/// knowledge, as kinesis-local's plain port), answering each request with the next queued responder (the last one
/// again when the queue is down to it). It records what each request carried and on which connection it came.
/// </summary>
internal sealed class FakeSubscribeToShardServer : IAsyncDisposable
{
    public const string EventStreamContentType = "application/vnd.amazon.eventstream";

    private readonly WebApplication _app;
    private readonly Queue<Func<HttpContext, Task>> _responders = new();
    private readonly List<RecordedSubscribe> _requests = [];

    private FakeSubscribeToShardServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<RecordedSubscribe> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <param name="maxStreamsPerConnection">Kestrel's HTTP/2 stream limit per connection (100 unless given).</param>
    public static async Task<FakeSubscribeToShardServer> StartAsync(int? maxStreamsPerConnection = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            if (maxStreamsPerConnection is { } limit)
            {
                kestrel.Limits.Http2.MaxStreamsPerConnection = limit;
            }
        });
        var app = builder.Build();
        FakeSubscribeToShardServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FakeSubscribeToShardServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return server;
    }

    /// <summary>Answers the next request with <paramref name="responder"/>.</summary>
    public FakeSubscribeToShardServer Respond(Func<HttpContext, Task> responder)
    {
        lock (_responders)
        {
            _responders.Enqueue(responder);
        }

        return this;
    }

    /// <summary>Answers the next request with these frames, then ends the response (a subscription's normal end).</summary>
    public FakeSubscribeToShardServer RespondFrames(params byte[][] frames) => Respond(async context =>
    {
        await StartEventStreamAsync(context);
        foreach (var frame in frames)
        {
            await context.Response.Body.WriteAsync(frame, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    });

    /// <summary>Answers the next request with an AWS JSON error, as Kinesis refuses a subscription before any event.</summary>
    public FakeSubscribeToShardServer RespondError(HttpStatusCode status, string errorType, string message) => Respond(async context =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = "req-refused";
        await context.Response.WriteAsync($$"""{"__type":"{{errorType}}","message":"{{message}}"}""", context.RequestAborted);
    });

    public static async Task StartEventStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = EventStreamContentType;
        context.Response.Headers["x-amzn-RequestId"] = "req-subscribe";
        await context.Response.StartAsync(context.RequestAborted);

        // Kestrel sends HTTP/2 headers with the first data unless flushed.
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>A client owning its handler (as in production) for this server, with explicit credentials and region.</summary>
    public KinesisHttpClient CreateClient(TimeSpan? timeout = null, TimeProvider? time = null) => new(new KinesisClientOptions
    {
        ServiceUrl = Endpoint,
        Region = "eu-west-1",
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
        TimeProvider = time ?? TimeProvider.System,
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new StreamReader(context.Request.Body);
        var recorded = new RecordedSubscribe(
            context.Request.Protocol,
            context.Connection.Id,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await body.ReadToEndAsync(context.RequestAborted));
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        Func<HttpContext, Task> responder;
        lock (_responders)
        {
            responder = _responders.Count > 1 ? _responders.Dequeue() : _responders.TryPeek(out var last) ? last : throw new InvalidOperationException("No responder queued.");
        }

        try
        {
            await responder(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream (disposed or cancelled its subscription).
        }
    }
}

/// <summary>What one SubscribeToShard request carried: protocol, connection, headers, body.</summary>
internal sealed record RecordedSubscribe(string Protocol, string ConnectionId, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}
