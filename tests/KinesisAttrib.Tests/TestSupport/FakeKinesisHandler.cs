using System.Net;
using System.Text;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>One request as the fake saw it; headers keyed case-insensitively, values comma-joined.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}

/// <summary>An <see cref="HttpMessageHandler"/> that records requests and answers from a script.</summary>
internal sealed class FakeKinesisHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public FakeKinesisHandler Respond(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        lock (_script)
        {
            _script.Enqueue(responder);
        }

        return this;
    }

    public FakeKinesisHandler RespondJson(string json, HttpStatusCode status = HttpStatusCode.OK, string? requestId = "req-0001") =>
        Respond((_, _) => Task.FromResult(Json(json, status, requestId)));

    public FakeKinesisHandler RespondError(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest, string requestId = "req-err") =>
        RespondJson($$"""{"__type":"{{type}}","message":"{{message}}"}""", status, requestId);

    public FakeKinesisHandler Throw(Exception exception) => Respond((_, _) => Task.FromException<HttpResponseMessage>(exception));

    public FakeKinesisHandler Hang() => Respond(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK, string? requestId = "req-0001")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        if (requestId is not null)
        {
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", requestId);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(",", header.Value);
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> next;
        lock (_script)
        {
            next = _script.Count > 0 ? _script.Dequeue() : throw new InvalidOperationException("The fake has no scripted response left.");
        }

        return await next(recorded, cancellationToken);
    }
}
