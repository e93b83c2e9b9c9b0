using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Common;
using KinesisAttrib.Diagnostics;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// How one Kinesis call travels: serialised once, signed with SigV4 (<see cref="SigV4Signer"/>) using credentials from
/// <see cref="KinesisCredentialSource"/>, sent with a per-attempt timeout, its body read and decoded, its error
/// decoded (<see cref="KinesisErrorDecoder"/>), and retried with full-jitter back-off while the error is retryable,
/// attempts remain and the retry budget allows. <see cref="KinesisHttpClient"/> maps each operation onto it.
/// </summary>
internal sealed class KinesisRequestPipeline : IDisposable
{
    private const string Service = "kinesis";
    private const string TargetPrefix = "Kinesis_20131202.";
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string EventStreamContentType = "application/vnd.amazon.eventstream";
    private static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Lazy<(string Region, Uri Endpoint)> _target;
    private readonly KinesisCredentialSource _credentials;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBudget;
    private readonly Backoff _backoff;

    // A shard's limits are per second: after throttling the back-off starts five times higher.
    private readonly Backoff _throttledBackoff;

    // How far the service's clock is ahead of ours, learnt from a clock-skew error's Date header (the AWS SDKs do the
    // same): SigV4 refuses a request signed more than five minutes off the service's time.
    private long _clockSkewTicks;

    /// <summary>Creates the pipeline from validated options; resolves nothing yet.</summary>
    public KinesisRequestPipeline(KinesisClientOptions options, HttpClient? httpClient, Func<string, string?> environment, Func<string, string?> profileRegion)
    {
        _time = options.TimeProvider;
        _timeout = options.Timeout;
        _maxAttempts = options.MaxAttempts;
        _retryBudget = options.RetryBudget;
        _backoff = new Backoff(options.RetryBaseDelay, options.MaxRetryDelay, jitter: 1);
        _throttledBackoff = new Backoff(options.RetryBaseDelay * 5, options.MaxRetryDelay, jitter: 1);
        _credentials = new KinesisCredentialSource(options.Credentials);
        if (httpClient is null)
        {
            // The per-attempt timeout below governs; HttpClient's own would surface as a bare TaskCanceledException.
            // SubscribeToShard runs one HTTP/2 stream per shard on this handler's connections; a server allows about
            // 100 streams per connection, so a worker with more shards needs a second connection rather than a queue.
            // The stream window is what a subscription may have in flight unread: 1 MiB lets an event of a busy shard
            // arrive in one round trip (the 64 KiB default stalled kinesis-local's larger events on a shared connection)
            // and still bounds each shard's unread bytes.
            _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = true, InitialHttp2StreamWindowSize = 1024 * 1024 })
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            _ownsHttpClient = true;
        }
        else
        {
            _http = httpClient;
        }

        var serviceUrl = options.ServiceUrl;
        var region = options.Region;
        _target = new Lazy<(string, Uri)>(
            () => KinesisEndpointResolver.Resolve(serviceUrl, region, environment, profileRegion),
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The region and endpoint (resolved on first use).</summary>
    public (string Region, Uri Endpoint) Target => _target.Value;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan RequestTimeout => _timeout;

    /// <summary>Attempts per call for retryable failures.</summary>
    public int MaxAttempts => _maxAttempts;

    /// <summary>Disposes the <see cref="HttpClient"/> if the pipeline created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        _credentials.Dispose();
    }

    /// <summary>Sends <paramref name="request"/> as <paramref name="kinesisOperation"/>; null when that has no response type.</summary>
    public async Task<TResponse?> SendAsync<TRequest, TResponse>(
        KinesisOperation<TRequest, TResponse> kinesisOperation, string? streamName, TRequest request, CancellationToken cancellationToken)
        where TResponse : class
    {
        var (operation, requestType, responseType) = kinesisOperation;
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var started = _time.GetTimestamp();
        var clockCorrected = false;
        for (var attempt = 1; ; attempt++)
        {
            var attemptTimeout = _timeout;
            if (_retryBudget != System.Threading.Timeout.InfiniteTimeSpan)
            {
                var remaining = _retryBudget - _time.GetElapsedTime(started);
                if (attemptTimeout == System.Threading.Timeout.InfiniteTimeSpan || remaining < attemptTimeout)
                {
                    attemptTimeout = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1);
                }
            }

            var attemptStarted = _time.GetTimestamp();
            try
            {
                var response = await SendOnceAsync(operation, streamName, body, responseType, attemptTimeout, cancellationToken).ConfigureAwait(false);
                RecordAttempt(operation, streamName, "success", attemptStarted);
                return response;
            }
            catch (KinesisException ex) when (RecordFailedAttempt(operation, streamName, ex, attemptStarted))
            {
                // Never entered: the filter only times the attempt, the clauses below handle it.
                throw;
            }
            catch (KinesisException ex) when (ex.ClockSkewCorrected && !clockCorrected && attempt < _maxAttempts)
            {
                // Signed with a clock the service disowned; the correction is in place: sign again at once.
                clockCorrected = true;
            }
            catch (KinesisException ex) when (ex.IsRetryable)
            {
                Attribute(ex, attempt, operation, streamName);
                var delay = Backoff(attempt, IsThrottling(ex));
                var budgetSpent = _retryBudget != System.Threading.Timeout.InfiniteTimeSpan
                    && _time.GetElapsedTime(started) + delay >= _retryBudget;
                if (attempt >= _maxAttempts || budgetSpent)
                {
                    throw;
                }

                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex)
            {
                Attribute(ex, attempt, operation, streamName);
                throw;
            }
        }
    }

    // Times one failed attempt for kinesisattrib.client.request.duration; false, so it can run as an exception filter.
    private bool RecordFailedAttempt(string operation, string? streamName, KinesisException error, long attemptStarted)
    {
        RecordAttempt(operation, streamName, IsThrottling(error) ? "throttled" : error.ErrorType == "RequestTimeout" ? "timeout" : "error", attemptStarted);
        return false;
    }

    private void RecordAttempt(string operation, string? streamName, string outcome, long attemptStarted)
    {
        if (!KinesisAttribMetrics.RequestDuration.Enabled)
        {
            return;
        }

        ReadOnlySpan<KeyValuePair<string, object?>> stream = streamName is null ? [] : [new(TelemetryNames.Stream, streamName)];
        KinesisAttribMetrics.RecordRequest("Kinesis", operation, outcome, _time.GetElapsedTime(attemptStarted), stream);
    }

    // Errors raised below the operation (transport, credentials, decoding) learn here which call they ended.
    private static void Attribute(KinesisException error, int attempt, string operation, string? streamName)
    {
        error.Attempts = attempt;
        error.Operation ??= operation;
        error.StreamName ??= streamName;
    }

    /// <summary>
    /// After a clock-skew error, adopts the service's clock from its <c>Date</c> header when it is more than a minute
    /// from the time the request was signed with (a wrong secret with the clocks in step is not retried).
    /// </summary>
    private bool CorrectClockSkew(string errorType, DateTimeOffset? serverTime, DateTimeOffset signedAt)
    {
        if (serverTime is not { } server || !IsClockSkewErrorType(errorType) || (server - signedAt).Duration() <= ClockSkewTolerance)
        {
            return false;
        }

        Volatile.Write(ref _clockSkewTicks, (server - _time.GetUtcNow()).Ticks);
        return true;
    }

    /// <summary>The error types the AWS SDKs treat as a possible clock skew.</summary>
    private static bool IsClockSkewErrorType(string errorType) => errorType is
        "RequestTimeTooSkewed" or "RequestExpired" or "InvalidSignatureException" or "SignatureDoesNotMatch"
        or "AuthFailure" or "RequestInTheFuture";

    private static bool IsThrottling(KinesisException exception) =>
        exception.ErrorType is "ProvisionedThroughputExceededException" or "LimitExceededException"
        || exception.StatusCode == HttpStatusCode.TooManyRequests
        || KinesisException.IsThrottlingErrorType(exception.ErrorType)
        || exception.ErrorType.Contains("Throttl", StringComparison.Ordinal);


    /// <summary>
    /// Full jitter: a random delay up to base × 2^(attempt−1) (base × 5 after throttling, which needs the shard's
    /// one-second window to pass), capped at the maximum delay.
    /// </summary>
    internal TimeSpan Backoff(int attempt, bool throttled) => (throttled ? _throttledBackoff : _backoff).Delay(attempt);

    private async Task<TResponse?> SendOnceAsync<TResponse>(
        string operation,
        string? streamName,
        byte[] body,
        JsonTypeInfo<TResponse>? responseType,
        TimeSpan attemptTimeout,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        var (region, endpoint) = _target.Value;
        using var timer = new CancellationTokenSource(attemptTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        string? requestId = null;
        try
        {
            var credentials = await _credentials.GetAsync(operation, timeout.Token).ConfigureAwait(false);

            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
            message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
            var signedAt = _time.GetUtcNow() + TimeSpan.FromTicks(Volatile.Read(ref _clockSkewTicks));
            SigV4Signer.Sign(
                message, body, credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null,
                region, Service, signedAt.UtcDateTime);

            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            requestId = FirstHeader(response, "x-amzn-RequestId") ?? FirstHeader(response, "x-amz-request-id");
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                var error = KinesisErrorDecoder.ToException(
                    operation, streamName, response.StatusCode, requestId, FirstHeader(response, "x-amzn-ErrorType"), errorBody,
                    awsMessage => KinesisCredentialSource.Redact(awsMessage, credentials));
                error.ClockSkewCorrected = CorrectClockSkew(error.ErrorType, response.Headers.Date, signedAt);
                throw error;
            }

            if (responseType is null)
            {
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await ReadResponseAsync(stream, responseType, timeout.Token, response.Content.Headers.ContentLength).ConfigureAwait(false)
                    ?? throw KinesisException.Malformed(
                        $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} returned an empty body{RequestIdSuffix(requestId)}.", requestId: requestId);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(operation, streamName, attemptTimeout, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && cancellationToken.IsCancellationRequested)
        {
            // Cancelling aborts the connection, and a body stream may report that as a reset: the caller's
            // cancellation is what happened, and it is never retried.
            throw new OperationCanceledException($"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && timer.IsCancellationRequested)
        {
            throw TimedOut(operation, streamName, attemptTimeout, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new KinesisException(
                "TransportFailure", $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} failed to reach {endpoint}: {ex.Message}", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new KinesisException(
                "TransportFailure", $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} lost its connection to {endpoint}: {ex.Message}", innerException: ex);
        }
        catch (JsonException ex)
        {
            throw KinesisException.Malformed(
                $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} returned a body that is not the expected JSON{RequestIdSuffix(requestId)}: {ex.Message}",
                requestId: requestId,
                innerException: ex);
        }
    }

    /// <summary>
    /// Opens a call whose answer is an event stream (SubscribeToShard): signed like every call, sent over HTTP/2 only
    /// (h2c with prior knowledge on an <c>http://</c> endpoint, ALPN on <c>https://</c>), bounded by the per-attempt
    /// timeout until the response headers arrive and by nothing after that (the body lasts up to five minutes; the
    /// caller's token and disposal end it). Never retried here: its caller re-subscribes at its own pace. A refusal
    /// throws the decoded error, a transport failure a retryable <see cref="KinesisException"/>. The caller owns the
    /// response and its body.
    /// </summary>
    public async Task<(HttpResponseMessage Response, Stream Body)> OpenEventStreamAsync(
        string operation, string? streamName, byte[] body, CancellationToken cancellationToken)
    {
        var (region, endpoint) = _target.Value;
        var attemptStarted = _time.GetTimestamp();
        using var timer = new CancellationTokenSource(_timeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        HttpRequestMessage? message = null;
        HttpResponseMessage? response = null;
        try
        {
            var credentials = await _credentials.GetAsync(operation, timeout.Token).ConfigureAwait(false);

            // Not disposed on success: with HTTP/2 the response can outrun the request, which the response still refers to.
            message = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new ByteArrayContent(body),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
            message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
            var signedAt = _time.GetUtcNow() + TimeSpan.FromTicks(Volatile.Read(ref _clockSkewTicks));
            SigV4Signer.Sign(
                message, body, credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null,
                region, Service, signedAt.UtcDateTime);

            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var requestId = FirstHeader(response, "x-amzn-RequestId") ?? FirstHeader(response, "x-amz-request-id");
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                var error = KinesisErrorDecoder.ToException(
                    operation, streamName, response.StatusCode, requestId, FirstHeader(response, "x-amzn-ErrorType"), errorBody,
                    awsMessage => KinesisCredentialSource.Redact(awsMessage, credentials));
                error.ClockSkewCorrected = CorrectClockSkew(error.ErrorType, response.Headers.Date, signedAt);
                throw error;
            }

            if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType != EventStreamContentType)
            {
                throw KinesisException.Malformed(
                    $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} answered with {mediaType} instead of an event stream ({EventStreamContentType}){RequestIdSuffix(requestId)}.",
                    operation,
                    streamName,
                    requestId);
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            RecordAttempt(operation, streamName, "success", attemptStarted);
            var opened = (response, stream);
            response = null;
            message = null;
            return opened;
        }
        catch (KinesisException ex) when (RecordFailedAttempt(operation, streamName, ex, attemptStarted))
        {
            throw;
        }
        catch (KinesisException ex)
        {
            Attribute(ex, 1, operation, streamName);
            throw;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Attributed(TimedOut(operation, streamName, _timeout, ex), operation, streamName, attemptStarted);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} was cancelled.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && timer.IsCancellationRequested)
        {
            throw Attributed(TimedOut(operation, streamName, _timeout, ex), operation, streamName, attemptStarted);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Attributed(
                new KinesisException(
                    "TransportFailure",
                    $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} failed to reach {endpoint} over HTTP/2: {ex.Message}",
                    innerException: ex),
                operation,
                streamName,
                attemptStarted);
        }
        finally
        {
            response?.Dispose();
            message?.Dispose();
        }
    }

    private KinesisException Attributed(KinesisException error, string operation, string? streamName, long attemptStarted)
    {
        RecordFailedAttempt(operation, streamName, error, attemptStarted);
        Attribute(error, 1, operation, streamName);
        return error;
    }

    private static KinesisException TimedOut(string operation, string? streamName, TimeSpan attemptTimeout, Exception inner) =>
        new(
            "RequestTimeout",
            $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} did not complete within "
            + $"{attemptTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s "
            + "(KinesisClientOptions.Timeout, or what was left of RetryBudget).",
            innerException: inner);

    /// <summary>
    /// Decodes a response body; GetRecords records go straight into the public model (see
    /// <see cref="KinesisRecordJsonConverter"/>). The body is first read whole into a pooled buffer and then parsed in
    /// one synchronous pass: System.Text.Json's streaming mode would scan every record twice to make sure a custom
    /// converter sees it complete, and Kinesis bodies are bounded (GetRecords at most ~14 MB of base64).
    /// </summary>
    internal static async ValueTask<TResponse?> ReadResponseAsync<TResponse>(
        Stream body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, long? contentLength = null)
    {
        // Pre-size from Content-Length (plus one byte so the final zero-length read needs no growth), trusting it only
        // up to 32 MiB; a larger body still reads, by doubling.
        var buffer = ArrayPool<byte>.Shared.Rent(contentLength is > 0 and < 32 * 1024 * 1024 ? (int)contentLength.Value + 1 : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), responseType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string RequestIdSuffix(string? requestId) => requestId is null ? string.Empty : $" (request id {requestId})";

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
