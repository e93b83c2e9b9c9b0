using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace KinesisAttrib.Leases;

/// <summary>
/// Creating and waiting for the project's own DynamoDB tables (lease tables, the failed-record destination's table):
/// on-demand billing, one string hash key.
/// </summary>
internal static class DynamoDbTables
{
    private static readonly TimeSpan MaxTableWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(2);

    /// <summary>The table's description, or null when it does not exist.</summary>
    public static async Task<TableDescription?> DescribeOrNullAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false);
            return response.Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Creates the table (on-demand billing, <paramref name="hashKey"/> a string); false when someone else created it first.</summary>
    public static async Task<bool> TryCreateAsync(IAmazonDynamoDB client, string tableName, string hashKey, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = tableName,
                    AttributeDefinitions = [new AttributeDefinition(hashKey, ScalarAttributeType.S)],
                    KeySchema = [new KeySchemaElement(hashKey, KeyType.HASH)],
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ResourceInUseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Polls until the table serves reads and writes (ACTIVE or UPDATING), at most five minutes. A table just created
    /// may not be visible to DescribeTable yet (eventual consistency), so "not found" is polled on too.
    /// </summary>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="tableName">The table.</param>
    /// <param name="table">Its description when already known (null: not found yet).</param>
    /// <param name="kind">What the table is, for errors (e.g. "lease table").</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public static async Task WaitUntilUsableAsync(IAmazonDynamoDB client, string tableName, TableDescription? table, string kind, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstPollDelay;
        while (true)
        {
            // UPDATING tables serve reads and writes; only CREATING (or a not-yet-visible new table) must be waited for.
            if (table?.TableStatus == TableStatus.ACTIVE || table?.TableStatus == TableStatus.UPDATING)
            {
                return;
            }

            if (table?.TableStatus == TableStatus.DELETING)
            {
                throw new InvalidOperationException($"The {kind} '{tableName}' is being deleted; it cannot be used.");
            }

            if (clock.Elapsed > MaxTableWait)
            {
                throw new TimeoutException(
                    $"The {kind} '{tableName}' did not become ACTIVE within {MaxTableWait.TotalMinutes:0} minutes (last status: {table?.TableStatus?.Value ?? "not found"}).");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
            table = await DescribeOrNullAsync(client, tableName, cancellationToken).ConfigureAwait(false);
        }
    }
}
