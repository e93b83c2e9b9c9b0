using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using A = KinesisAttrib.Leases.LeaseAttributes;

namespace KinesisAttrib.Leases;

/// <summary>
/// The lease table in DynamoDB, in the KCL 2.x single-stream schema (hash key <c>leaseKey</c>), so a Java KCL
/// application can move to KinesisAttrib and keep its checkpoints. Every write is a single conditional request on
/// <c>leaseCounter</c> (and <c>leaseOwner</c> where <see cref="ILeaseStore"/> says so); a failed condition returns
/// null or false instead of throwing. Uses only the low-level DynamoDB API, so it is trimming- and AOT-safe. Thread-safe.
/// </summary>
public sealed class DynamoDbLeaseStore : ILeaseStore
{
    // Expression placeholders. Every attribute goes through a name placeholder so no schema name can collide with a
    // DynamoDB reserved word.
    private const string CounterIs = "#counter = :expectedCounter";
    private const string OwnerIs = "#owner = :expectedOwner";
    private const string OwnerIsAbsent = "attribute_not_exists(#owner)";


    private readonly IAmazonDynamoDB _client;
    private readonly ILogger _logger;

    /// <summary>Creates a store over the table <paramref name="tableName"/>.</summary>
    /// <param name="client">The DynamoDB client; the caller owns it and disposes it.</param>
    /// <param name="tableName">The lease table; by convention the application name.</param>
    /// <param name="logger">Receives table creation and conditional-failure messages.</param>
    public DynamoDbLeaseStore(IAmazonDynamoDB client, string tableName, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        _client = client;
        TableName = tableName;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The DynamoDB table holding the leases.</summary>
    public string TableName { get; }

    /// <summary>Where the client sends its requests, for error messages: the configured URL, else the region's endpoint.</summary>
    internal string Endpoint => _client.Config.ServiceURL is { Length: > 0 } url
        ? url.TrimEnd('/')
        : $"https://dynamodb.{_client.Config.RegionEndpoint?.SystemName ?? _client.Config.AuthenticationRegion}.amazonaws.com";

    /// <inheritdoc />
    /// <remarks>
    /// Creates the table with on-demand (<c>PAY_PER_REQUEST</c>) billing and the hash key <c>leaseKey</c> when it
    /// does not exist, then polls until it is <c>ACTIVE</c> (at most five minutes). Safe to call from many workers at
    /// once: a worker that loses the race to create the table waits for the winner's table.
    /// </remarks>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        var table = await DynamoDbTables.DescribeOrNullAsync(_client, TableName, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            LeasesLog.CreatingTable(_logger, TableName);
            if (!await DynamoDbTables.TryCreateAsync(_client, TableName, A.LeaseKey, cancellationToken).ConfigureAwait(false))
            {
                // Another worker created it between our DescribeTable and CreateTable; wait for theirs.
                LeasesLog.TableCreatedConcurrently(_logger, TableName);
            }
        }
        else
        {
            CheckKeySchema(table);
        }

        await DynamoDbTables.WaitUntilUsableAsync(_client, TableName, table, "lease table", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default)
    {
        var leases = new List<Lease>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await _client.ScanAsync(
                new ScanRequest
                {
                    TableName = TableName,
                    ConsistentRead = true,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken).ConfigureAwait(false);

            if (response.Items is { } items)
            {
                foreach (var item in items)
                {
                    leases.Add(A.FromItem(item));
                }
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (startKey is not null);

        leases.Sort(static (x, y) => string.CompareOrdinal(x.LeaseKey, y.LeaseKey));
        return leases;
    }

    /// <inheritdoc />
    public async Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseKey);
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = TableName,
                Key = A.KeyOf(leaseKey),
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);

        return response.Item is { Count: > 0 } item ? A.FromItem(item) : null;
    }

    /// <inheritdoc />
    public Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WrittenAsync(_client.PutItemAsync(
            new PutItemRequest
            {
                TableName = TableName,
                Item = A.ToItem(lease),
                ConditionExpression = "attribute_not_exists(#key)",
                ExpressionAttributeNames = new(StringComparer.Ordinal) { ["#key"] = A.LeaseKey },
            },
            cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Conditional on <c>leaseCounter</c> only. Whether the owner changes (and so whether
    /// <c>ownerSwitchesSinceCheckpoint</c> is incremented) is judged from <paramref name="lease"/>'s owner, which the
    /// counter condition guarantees is the stored one.
    /// </remarks>
    public Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(newOwner);

        var switches = string.Equals(lease.LeaseOwner, newOwner, StringComparison.Ordinal) ? "" : ", #switches = if_not_exists(#switches, :zero) + :one";
        var values = Values(lease);
        values[":newOwner"] = new AttributeValue { S = newOwner };
        var names = Names(includeOwner: true);
        names["#handoff"] = A.HandoffRequestedBy;
        if (switches.Length > 0)
        {
            values[":zero"] = A.Number(0);
            values[":one"] = A.Number(1);
            names["#switches"] = A.OwnerSwitchesSinceCheckpoint;
        }

        return UpdateAsync(
            lease,
            "take",
            $"SET #owner = :newOwner, #counter = :newCounter{switches} REMOVE #handoff",
            CounterIs,
            names,
            values,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var values = Values(lease);
        return OwnedUpdateAsync(lease, "renew", "SET #counter = :newCounter", Names(includeOwner: true), values, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint.SequenceNumber, nameof(checkpoint));

        var values = Values(lease);
        values[":checkpoint"] = new AttributeValue { S = checkpoint.SequenceNumber };
        values[":subSequence"] = A.Number(checkpoint.SubSequenceNumber);
        values[":zero"] = A.Number(0);
        var names = Names(includeOwner: true);
        names["#checkpoint"] = A.Checkpoint;
        names["#subSequence"] = A.CheckpointSubSequenceNumber;
        names["#switches"] = A.OwnerSwitchesSinceCheckpoint;
        names["#pending"] = A.PendingCheckpoint;
        names["#pendingSubSequence"] = A.PendingCheckpointSubSequenceNumber;
        names["#pendingState"] = A.PendingCheckpointState;

        return OwnedUpdateAsync(
            lease,
            "checkpoint",
            "SET #checkpoint = :checkpoint, #subSequence = :subSequence, #switches = :zero, #counter = :newCounter "
                + "REMOVE #pending, #pendingSubSequence, #pendingState",
            names,
            values,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(lease, pendingCheckpoint, null, cancellationToken);

    /// <inheritdoc />
    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(pendingCheckpoint.SequenceNumber, nameof(pendingCheckpoint));

        var values = Values(lease);
        values[":pending"] = new AttributeValue { S = pendingCheckpoint.SequenceNumber };
        values[":pendingSubSequence"] = A.Number(pendingCheckpoint.SubSequenceNumber);
        var names = Names(includeOwner: true);
        names["#pending"] = A.PendingCheckpoint;
        names["#pendingSubSequence"] = A.PendingCheckpointSubSequenceNumber;
        names["#pendingState"] = A.PendingCheckpointState;
        var update = "SET #pending = :pending, #pendingSubSequence = :pendingSubSequence, #counter = :newCounter";
        if (applicationState is null)
        {
            update += " REMOVE #pendingState";
        }
        else
        {
            values[":pendingState"] = A.Binary(applicationState);
            update += ", #pendingState = :pendingState";
        }

        return OwnedUpdateAsync(lease, "prepare checkpoint", update, names, values, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(requester);
        if (lease.LeaseOwner is null)
        {
            throw new ArgumentException($"Lease '{lease.LeaseKey}' has no owner to hand it over.", nameof(lease));
        }

        // No ":newCounter" here: DynamoDB rejects an expression attribute value that the expressions do not use.
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":expectedCounter"] = A.Number(lease.LeaseCounter),
            [":requester"] = new AttributeValue { S = requester },
        };
        var names = Names(includeOwner: true);
        names["#handoff"] = A.HandoffRequestedBy;
        return OwnedUpdateAsync(lease, "request hand-off", "SET #handoff = :requester", names, values, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var values = Values(lease);
        return OwnedUpdateAsync(lease, "evict", "SET #counter = :newCounter REMOVE #owner", Names(includeOwner: true), values, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseKey);
        var children = A.StringSet(childShardIds ?? throw new ArgumentNullException(nameof(childShardIds)))
            ?? throw new ArgumentException($"The children of shard lease '{leaseKey}' cannot be an empty list.", nameof(childShardIds));
        return WrittenAsync(_client.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = TableName,
                Key = A.KeyOf(leaseKey),
                UpdateExpression = "SET #children = :children",
                ConditionExpression = "attribute_exists(#key) AND #checkpoint = :shardEnd",
                ExpressionAttributeNames = new(StringComparer.Ordinal)
                {
                    ["#key"] = A.LeaseKey,
                    ["#children"] = A.ChildShardIds,
                    ["#checkpoint"] = A.Checkpoint,
                },
                ExpressionAttributeValues = new(StringComparer.Ordinal)
                {
                    [":children"] = children,
                    [":shardEnd"] = new AttributeValue { S = ExtendedSequenceNumber.ShardEnd.SequenceNumber },
                },
            },
            cancellationToken));
    }

    /// <inheritdoc />
    public Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseKey);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        return WrittenAsync(_client.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = TableName,
                Key = A.KeyOf(leaseKey),
                UpdateExpression = "SET #stream = :stream",
                ConditionExpression = "attribute_exists(#key) AND attribute_not_exists(#stream)",
                ExpressionAttributeNames = new(StringComparer.Ordinal) { ["#key"] = A.LeaseKey, ["#stream"] = A.StreamName },
                ExpressionAttributeValues = new(StringComparer.Ordinal) { [":stream"] = new AttributeValue { S = streamName } },
            },
            cancellationToken));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var deleted = await WrittenAsync(_client.DeleteItemAsync(
            new DeleteItemRequest
            {
                TableName = TableName,
                Key = A.KeyOf(lease.LeaseKey),
                ConditionExpression = CounterIs,
                ExpressionAttributeNames = Names(includeOwner: false),
                ExpressionAttributeValues = new(StringComparer.Ordinal) { [":expectedCounter"] = A.Number(lease.LeaseCounter) },
            },
            cancellationToken)).ConfigureAwait(false);
        if (!deleted)
        {
            LeasesLog.ConditionFailed(_logger, "delete", lease.LeaseKey, lease.LeaseCounter);
        }

        return deleted;
    }

    /// <summary>A conditional write: true when it was made, false when its condition refused it.</summary>
    private static async Task<bool> WrittenAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<Lease?> UpdateAsync(
        Lease expected,
        string operation,
        string updateExpression,
        string condition,
        Dictionary<string, string> names,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = TableName,
                    Key = A.KeyOf(expected.LeaseKey),
                    UpdateExpression = updateExpression,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,

                    // The updated item comes back with the write, so the caller's next conditional write needs no read.
                    // (ReturnValuesOnConditionCheckFailure is not used: dynalite ignores it, and a failed caller
                    // rereads anyway.)
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken).ConfigureAwait(false);

            return response.Attributes is { Count: > 0 } item
                ? A.FromItem(item)
                : throw new InvalidOperationException($"DynamoDB returned no attributes for the {operation} of lease '{expected.LeaseKey}' although ALL_NEW was requested.");
        }
        catch (ConditionalCheckFailedException)
        {
            LeasesLog.ConditionFailed(_logger, operation, expected.LeaseKey, expected.LeaseCounter);
            return null;
        }
    }

    /// <summary>A write conditional on <paramref name="lease"/>'s owner and counter: every write of a held lease.</summary>
    private Task<Lease?> OwnedUpdateAsync(
        Lease lease,
        string operation,
        string updateExpression,
        Dictionary<string, string> names,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken)
        => UpdateAsync(lease, operation, updateExpression, OwnedCondition(lease, values), names, values, cancellationToken);

    /// <summary>The owner-and-counter condition of renew, checkpoint and evict.</summary>
    private static string OwnedCondition(Lease lease, Dictionary<string, AttributeValue> values)
    {
        if (lease.LeaseOwner is null)
        {
            return $"{CounterIs} AND {OwnerIsAbsent}";
        }

        values[":expectedOwner"] = new AttributeValue { S = lease.LeaseOwner };
        return $"{CounterIs} AND {OwnerIs}";
    }

    private static Dictionary<string, string> Names(bool includeOwner)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#counter"] = A.LeaseCounter };
        if (includeOwner)
        {
            names["#owner"] = A.LeaseOwner;
        }

        return names;
    }

    // The condition guarantees the stored counter equals the expected one, so "+1" can be computed here; that keeps
    // the update expression free of arithmetic on a possibly missing attribute.
    private static Dictionary<string, AttributeValue> Values(Lease lease) => new(StringComparer.Ordinal)
    {
        [":expectedCounter"] = A.Number(lease.LeaseCounter),
        [":newCounter"] = A.Number(checked(lease.LeaseCounter + 1)),
    };

    private void CheckKeySchema(TableDescription table)
    {
        var key = table.KeySchema;
        if (key is not { Count: 1 } || key[0].AttributeName != A.LeaseKey || key[0].KeyType != KeyType.HASH)
        {
            var found = key is null ? "none" : string.Join(", ", key.Select(k => $"{k.AttributeName} {k.KeyType?.Value}"));
            throw new InvalidOperationException(
                $"The table '{TableName}' exists but is not a lease table: its key must be the single hash key '{A.LeaseKey}' (found: {found}). "
                + "Use another application name or table name.");
        }
    }
}
