using System.Globalization;
using System.Net;
using System.Text.Json;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Testing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers the Kinesis JSON 1.1 protocol from an
/// <see cref="InMemoryKinesisClient"/>, so <see cref="KinesisHttpClient"/> runs end to end (serialise, sign, send,
/// decode, map errors) in process, deterministically, under a fault-injecting handler.
/// </summary>
internal sealed class InMemoryKinesisServer(InMemoryKinesisClient kinesis) : HttpMessageHandler
{
    private long _requestCount;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestId = "mem-" + Interlocked.Increment(ref _requestCount).ToString(CultureInfo.InvariantCulture);
        if (!request.Headers.TryGetValues("Authorization", out var authorization) || !authorization.Single().StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return Error("MissingAuthenticationTokenException", "unsigned request", HttpStatusCode.Forbidden, requestId);
        }

        var target = request.Headers.GetValues("X-Amz-Target").Single();
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            var json = await HandleAsync(operation, body, cancellationToken);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(json) };
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", requestId);
            return response;
        }
        catch (KinesisException ex)
        {
            return Error(ex.ErrorType, ex.Message, HttpStatusCode.BadRequest, requestId);
        }
    }

    private async Task<byte[]> HandleAsync(string operation, byte[] body, CancellationToken ct)
    {
        var context = KinesisJsonContext.Default;
        switch (operation)
        {
            case "DescribeStreamSummary":
            {
                var request = JsonSerializer.Deserialize(body, context.StreamNameWireRequest)!;
                var summary = await kinesis.DescribeStreamSummaryAsync(request.StreamName, ct);
                return JsonSerializer.SerializeToUtf8Bytes(
                    new DescribeStreamSummaryWireResponse
                    {
                        StreamDescriptionSummary = new StreamDescriptionSummaryWire
                        {
                            StreamName = summary.StreamName,
                            StreamARN = summary.StreamArn,
                            StreamStatus = summary.StreamStatus,
                            OpenShardCount = summary.OpenShardCount,
                            RetentionPeriodHours = summary.RetentionPeriodHours,
                        },
                    },
                    context.DescribeStreamSummaryWireResponse);
            }

            case "ListShards":
            {
                var request = JsonSerializer.Deserialize(body, context.ListShardsWireRequest)!;
                var page = await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = request.StreamName, NextToken = request.NextToken, MaxResults = request.MaxResults }, ct);
                return JsonSerializer.SerializeToUtf8Bytes(
                    new ListShardsWireResponse
                    {
                        NextToken = page.NextToken,
                        Shards = [.. page.Shards.Select(s => new ShardWire
                        {
                            ShardId = s.ShardId,
                            ParentShardId = s.ParentShardId,
                            AdjacentParentShardId = s.AdjacentParentShardId,
                            HashKeyRange = new HashKeyRangeWire { StartingHashKey = s.StartingHashKey, EndingHashKey = s.EndingHashKey },
                            SequenceNumberRange = new SequenceNumberRangeWire { StartingSequenceNumber = s.StartingSequenceNumber, EndingSequenceNumber = s.EndingSequenceNumber },
                        })],
                    },
                    context.ListShardsWireResponse);
            }

            case "GetShardIterator":
            {
                var request = JsonSerializer.Deserialize(body, context.GetShardIteratorWireRequest)!;
                var type = request.ShardIteratorType switch
                {
                    "TRIM_HORIZON" => ShardIteratorType.TrimHorizon,
                    "LATEST" => ShardIteratorType.Latest,
                    "AT_SEQUENCE_NUMBER" => ShardIteratorType.AtSequenceNumber,
                    "AFTER_SEQUENCE_NUMBER" => ShardIteratorType.AfterSequenceNumber,
                    "AT_TIMESTAMP" => ShardIteratorType.AtTimestamp,
                    _ => throw new KinesisException("InvalidArgumentException", $"unknown iterator type {request.ShardIteratorType}"),
                };
                var iterator = await kinesis.GetShardIteratorAsync(
                    new GetShardIteratorRequest
                    {
                        StreamName = request.StreamName,
                        ShardId = request.ShardId,
                        IteratorType = type,
                        StartingSequenceNumber = request.StartingSequenceNumber,
                        Timestamp = request.Timestamp is { } t ? KinesisWireMapper.FromEpochSeconds(t) : null,
                    },
                    ct);
                return JsonSerializer.SerializeToUtf8Bytes(new GetShardIteratorWireResponse { ShardIterator = iterator }, context.GetShardIteratorWireResponse);
            }

            case "GetRecords":
            {
                var request = JsonSerializer.Deserialize(body, context.GetRecordsWireRequest)!;
                var result = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = request.ShardIterator, Limit = request.Limit }, ct);
                return JsonSerializer.SerializeToUtf8Bytes(
                    new GetRecordsWireResponse
                    {
                        Records = [.. result.Records],
                        NextShardIterator = result.NextShardIterator,
                        MillisBehindLatest = result.MillisBehindLatest,
                        ChildShards = result.ChildShards?.Select(c => new ChildShardWire { ShardId = c.ShardId, ParentShards = [.. c.ParentShards] }).ToList(),
                    },
                    context.GetRecordsWireResponse);
            }

            default:
                throw new KinesisException("UnknownOperationException", $"{operation} is not served by the in-memory server.");
        }
    }

    private static HttpResponseMessage Error(string type, string message, HttpStatusCode status, string requestId)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new ErrorWireResponse { Type = type, LowerCaseMessage = message }, KinesisJsonContext.Default.ErrorWireResponse)),
        };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", requestId);
        return response;
    }
}
