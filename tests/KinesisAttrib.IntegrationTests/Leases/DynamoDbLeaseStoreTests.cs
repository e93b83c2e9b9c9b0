using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Handlers;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Leases;

namespace KinesisAttrib.IntegrationTests.Leases;

/// <summary>What the DynamoDB store does beyond the shared conformance suite: the table itself and KCL compatibility.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class DynamoDbLeaseStoreTests(EmulatorFixture emulators) : IDisposable
{
    private readonly IAmazonDynamoDB _client = emulators.CreateDynamoDbClient();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task EnsureTable_CreatesAnOnDemandTable_KeyedByLeaseKey()
    {
        var tableName = EmulatorFixture.UniqueName("lease-table");
        var store = new DynamoDbLeaseStore(_client, tableName);

        await store.EnsureTableAsync();

        var table = (await _client.DescribeTableAsync(tableName)).Table;
        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
        var key = Assert.Single(table.KeySchema);
        Assert.Equal("leaseKey", key.AttributeName);
        Assert.Equal(KeyType.HASH, key.KeyType);
        var attribute = Assert.Single(table.AttributeDefinitions);
        Assert.Equal(ScalarAttributeType.S, attribute.AttributeType);
    }

    [Fact]
    public async Task EnsureTable_CalledByManyStoresAtOnce_CreatesOneTable_AndIsIdempotent()
    {
        var tableName = EmulatorFixture.UniqueName("lease-table");
        var stores = Enumerable.Range(0, 4).Select(_ => new DynamoDbLeaseStore(_client, tableName)).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureTableAsync())));
        await stores[0].EnsureTableAsync();

        Assert.True(await stores[1].CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "shardId-000000000000", Checkpoint = ExtendedSequenceNumber.TrimHorizon }));
        Assert.Single(await stores[2].ListLeasesAsync());
        var tables = await _client.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = null });
        Assert.Single(tables.TableNames, n => n == tableName);
    }

    [Fact]
    public async Task EnsureTable_OnATableWithAnotherKey_Throws()
    {
        var tableName = EmulatorFixture.UniqueName("not-a-lease-table");
        await _client.CreateTableAsync(new CreateTableRequest
        {
            TableName = tableName,
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new DynamoDbLeaseStore(_client, tableName).EnsureTableAsync());

        Assert.Contains("leaseKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_ReadsAJavaKclLeaseItem_IgnoringAttributesItDoesNotKnow_AndCheckpointClearsThePendingState()
    {
        var store = new DynamoDbLeaseStore(_client, EmulatorFixture.UniqueName("kcl-table"));
        await store.EnsureTableAsync();

        // The shape the Java KCL 2.x/3.x writes, with 3.x-only columns this store does not model.
        await _client.PutItemAsync(new PutItemRequest
        {
            TableName = store.TableName,
            Item = new()
            {
                ["leaseKey"] = new() { S = "shardId-000000000002" },
                ["leaseOwner"] = new() { S = "java-worker" },
                ["leaseCounter"] = new() { N = "42" },
                ["checkpoint"] = new() { S = "49590338271490256608559692538361571095921575989136588898" },
                ["checkpointSubSequenceNumber"] = new() { N = "0" },
                ["pendingCheckpoint"] = new() { S = "49590338271490256608559692538361571095921575989136588999" },
                ["pendingCheckpointSubSequenceNumber"] = new() { N = "2" },
                ["pendingCheckpointState"] = new() { B = new MemoryStream([1, 2, 3]) },
                ["ownerSwitchesSinceCheckpoint"] = new() { N = "1" },
                ["parentShardId"] = new() { SS = ["shardId-000000000000", "shardId-000000000001"] },
                ["startingHashKey"] = new() { S = "0" },
                ["endingHashKey"] = new() { S = "170141183460469231731687303715884105727" },
                ["checkpointOwner"] = new() { S = "java-worker" },
                ["throughputKBps"] = new() { N = "12.5" },
                ["leaseState"] = new() { M = new() { ["x"] = new() { BOOL = true } } },
            },
        });

        var lease = await store.GetLeaseAsync("shardId-000000000002");

        Assert.NotNull(lease);
        Assert.Equal("java-worker", lease.LeaseOwner);
        Assert.Equal(42, lease.LeaseCounter);
        Assert.Equal(new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588999", 2), lease.PendingCheckpoint);
        Assert.Equal(new byte[] { 1, 2, 3 }, lease.PendingCheckpointState);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], lease.ParentShardIds);
        Assert.Empty(lease.ChildShardIds);

        var checkpointed = await store.UpdateCheckpointAsync(lease, new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588999", 2));
        Assert.NotNull(checkpointed);

        var item = (await _client.GetItemAsync(new GetItemRequest
        {
            TableName = store.TableName,
            Key = new() { ["leaseKey"] = new() { S = "shardId-000000000002" } },
            ConsistentRead = true,
        })).Item;
        Assert.False(item.ContainsKey("pendingCheckpoint"));
        Assert.False(item.ContainsKey("pendingCheckpointSubSequenceNumber"));
        Assert.False(item.ContainsKey("pendingCheckpointState"));
        Assert.Equal("43", item["leaseCounter"].N);
        Assert.Equal("0", item["ownerSwitchesSinceCheckpoint"].N);
        Assert.Equal("java-worker", item["checkpointOwner"].S);
    }

    [Fact]
    public async Task Store_WritesTheKclAttributeNamesAndTypes()
    {
        var store = new DynamoDbLeaseStore(_client, EmulatorFixture.UniqueName("kcl-table"));
        await store.EnsureTableAsync();
        await store.CreateLeaseIfNotExistsAsync(new Lease
        {
            LeaseKey = "shardId-000000000005",
            Checkpoint = new ExtendedSequenceNumber("123", 4),
            ParentShardIds = ["shardId-000000000001"],
            ChildShardIds = ["shardId-000000000007", "shardId-000000000006"],
            StartingHashKey = "0",
            EndingHashKey = "99",
        });
        var taken = await store.TakeLeaseAsync((await store.GetLeaseAsync("shardId-000000000005"))!, "worker-a");
        Assert.NotNull(taken);

        var item = (await _client.GetItemAsync(new GetItemRequest
        {
            TableName = store.TableName,
            Key = new() { ["leaseKey"] = new() { S = "shardId-000000000005" } },
            ConsistentRead = true,
        })).Item;

        Assert.Equal("worker-a", item["leaseOwner"].S);
        Assert.Equal("1", item["leaseCounter"].N);
        Assert.Equal("123", item["checkpoint"].S);
        Assert.Equal("4", item["checkpointSubSequenceNumber"].N);
        Assert.Equal("1", item["ownerSwitchesSinceCheckpoint"].N);
        Assert.Equal(["shardId-000000000001"], item["parentShardId"].SS);
        Assert.Equal(["shardId-000000000006", "shardId-000000000007"], item["childShardIds"].SS.Order(StringComparer.Ordinal));
        Assert.Equal("0", item["startingHashKey"].S);
        Assert.Equal("99", item["endingHashKey"].S);
        Assert.False(item.ContainsKey("pendingCheckpoint"));
    }
}
