using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// <see cref="IKinesisClient"/> over HTTPS: the Kinesis JSON 1.1 protocol, signed with SigV4, with a per-attempt
/// timeout and a bounded retry (full-jitter exponential backoff, at most <see cref="KinesisClientOptions.MaxAttempts"/>
/// attempts within <see cref="KinesisClientOptions.RetryBudget"/>) for throttling, 5xx, transport failures and
/// garbled responses. Validation, access and not-found errors are never retried.
/// </summary>
/// <remarks>
/// Region, endpoint and credentials come from <see cref="KinesisClientOptions"/> or, when unset, from the environment,
/// the AWS profile and AWSSDK.Core's default credential chain; they are resolved on the first call, never in the
/// constructor, so building the client does no I/O.
/// </remarks>
public sealed class KinesisHttpClient : IKinesisClient, IDisposable
{
    private const string Service = "kinesis";
    private const string TargetPrefix = "Kinesis_20131202.";
    private const string JsonContentType = "application/x-amz-json-1.1";
    private static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Lazy<(string Region, Uri Endpoint)> _target;
    private readonly SemaphoreSlim _credentialsLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBudget;
    private readonly TimeSpan _retryBaseDelay;
    private readonly TimeSpan _maxRetryDelay;
    private AWSCredentials? _credentials;

    // How far the service's clock is ahead of ours, learnt from a clock-skew error's Date header (the AWS SDKs do the
    // same): SigV4 refuses a request signed more than five minutes off the service's time.
    private long _clockSkewTicks;

    /// <summary>Creates the client.</summary>
    /// <param name="options">Endpoint, region, credentials, timeout and retry settings; read once, here.</param>
    /// <param name="httpClient">
    /// An <see cref="HttpClient"/> to send through (e.g. from <c>IHttpClientFactory</c>); it is not disposed with this
    /// client. Null to create and own one.
    /// </param>
    public KinesisHttpClient(KinesisClientOptions options, HttpClient? httpClient = null)
        : this(options, httpClient, Environment.GetEnvironmentVariable, KinesisEndpointResolver.ProfileRegion)
    {
    }

    /// <summary>Creates the client with the given environment and profile lookups (tests pass their own).</summary>
    internal KinesisHttpClient(KinesisClientOptions options, HttpClient? httpClient, Func<string, string?> environment, Func<string, string?> profileRegion)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = options.TimeProvider;
        _timeout = options.Timeout;
        _maxAttempts = options.MaxAttempts;
        _retryBudget = options.RetryBudget;
        _retryBaseDelay = options.RetryBaseDelay;
        _maxRetryDelay = options.MaxRetryDelay;
        _credentials = options.Credentials;
        if (httpClient is null)
        {
            // The per-attempt timeout below governs; HttpClient's own would surface as a bare TaskCanceledException.
            _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
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

    /// <summary>The region the client signs for (resolved on first use).</summary>
    public string Region => _target.Value.Region;

    /// <summary>The endpoint the client calls (resolved on first use).</summary>
    public Uri Endpoint => _target.Value.Endpoint;

    /// <summary>How long one attempt may take.</summary>
    internal TimeSpan RequestTimeout => _timeout;

    /// <summary>Attempts per call for retryable failures.</summary>
    internal int MaxAttempts => _maxAttempts;

    /// <inheritdoc />
    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        if (shardCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, $"CreateStream '{streamName}': a stream needs at least one shard.");
        }

        return InvokeAsync<CreateStreamWireRequest, object>(
            "CreateStream",
            streamName,
            new CreateStreamWireRequest { StreamName = streamName, ShardCount = shardCount },
            KinesisJsonContext.Default.CreateStreamWireRequest,
            responseType: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        return InvokeAsync<DeleteStreamWireRequest, object>(
            "DeleteStream",
            streamName,
            new DeleteStreamWireRequest { StreamName = streamName },
            KinesisJsonContext.Default.DeleteStreamWireRequest,
            responseType: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "ListStreams",
            null,
            new ListStreamsWireRequest
            {
                Limit = request.Limit,
                ExclusiveStartStreamName = request.NextToken is null ? request.ExclusiveStartStreamName : null,
                NextToken = request.NextToken,
            },
            KinesisJsonContext.Default.ListStreamsWireRequest,
            KinesisJsonContext.Default.ListStreamsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return new ListStreamsResponse
        {
            StreamNames = response!.StreamNames ?? [],
            HasMoreStreams = response.HasMoreStreams ?? false,
            NextToken = response.NextToken,
        };
    }

    /// <inheritdoc />
    public async Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var response = await InvokeAsync(
            "DescribeStreamSummary",
            streamName,
            new StreamNameWireRequest { StreamName = streamName },
            KinesisJsonContext.Default.StreamNameWireRequest,
            KinesisJsonContext.Default.DescribeStreamSummaryWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!, streamName);
    }

    /// <inheritdoc />
    public async Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "ListShards",
            request.StreamName ?? request.StreamArn,
            KinesisWireMapper.ToWire(request),
            KinesisJsonContext.Default.ListShardsWireRequest,
            KinesisJsonContext.Default.ListShardsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!);
    }

    /// <inheritdoc />
    public async Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "GetShardIterator",
            request.StreamName,
            KinesisWireMapper.ToWire(request),
            KinesisJsonContext.Default.GetShardIteratorWireRequest,
            KinesisJsonContext.Default.GetShardIteratorWireResponse,
            cancellationToken).ConfigureAwait(false);
        return response!.ShardIterator
            ?? throw new MalformedResponseException($"Kinesis GetShardIterator{KinesisWireMapper.OnStream(request.StreamName)} returned no ShardIterator.");
    }

    /// <inheritdoc />
    public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ShardIterator);
        if (request.Limit is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Limit, $"GetRecords{KinesisWireMapper.OnStream(request.StreamName)}: Limit must be 1 to 10000.");
        }

        var response = await InvokeAsync(
            "GetRecords",
            request.StreamName,
            new GetRecordsWireRequest { ShardIterator = request.ShardIterator, Limit = request.Limit },
            KinesisJsonContext.Default.GetRecordsWireRequest,
            KinesisJsonContext.Default.GetRecordsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!);
    }

    /// <inheritdoc />
    public async Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "PutRecord",
            request.StreamName,
            new PutRecordWireRequest
            {
                StreamName = request.StreamName,
                Data = request.Data,
                PartitionKey = request.PartitionKey,
                ExplicitHashKey = request.ExplicitHashKey,
                SequenceNumberForOrdering = request.SequenceNumberForOrdering,
            },
            KinesisJsonContext.Default.PutRecordWireRequest,
            KinesisJsonContext.Default.PutRecordWireResponse,
            cancellationToken).ConfigureAwait(false);
        return new PutRecordResponse
        {
            ShardId = response!.ShardId ?? throw new MalformedResponseException("Kinesis PutRecord returned no ShardId."),
            SequenceNumber = response.SequenceNumber ?? throw new MalformedResponseException("Kinesis PutRecord returned no SequenceNumber."),
            EncryptionType = response.EncryptionType,
        };
    }

    /// <inheritdoc />
    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Records.Count is < 1 or > 500)
        {
            throw new ArgumentOutOfRangeException(
                nameof(request), request.Records.Count, $"PutRecords on stream '{request.StreamName}': {request.Records.Count} records; one call takes 1 to 500.");
        }

        var response = await InvokeAsync(
            "PutRecords",
            request.StreamName,
            KinesisWireMapper.ToWire(request),
            KinesisJsonContext.Default.PutRecordsWireRequest,
            KinesisJsonContext.Default.PutRecordsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!, request.Records.Count, request.StreamName);
    }

    /// <inheritdoc />
    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync<SplitShardWireRequest, object>(
            "SplitShard",
            request.StreamName,
            new SplitShardWireRequest { StreamName = request.StreamName, ShardToSplit = request.ShardToSplit, NewStartingHashKey = request.NewStartingHashKey },
            KinesisJsonContext.Default.SplitShardWireRequest,
            responseType: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync<MergeShardsWireRequest, object>(
            "MergeShards",
            request.StreamName,
            new MergeShardsWireRequest { StreamName = request.StreamName, ShardToMerge = request.ShardToMerge, AdjacentShardToMerge = request.AdjacentShardToMerge },
            KinesisJsonContext.Default.MergeShardsWireRequest,
            responseType: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TargetShardCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.TargetShardCount, $"UpdateShardCount on stream '{request.StreamName}': the target must be at least one shard.");
        }

        var response = await InvokeAsync(
            "UpdateShardCount",
            request.StreamName,
            new UpdateShardCountWireRequest { StreamName = request.StreamName, TargetShardCount = request.TargetShardCount, ScalingType = "UNIFORM_SCALING" },
            KinesisJsonContext.Default.UpdateShardCountWireRequest,
            KinesisJsonContext.Default.UpdateShardCountWireResponse,
            cancellationToken).ConfigureAwait(false);
        return new UpdateShardCountResponse
        {
            StreamName = response!.StreamName ?? request.StreamName,
            CurrentShardCount = response.CurrentShardCount ?? 0,
            TargetShardCount = response.TargetShardCount ?? request.TargetShardCount,
        };
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        _credentialsLock.Dispose();
    }

    private async Task<TResponse?> InvokeAsync<TRequest, TResponse>(
        string operation,
        string? streamName,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse>? responseType,
        CancellationToken cancellationToken)
        where TResponse : class
    {
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

            try
            {
                return await SendOnceAsync(operation, streamName, body, responseType, attemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (ex.ClockSkewCorrected && !clockCorrected && attempt < _maxAttempts)
            {
                // Signed with a clock the service disowned; the correction is in place: sign again at once.
                clockCorrected = true;
            }
            catch (KinesisException ex) when (ex.IsRetryable)
            {
                ex.Attempts = attempt;
                ex.Operation ??= operation;
                ex.StreamName ??= streamName;
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
                ex.Attempts = attempt;
                ex.Operation ??= operation;
                ex.StreamName ??= streamName;
                throw;
            }
        }
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
        exception is ProvisionedThroughputExceededException or LimitExceededException or KmsThrottlingException
        || exception.StatusCode == HttpStatusCode.TooManyRequests
        || KinesisException.IsThrottlingErrorType(exception.ErrorType)
        || exception.ErrorType.Contains("Throttl", StringComparison.Ordinal);

    /// <summary>
    /// Full jitter: a random delay up to base × 2^(attempt−1) (base × 5 after throttling, which needs the shard's
    /// one-second window to pass), capped at the maximum delay.
    /// </summary>
    internal TimeSpan Backoff(int attempt, bool throttled)
    {
        var baseMs = _retryBaseDelay.TotalMilliseconds * (throttled ? 5 : 1);
        var ceiling = Math.Min(_maxRetryDelay.TotalMilliseconds, baseMs * Math.Pow(2, Math.Min(attempt - 1, 30)));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }

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
            var credentials = await GetCredentialsAsync(operation, timeout.Token).ConfigureAwait(false);

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
                var error = KinesisWireMapper.ToException(
                    operation, streamName, response.StatusCode, requestId, FirstHeader(response, "x-amzn-ErrorType"), errorBody,
                    awsMessage => Redact(awsMessage, credentials));
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
                    ?? throw new MalformedResponseException(
                        $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} returned an empty body{RequestIdSuffix(requestId)}.", requestId);
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
            throw new MalformedResponseException(
                $"Kinesis {operation}{KinesisWireMapper.OnStream(streamName)} returned a body that is not the expected JSON{RequestIdSuffix(requestId)}: {ex.Message}",
                requestId,
                ex);
        }
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

    private async Task<ImmutableCredentials> GetCredentialsAsync(string operation, CancellationToken cancellationToken)
    {
        var source = Volatile.Read(ref _credentials);
        if (source is null)
        {
            await _credentialsLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                source = _credentials ??= await ResolveDefaultCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _credentialsLock.Release();
            }
        }

        // Asked on every request: the SDK's credential objects cache, and refresh (role, SSO, web identity) shortly
        // before expiry behind this call, so a long-running consumer never signs with expired keys.
        ImmutableCredentials? credentials;
        try
        {
            credentials = await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A credential source that could not refresh may succeed later. The SDK's sources fail with more than
            // AmazonClientException: STS errors are AmazonServiceException (a sibling type), credential_process failures
            // ProcessAWSCredentialException, an unreachable container endpoint HttpRequestException.
            throw new KinesisException(
                "CredentialsUnavailable",
                $"Kinesis {operation}: the AWS credentials could not be obtained from {source.GetType().Name}: {ex.Message}",
                innerException: ex);
        }

        return credentials ?? throw new KinesisException(
            "CredentialsUnavailable",
            $"Kinesis {operation}: {source.GetType().Name} gave no credentials (anonymous credentials cannot sign Kinesis requests).");
    }

    private static async Task<AWSCredentials> ResolveDefaultCredentialsAsync()
    {
        try
        {
            return await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new InvalidOperationException(
                "No AWS credentials for Kinesis: set KinesisClientOptions.Credentials, or configure the default chain "
                + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an AWS profile, or an instance/container role).",
                ex);
        }
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // AWS's signature-mismatch messages quote the canonical request, which includes the session token header.
    private static string Redact(string awsMessage, ImmutableCredentials credentials)
    {
        var message = awsMessage.Replace(credentials.SecretKey, "<redacted>", StringComparison.Ordinal);
        return credentials.UseToken ? message.Replace(credentials.Token, "<redacted>", StringComparison.Ordinal) : message;
    }
}
