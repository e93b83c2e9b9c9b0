using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>A transport fault of the kind Kinesis clients meet in production.</summary>
public enum Fault
{
    None,

    /// <summary>HTTP 400 ProvisionedThroughputExceededException, as the service throttles a shard.</summary>
    Throttle,

    /// <summary>HTTP 500 InternalFailure.</summary>
    ServerError,

    /// <summary>HTTP 503 with an HTML body, as a load balancer answers.</summary>
    Unavailable,

    /// <summary>The connection is reset before the request reaches the service.</summary>
    ResetBeforeSend,

    /// <summary>The service handled the request but the connection is reset before the answer arrives.</summary>
    ResetAfterSend,

    /// <summary>The call never answers (until the caller's timeout cancels it).</summary>
    Stall,

    /// <summary>HTTP 200 with the body cut in half (malformed JSON).</summary>
    TruncatedBody,
}

/// <summary>
/// A <see cref="DelegatingHandler"/> between <c>KinesisHttpClient</c> and the service that injects faults by a plan:
/// a function of the call number and the Kinesis operation.
/// </summary>
internal sealed class FaultInjectingHandler(HttpMessageHandler inner, Func<int, string, Fault> plan) : DelegatingHandler(inner)
{
    private int _calls;

    public ConcurrentDictionary<Fault, int> Injected { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public int FaultCount => Injected.Values.Sum();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var fault = plan(call, operation);
        if (fault != Fault.None)
        {
            Injected.AddOrUpdate(fault, 1, (_, n) => n + 1);
        }

        switch (fault)
        {
            case Fault.Throttle:
                return Json(HttpStatusCode.BadRequest, """{"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded for shard (injected)."}""");
            case Fault.ServerError:
                return Json(HttpStatusCode.InternalServerError, """{"__type":"InternalFailure","message":"injected"}""");
            case Fault.Unavailable:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("<html><body>503 Service Unavailable</body></html>") };
            case Fault.ResetBeforeSend:
                throw new HttpRequestException("An error occurred while sending the request (injected).", new IOException("Connection reset by peer (injected)."));
            case Fault.ResetAfterSend:
            {
                using var served = await base.SendAsync(request, cancellationToken);
                throw new HttpRequestException("The response ended prematurely (injected).", new IOException("Connection reset by peer (injected)."));
            }

            case Fault.Stall:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("unreachable");
            case Fault.TruncatedBody:
            {
                using var served = await base.SendAsync(request, cancellationToken);
                var body = await served.Content.ReadAsByteArrayAsync(cancellationToken);
                var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body[..(body.Length / 2)]) };
                response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "truncated");
                return response;
            }

            default:
                return await base.SendAsync(request, cancellationToken);
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "injected-" + Guid.NewGuid().ToString("N")[..8]);
        return response;
    }
}
