using System.Text.Json;

namespace KinesisAttrib.Kinesis;

/// <summary>Maps between the public models and the wire shapes (error responses: <see cref="KinesisErrorDecoder"/>).</summary>
internal static class KinesisWireMapper
{
    public static string ToWire(ShardIteratorType type) => type switch
    {
        ShardIteratorType.TrimHorizon => "TRIM_HORIZON",
        ShardIteratorType.Latest => "LATEST",
        ShardIteratorType.AtSequenceNumber => "AT_SEQUENCE_NUMBER",
        ShardIteratorType.AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
        ShardIteratorType.AtTimestamp => "AT_TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown shard iterator type."),
    };

    /// <summary>Epoch seconds with millisecond precision, the JSON protocol's timestamp format.</summary>
    public static double ToEpochSeconds(DateTimeOffset timestamp) => timestamp.ToUnixTimeMilliseconds() / 1000.0;

    /// <exception cref="JsonException">The value is not a representable instant (infinite, NaN, beyond year 9999).</exception>
    public static DateTimeOffset FromEpochSeconds(double seconds)
    {
        var milliseconds = Math.Round(seconds * 1000.0, MidpointRounding.AwayFromZero);
        if (!double.IsFinite(milliseconds) || milliseconds < MinEpochMilliseconds || milliseconds > MaxEpochMilliseconds)
        {
            throw new JsonException($"{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a timestamp in epoch seconds.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
    }

    private static readonly double MinEpochMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly double MaxEpochMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static GetShardIteratorWireRequest ToWire(GetShardIteratorRequest request) => new()
    {
        StreamName = request.StreamName,
        ShardId = request.ShardId,
        ShardIteratorType = ToWire(request.IteratorType),
        StartingSequenceNumber = request.StartingSequenceNumber,
        Timestamp = request.Timestamp is { } timestamp ? ToEpochSeconds(timestamp) : null,
    };

    public static string ToWire(ShardFilterType type) => type switch
    {
        ShardFilterType.AfterShardId => "AFTER_SHARD_ID",
        ShardFilterType.AtTrimHorizon => "AT_TRIM_HORIZON",
        ShardFilterType.FromTrimHorizon => "FROM_TRIM_HORIZON",
        ShardFilterType.AtLatest => "AT_LATEST",
        ShardFilterType.AtTimestamp => "AT_TIMESTAMP",
        ShardFilterType.FromTimestamp => "FROM_TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown shard filter type."),
    };

    public static ListShardsWireRequest ToWire(ListShardsRequest request)
    {
        if (request.NextToken is null && string.IsNullOrEmpty(request.StreamName) && string.IsNullOrEmpty(request.StreamArn))
        {
            throw new ArgumentException("ListShards needs a StreamName, a StreamArn or a NextToken.", nameof(request));
        }

        if (request.NextToken is not null && (request.ShardFilter is not null || request.ExclusiveStartShardId is not null))
        {
            throw new ArgumentException(
                "ListShards cannot combine a NextToken with ShardFilter or ExclusiveStartShardId: the token carries the original filter.",
                nameof(request));
        }

        if (request.ShardFilter is { Type: ShardFilterType.AfterShardId, ShardId: null or "" })
        {
            throw new ArgumentException("ListShards ShardFilter AfterShardId needs a ShardId.", nameof(request));
        }

        if (request.ShardFilter is { Type: ShardFilterType.AtTimestamp or ShardFilterType.FromTimestamp, Timestamp: null })
        {
            throw new ArgumentException($"ListShards ShardFilter {request.ShardFilter.Type} needs a Timestamp.", nameof(request));
        }

        // The service takes ShardId only with AFTER_SHARD_ID and Timestamp only with AT_/FROM_TIMESTAMP.
        if (request.ShardFilter is { Type: not ShardFilterType.AfterShardId, ShardId: not null })
        {
            throw new ArgumentException($"ListShards ShardFilter {request.ShardFilter.Type} takes no ShardId (only AfterShardId does).", nameof(request));
        }

        if (request.ShardFilter is { Type: not (ShardFilterType.AtTimestamp or ShardFilterType.FromTimestamp), Timestamp: not null })
        {
            throw new ArgumentException(
                $"ListShards ShardFilter {request.ShardFilter.Type} takes no Timestamp (only AtTimestamp and FromTimestamp do).", nameof(request));
        }

        // The service rejects a stream name or ARN next to a NextToken; the token already names the stream.
        var continuing = request.NextToken is not null;
        return new ListShardsWireRequest
        {
            StreamName = continuing ? null : request.StreamName,
            StreamARN = continuing ? null : request.StreamArn,
            NextToken = request.NextToken,
            MaxResults = request.MaxResults,
            ExclusiveStartShardId = request.ExclusiveStartShardId,
            ShardFilter = request.ShardFilter is { } filter
                ? new ShardFilterWire
                {
                    Type = ToWire(filter.Type),
                    ShardId = filter.ShardId,
                    Timestamp = filter.Timestamp is { } at ? ToEpochSeconds(at) : null,
                }
                : null,
        };
    }

    public static PutRecordsWireRequest ToWire(PutRecordsRequest request)
    {
        var entries = new List<PutRecordsWireEntry>(request.Records.Count);
        foreach (var record in request.Records)
        {
            entries.Add(new PutRecordsWireEntry
            {
                Data = record.Data,
                PartitionKey = record.PartitionKey,
                ExplicitHashKey = record.ExplicitHashKey,
            });
        }

        return new PutRecordsWireRequest { StreamName = request.StreamName, Records = entries };
    }

    public static StreamSummary FromWire(DescribeStreamSummaryWireResponse response, string streamName)
    {
        var summary = response.StreamDescriptionSummary ?? throw Malformed("DescribeStreamSummary", "StreamDescriptionSummary");
        return new StreamSummary
        {
            StreamName = summary.StreamName ?? streamName,
            StreamArn = summary.StreamARN,
            StreamStatus = summary.StreamStatus ?? throw Malformed("DescribeStreamSummary", "StreamStatus"),
            OpenShardCount = summary.OpenShardCount ?? 0,
            RetentionPeriodHours = summary.RetentionPeriodHours ?? 0,
        };
    }

    public static ListShardsResponse FromWire(ListShardsWireResponse response)
    {
        var shards = new List<Shard>(response.Shards?.Count ?? 0);
        foreach (var shard in response.Shards ?? [])
        {
            shards.Add(new Shard
            {
                ShardId = shard.ShardId ?? throw Malformed("ListShards", "ShardId"),
                ParentShardId = shard.ParentShardId,
                AdjacentParentShardId = shard.AdjacentParentShardId,
                StartingHashKey = shard.HashKeyRange?.StartingHashKey ?? throw Malformed("ListShards", "StartingHashKey"),
                EndingHashKey = shard.HashKeyRange?.EndingHashKey ?? throw Malformed("ListShards", "EndingHashKey"),
                StartingSequenceNumber = shard.SequenceNumberRange?.StartingSequenceNumber
                    ?? throw Malformed("ListShards", "StartingSequenceNumber"),
                EndingSequenceNumber = shard.SequenceNumberRange?.EndingSequenceNumber,
            });
        }

        return new ListShardsResponse { Shards = shards, NextToken = response.NextToken };
    }

    public static GetRecordsResponse FromWire(GetRecordsWireResponse response) => new()
    {
        // The records were read straight into the public model by KinesisRecordJsonConverter.
        Records = response.Records ?? [],
        NextShardIterator = response.NextShardIterator,
        MillisBehindLatest = response.MillisBehindLatest,
        ChildShards = FromWire(response.ChildShards, "GetRecords"),
    };

    public static SubscribeToShardEvent FromWire(SubscribeToShardEventWire response) => new()
    {
        Records = response.Records ?? [],
        ContinuationSequenceNumber = response.ContinuationSequenceNumber,
        MillisBehindLatest = response.MillisBehindLatest,
        ChildShards = FromWire(response.ChildShards, "SubscribeToShard"),
    };

    private static List<ChildShard>? FromWire(List<ChildShardWire>? wireChildren, string operation)
    {
        if (wireChildren is null)
        {
            return null;
        }

        var children = new List<ChildShard>(wireChildren.Count);
        foreach (var child in wireChildren)
        {
            children.Add(new ChildShard
            {
                ShardId = child.ShardId ?? throw Malformed(operation, "ChildShards.ShardId"),
                StartingHashKey = child.HashKeyRange?.StartingHashKey,
                EndingHashKey = child.HashKeyRange?.EndingHashKey,
                ParentShards = child.ParentShards ?? [],
            });
        }

        return children;
    }

    public static PutRecordsResponse FromWire(PutRecordsWireResponse response, int requestCount, string? streamName = null)
    {
        var entries = new List<PutRecordsResultEntry>(response.Records?.Count ?? 0);
        foreach (var entry in response.Records ?? [])
        {
            entries.Add(new PutRecordsResultEntry
            {
                SequenceNumber = entry.SequenceNumber,
                ShardId = entry.ShardId,
                ErrorCode = entry.ErrorCode,
                ErrorMessage = entry.ErrorMessage,
            });
        }

        // The contract promises one entry per request record; a short answer would silently drop records.
        if (entries.Count != requestCount)
        {
            throw KinesisException.Malformed(
                $"Kinesis PutRecords{OnStream(streamName)} returned {entries.Count} result entries for {requestCount} records.", "PutRecords", streamName);
        }

        return new PutRecordsResponse { FailedRecordCount = response.FailedRecordCount ?? 0, Records = entries };
    }

    /// <summary>RegisterStreamConsumer's <c>Consumer</c> or DescribeStreamConsumer's <c>ConsumerDescription</c> (<paramref name="field"/>).</summary>
    public static StreamConsumer FromWire(ConsumerWire? consumer, string operation, string field)
    {
        if (consumer is null)
        {
            throw Malformed(operation, field);
        }

        var created = consumer.ConsumerCreationTimestamp;
        return new StreamConsumer
        {
            ConsumerName = consumer.ConsumerName ?? throw Malformed(operation, "ConsumerName"),
            ConsumerArn = consumer.ConsumerARN ?? throw Malformed(operation, "ConsumerARN"),
            ConsumerStatus = consumer.ConsumerStatus ?? throw Malformed(operation, "ConsumerStatus"),
            ConsumerCreationTimestamp = created is { } seconds ? FromEpochSeconds(seconds) : null,
            StreamArn = consumer.StreamARN,
        };
    }

    public static SubscribeToShardWireRequest ToWire(SubscribeToShardRequest request) => new()
    {
        ConsumerARN = request.ConsumerArn,
        ShardId = request.ShardId,
        StartingPosition = new StartingPositionWire
        {
            Type = ToWire(request.StartingPositionType),
            SequenceNumber = request.StartingSequenceNumber,
            Timestamp = request.Timestamp is { } timestamp ? ToEpochSeconds(timestamp) : null,
        },
    };

    /// <summary>
    /// The stream named in a stream ARN (<c>arn:aws:kinesis:region:account:stream/NAME</c>) or a consumer ARN
    /// (<c>…:stream/NAME/consumer/CONSUMER:CREATED</c>), for error messages; null when the ARN has another shape.
    /// </summary>
    public static string? StreamNameFromArn(string? arn)
    {
        if (arn is null)
        {
            return null;
        }

        var start = arn.IndexOf(":stream/", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var name = arn.AsSpan(start + ":stream/".Length);
        var end = name.IndexOf('/');
        return (end < 0 ? name : name[..end]).ToString() is { Length: > 0 } found ? found : null;
    }

    /// <summary><c>" on stream 'x'"</c>, or nothing when the stream is not known.</summary>
    public static string OnStream(string? streamName) => string.IsNullOrEmpty(streamName) ? string.Empty : $" on stream '{streamName}'";

    private static KinesisException Malformed(string operation, string missing) =>
        KinesisException.Malformed($"Kinesis {operation} returned a response without {missing}.", operation);
}
