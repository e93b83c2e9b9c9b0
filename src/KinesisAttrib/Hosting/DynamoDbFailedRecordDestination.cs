using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Writes each failed record to a DynamoDB table, one item per record, with a conditional put keyed by the record's
/// origin (<c>recordId</c> = <c>{application}/{stream}/{shardId}/{sequenceNumber}/{subSequenceNumber}</c>), so a retried
/// or repeated write of the same record stores it once and the first error is kept.
/// </summary>
/// <remarks>
/// Item attributes: <c>recordId</c> (hash key), <c>application</c>, <c>stream</c>, <c>shardId</c>,
/// <c>sequenceNumber</c>, <c>subSequenceNumber</c> (N), <c>partitionKey</c>, <c>explicitHashKey</c>,
/// <c>approximateArrivalTimestamp</c>, <c>handler</c>, <c>reason</c>, <c>attempts</c> (N), <c>errorType</c>,
/// <c>errorMessage</c>, <c>failedAt</c> (ISO 8601) and <c>data</c> (binary, the original bytes; absent when empty).
/// A DynamoDB item holds at most 400 KB: a larger record is rejected, the write is retried and the shard stops there
/// (loudly) rather than lose it; use the Kinesis stream destination for large records.
/// </remarks>
public sealed class DynamoDbFailedRecordDestination : IFailedRecordDestination
{
    /// <summary>The table's hash key attribute.</summary>
    public const string RecordIdAttribute = "recordId";

    private readonly IAmazonDynamoDB _client;
    private readonly bool _createTableIfMissing;

    /// <summary>Creates the destination.</summary>
    /// <param name="client">The DynamoDB client; the caller owns it.</param>
    /// <param name="tableName">The table (hash key <c>recordId</c>, a string); see <see cref="EnsureTableAsync"/>.</param>
    /// <param name="createTableIfMissing">Create the table (<see cref="EnsureTableAsync"/>) when a write finds it missing, as the lease tables are.</param>
    public DynamoDbFailedRecordDestination(IAmazonDynamoDB client, string tableName, bool createTableIfMissing = false)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        TableName = tableName;
        _createTableIfMissing = createTableIfMissing;
    }

    /// <summary>The table failed records go to.</summary>
    public string TableName { get; }

    /// <summary>The item key of a failed record.</summary>
    public static string RecordIdOf(FailedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.Create(CultureInfo.InvariantCulture, $"{record.ApplicationName}/{record.StreamName}/{record.ShardId}/{record.SequenceNumber}/{record.SubSequenceNumber}");
    }

    /// <summary>Creates the table (on-demand billing, hash key <c>recordId</c>) unless it exists, and waits until it is active.</summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        var table = await DynamoDbTables.DescribeOrNullAsync(_client, TableName, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            // False: it exists by now (another worker is creating it): wait for it below.
            await DynamoDbTables.TryCreateAsync(_client, TableName, RecordIdAttribute, cancellationToken).ConfigureAwait(false);
        }

        await DynamoDbTables.WaitUntilUsableAsync(_client, TableName, table, "failed-record table", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [RecordIdAttribute] = new() { S = RecordIdOf(record) },
            ["application"] = new() { S = record.ApplicationName },
            ["stream"] = new() { S = record.StreamName },
            ["shardId"] = new() { S = record.ShardId },
            ["sequenceNumber"] = new() { S = record.SequenceNumber },
            ["subSequenceNumber"] = new() { N = record.SubSequenceNumber.ToString(CultureInfo.InvariantCulture) },
            ["partitionKey"] = new() { S = record.PartitionKey },
            ["handler"] = new() { S = record.HandlerName },
            ["reason"] = new() { S = record.Reason.ToString() },
            ["attempts"] = new() { N = record.Attempts.ToString(CultureInfo.InvariantCulture) },
            ["errorMessage"] = new() { S = string.IsNullOrEmpty(record.ErrorMessage) ? "(no message)" : record.ErrorMessage },
            ["failedAt"] = new() { S = record.FailedAt.ToString("O", CultureInfo.InvariantCulture) },
        };

        AddOptional(item, "explicitHashKey", record.Record.ExplicitHashKey);
        AddOptional(item, "errorType", record.ErrorType);
        AddOptional(item, "approximateArrivalTimestamp", record.ApproximateArrivalTimestamp?.ToString("O", CultureInfo.InvariantCulture));
        if (!record.Data.IsEmpty)
        {
            item["data"] = new AttributeValue { B = new MemoryStream(record.Data.ToArray(), writable: false) };
        }

        try
        {
            await PutAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException) when (_createTableIfMissing)
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            await PutAsync(item, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PutAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#id)",
                    ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#id"] = RecordIdAttribute },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Already stored by an earlier attempt (a retry after a timeout, or a redelivery after a failover): done.
        }
    }

    private static void AddOptional(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = new AttributeValue { S = value };
        }
    }
}
