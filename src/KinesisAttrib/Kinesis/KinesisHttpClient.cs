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
/// timeout and a small bounded retry (jittered exponential backoff) for throttling, 5xx and transport failures.
/// </summary>
/// <remarks>
/// Region and credentials come from <see cref="KinesisClientOptions"/> or, when unset, from AWSSDK.Core's default
/// chains; both are resolved on the first call, never in the constructor, so building the client does no I/O.
/// </remarks>
public sealed class KinesisHttpClient : IKinesisClient, IDisposable
{
    private const string Service = "kinesis";
    private const string TargetPrefix = "Kinesis_20131202.";
    private const string JsonContentType = "application/x-amz-json-1.1";
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(5);

    private readonly KinesisClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Lazy<(string Region, Uri Endpoint)> _target;
    private readonly SemaphoreSlim _credentialsLock = new(1, 1);
    private AWSCredentials? _credentials;

    /// <summary>Creates the client.</summary>
    /// <param name="options">Endpoint, region, credentials, timeout and attempts.</param>
    /// <param name="httpClient">
    /// An <see cref="HttpClient"/> to send through (e.g. from <c>IHttpClientFactory</c>); it is not disposed with this
    /// client. Null to create and own one.
    /// </param>
    public KinesisHttpClient(KinesisClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "KinesisClientOptions.Timeout must be positive.");
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "KinesisClientOptions.MaxAttempts must be at least 1.");
        }

        _options = options;
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

        _target = new Lazy<(string, Uri)>(ResolveTarget, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        return InvokeAsync<CreateStreamWireRequest, object>(
            "CreateStream",
            new CreateStreamWireRequest { StreamName = streamName, ShardCount = shardCount },
            KinesisJsonContext.Default.CreateStreamWireRequest,
            responseType: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StreamSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var response = await InvokeAsync(
            "DescribeStreamSummary",
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
        var wire = new ListShardsWireRequest
        {
            // The service rejects a stream name next to a NextToken; the token already names the stream.
            StreamName = request.NextToken is null ? request.StreamName : null,
            NextToken = request.NextToken,
            MaxResults = request.MaxResults,
        };
        var response = await InvokeAsync(
            "ListShards",
            wire,
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
            KinesisWireMapper.ToWire(request),
            KinesisJsonContext.Default.GetShardIteratorWireRequest,
            KinesisJsonContext.Default.GetShardIteratorWireResponse,
            cancellationToken).ConfigureAwait(false);
        return response!.ShardIterator
            ?? throw new KinesisException("MalformedResponse", "Kinesis GetShardIterator returned no ShardIterator.", HttpStatusCode.OK);
    }

    /// <inheritdoc />
    public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "GetRecords",
            new GetRecordsWireRequest { ShardIterator = request.ShardIterator, Limit = request.Limit },
            KinesisJsonContext.Default.GetRecordsWireRequest,
            KinesisJsonContext.Default.GetRecordsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!);
    }

    /// <inheritdoc />
    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await InvokeAsync(
            "PutRecords",
            KinesisWireMapper.ToWire(request),
            KinesisJsonContext.Default.PutRecordsWireRequest,
            KinesisJsonContext.Default.PutRecordsWireResponse,
            cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!, request.Records.Count);
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
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse>? responseType,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(operation, body, responseType, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (ex.IsRetryable && attempt < _options.MaxAttempts)
            {
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Full jitter: a random delay up to 100 ms × 2^(attempt−1), capped at 5 s.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(BackoffCap.TotalMilliseconds, BackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 1));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }

    private async Task<TResponse?> SendOnceAsync<TResponse>(
        string operation,
        byte[] body,
        JsonTypeInfo<TResponse>? responseType,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        var (region, endpoint) = _target.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var credentials = await GetCredentialsAsync(timeout.Token).ConfigureAwait(false);

            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
            message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
            SigV4Signer.Sign(
                message, body, credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null,
                region, Service, DateTime.UtcNow);

            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var requestId = FirstHeader(response, "x-amzn-RequestId") ?? FirstHeader(response, "x-amz-request-id");
            if (!response.IsSuccessStatusCode)
            {
                var errorBody = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                throw KinesisWireMapper.ToException(
                    operation, response.StatusCode, requestId, FirstHeader(response, "x-amzn-ErrorType"), errorBody,
                    awsMessage => Redact(awsMessage, credentials));
            }

            if (responseType is null)
            {
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, responseType, timeout.Token).ConfigureAwait(false)
                    ?? throw new KinesisException("MalformedResponse", $"Kinesis {operation} returned an empty body.", response.StatusCode, requestId);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KinesisException(
                "RequestTimeout",
                $"Kinesis {operation} did not complete within {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (KinesisClientOptions.Timeout).",
                innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new KinesisException("TransportFailure", $"Kinesis {operation} failed to reach {endpoint}: {ex.Message}", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new KinesisException("TransportFailure", $"Kinesis {operation} lost its connection to {endpoint}: {ex.Message}", innerException: ex);
        }
        catch (JsonException ex)
        {
            throw new KinesisException(
                "MalformedResponse", $"Kinesis {operation} returned a body that is not the expected JSON: {ex.Message}", HttpStatusCode.OK, innerException: ex);
        }
    }

    private (string Region, Uri Endpoint) ResolveTarget()
    {
        var region = _options.Region;
        if (string.IsNullOrWhiteSpace(region))
        {
            region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }

        if (string.IsNullOrWhiteSpace(region))
        {
            throw new InvalidOperationException(
                "No AWS region for Kinesis: set KinesisClientOptions.Region, the AWS_REGION environment variable, or a region in the AWS profile.");
        }

        var endpoint = _options.ServiceUrl ?? new Uri($"https://kinesis.{region}.amazonaws.com/");
        return (region, endpoint);
    }

    private async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
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

        // The SDK's credential objects cache and refresh (e.g. instance role, SSO) behind this call.
        return await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
