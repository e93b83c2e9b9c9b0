using System.Text.Json;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// <see cref="IKinesisClient"/> over HTTPS: each operation validates its request, maps it to the Kinesis JSON 1.1 wire
/// shape and maps the answer back. How a call is sent (SigV4, per-attempt timeout, bounded full-jitter retries for
/// throttling, 5xx, transport failures and garbled responses; validation, access and not-found errors never retried)
/// is <see cref="KinesisRequestPipeline"/>'s job; which credentials sign it, <see cref="KinesisCredentialSource"/>'s.
/// </summary>
/// <remarks>
/// Region, endpoint and credentials come from <see cref="KinesisClientOptions"/> or, when unset, from the environment,
/// the AWS profile and AWSSDK.Core's default credential chain; they are resolved on the first call, never in the
/// constructor, so building the client does no I/O.
/// </remarks>
public sealed class KinesisHttpClient : IKinesisClient, IDisposable
{
    private readonly KinesisRequestPipeline _pipeline;

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
        _pipeline = new KinesisRequestPipeline(options, httpClient, environment, profileRegion);
    }

    /// <summary>The region the client signs for (resolved on first use).</summary>
    public string Region => _pipeline.Target.Region;

    /// <summary>The endpoint the client calls (resolved on first use).</summary>
    public Uri Endpoint => _pipeline.Target.Endpoint;

    /// <summary>How long one attempt may take.</summary>
    internal TimeSpan RequestTimeout => _pipeline.RequestTimeout;

    /// <summary>Attempts per call for retryable failures.</summary>
    internal int MaxAttempts => _pipeline.MaxAttempts;

    /// <inheritdoc />
    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        if (shardCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, $"CreateStream '{streamName}': a stream needs at least one shard.");
        }

        return _pipeline.SendAsync(KinesisOperations.CreateStream, streamName, new CreateStreamWireRequest { StreamName = streamName, ShardCount = shardCount }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamAsync(string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        return _pipeline.SendAsync(KinesisOperations.DeleteStream, streamName, new DeleteStreamWireRequest { StreamName = streamName }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = new ListStreamsWireRequest
        {
            Limit = request.Limit,
            ExclusiveStartStreamName = request.NextToken is null ? request.ExclusiveStartStreamName : null,
            NextToken = request.NextToken,
        };
        var response = await _pipeline.SendAsync(KinesisOperations.ListStreams, null, wire, cancellationToken).ConfigureAwait(false);
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
        var response = await _pipeline.SendAsync(KinesisOperations.DescribeStreamSummary, streamName, new StreamNameWireRequest { StreamName = streamName }, cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!, streamName);
    }

    /// <inheritdoc />
    public async Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _pipeline.SendAsync(KinesisOperations.ListShards, request.StreamName ?? request.StreamArn, KinesisWireMapper.ToWire(request), cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!);
    }

    /// <inheritdoc />
    public async Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _pipeline.SendAsync(KinesisOperations.GetShardIterator, request.StreamName, KinesisWireMapper.ToWire(request), cancellationToken).ConfigureAwait(false);
        return response!.ShardIterator
            ?? throw KinesisException.Malformed($"Kinesis GetShardIterator{KinesisWireMapper.OnStream(request.StreamName)} returned no ShardIterator.", "GetShardIterator", request.StreamName);
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

        var response = await _pipeline.SendAsync(KinesisOperations.GetRecords, request.StreamName, new GetRecordsWireRequest { ShardIterator = request.ShardIterator, Limit = request.Limit }, cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!);
    }

    /// <inheritdoc />
    public async Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wire = new PutRecordWireRequest
        {
            StreamName = request.StreamName,
            Data = request.Data,
            PartitionKey = request.PartitionKey,
            ExplicitHashKey = request.ExplicitHashKey,
            SequenceNumberForOrdering = request.SequenceNumberForOrdering,
        };
        var response = await _pipeline.SendAsync(KinesisOperations.PutRecord, request.StreamName, wire, cancellationToken).ConfigureAwait(false);
        return new PutRecordResponse
        {
            ShardId = response!.ShardId ?? throw KinesisException.Malformed("Kinesis PutRecord returned no ShardId.", "PutRecord", request.StreamName),
            SequenceNumber = response.SequenceNumber ?? throw KinesisException.Malformed("Kinesis PutRecord returned no SequenceNumber.", "PutRecord", request.StreamName),
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

        var response = await _pipeline.SendAsync(KinesisOperations.PutRecords, request.StreamName, KinesisWireMapper.ToWire(request), cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!, request.Records.Count, request.StreamName);
    }

    /// <inheritdoc />
    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(KinesisOperations.SplitShard, request.StreamName, new SplitShardWireRequest { StreamName = request.StreamName, ShardToSplit = request.ShardToSplit, NewStartingHashKey = request.NewStartingHashKey }, cancellationToken);
    }

    /// <inheritdoc />
    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(KinesisOperations.MergeShards, request.StreamName, new MergeShardsWireRequest { StreamName = request.StreamName, ShardToMerge = request.ShardToMerge, AdjacentShardToMerge = request.AdjacentShardToMerge }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UpdateShardCountResponse> UpdateShardCountAsync(UpdateShardCountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TargetShardCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.TargetShardCount, $"UpdateShardCount on stream '{request.StreamName}': the target must be at least one shard.");
        }

        var wire = new UpdateShardCountWireRequest { StreamName = request.StreamName, TargetShardCount = request.TargetShardCount, ScalingType = "UNIFORM_SCALING" };
        var response = await _pipeline.SendAsync(KinesisOperations.UpdateShardCount, request.StreamName, wire, cancellationToken).ConfigureAwait(false);
        return new UpdateShardCountResponse
        {
            StreamName = response!.StreamName ?? request.StreamName,
            CurrentShardCount = response.CurrentShardCount ?? 0,
            TargetShardCount = response.TargetShardCount ?? request.TargetShardCount,
        };
    }

    /// <inheritdoc />
    public async Task<StreamConsumer> DescribeStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
    {
        var wire = ToWire(request, "DescribeStreamConsumer");
        var response = await _pipeline.SendAsync(
            KinesisOperations.DescribeStreamConsumer, KinesisWireMapper.StreamNameFromArn(request.ConsumerArn ?? request.StreamArn), wire, cancellationToken).ConfigureAwait(false);
        return KinesisWireMapper.FromWire(response!.ConsumerDescription, "DescribeStreamConsumer", "ConsumerDescription");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Retried like every call: when an attempt registered the consumer but its answer was lost, the next attempt
    /// fails with <c>ResourceInUseException</c> (the consumer exists); describe it then.
    /// </remarks>
    public async Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        ArgumentException.ThrowIfNullOrEmpty(consumerName);
        var response = await _pipeline.SendAsync(
            KinesisOperations.RegisterStreamConsumer,
            KinesisWireMapper.StreamNameFromArn(streamArn),
            new RegisterStreamConsumerWireRequest { StreamARN = streamArn, ConsumerName = consumerName },
            cancellationToken).ConfigureAwait(false);
        var consumer = KinesisWireMapper.FromWire(response!.Consumer, "RegisterStreamConsumer", "Consumer");

        // RegisterStreamConsumer's answer does not carry the stream's ARN; the caller just gave it.
        return consumer.StreamArn is null ? consumer with { StreamArn = streamArn } : consumer;
    }

    /// <inheritdoc />
    public Task DeregisterStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
    {
        var wire = ToWire(request, "DeregisterStreamConsumer");
        return _pipeline.SendAsync(
            KinesisOperations.DeregisterStreamConsumer, KinesisWireMapper.StreamNameFromArn(request.ConsumerArn ?? request.StreamArn), wire, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One HTTP/2 stream on the connections every shard shares; the request timeout bounds the wait for the response
    /// headers only. Not retried: a failure throws at once (transport failures and timeouts as retryable
    /// <see cref="KinesisException"/>s), so the caller keeps Kinesis's pace of one subscription per second per shard.
    /// </remarks>
    public async Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ConsumerArn, nameof(request));
        ArgumentException.ThrowIfNullOrEmpty(request.ShardId, nameof(request));
        var needsSequenceNumber = request.StartingPositionType is ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber;
        if (needsSequenceNumber != !string.IsNullOrEmpty(request.StartingSequenceNumber))
        {
            throw new ArgumentException(
                $"SubscribeToShard on shard '{request.ShardId}': StartingSequenceNumber is required with {KinesisWireMapper.ToWire(request.StartingPositionType)} "
                + "(AT_ or AFTER_SEQUENCE_NUMBER) and not allowed otherwise.",
                nameof(request));
        }

        if ((request.StartingPositionType == ShardIteratorType.AtTimestamp) != request.Timestamp.HasValue)
        {
            throw new ArgumentException(
                $"SubscribeToShard on shard '{request.ShardId}': Timestamp is required with AT_TIMESTAMP and not allowed otherwise.", nameof(request));
        }

        var streamName = request.StreamName ?? KinesisWireMapper.StreamNameFromArn(request.ConsumerArn);
        var body = JsonSerializer.SerializeToUtf8Bytes(KinesisWireMapper.ToWire(request), KinesisOperations.SubscribeToShard.RequestType);
        var (response, stream) = await _pipeline.OpenEventStreamAsync(KinesisOperations.SubscribeToShard.Name, streamName, body, cancellationToken).ConfigureAwait(false);
        return new KinesisShardSubscription(response, stream, streamName, request.ShardId, _pipeline.Target.Endpoint);
    }

    private static StreamConsumerWireRequest ToWire(StreamConsumerRequest request, string operation)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.ConsumerArn) && (string.IsNullOrEmpty(request.StreamArn) || string.IsNullOrEmpty(request.ConsumerName)))
        {
            throw new ArgumentException($"{operation}: give the consumer's ARN, or the stream's ARN and the consumer's name.", nameof(request));
        }

        return new StreamConsumerWireRequest { ConsumerARN = request.ConsumerArn, StreamARN = request.StreamArn, ConsumerName = request.ConsumerName };
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose() => _pipeline.Dispose();
}
