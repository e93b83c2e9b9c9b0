using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Tests.Leases;

/// <summary>
/// Request-level behaviour of the DynamoDB store that an emulator cannot provoke on demand (pagination, a table stuck
/// in CREATING, a lost creation race). The conformance suite covers the rest against dynalite.
/// </summary>
public sealed class DynamoDbLeaseStoreTests : IDisposable
{
    private readonly ScriptedDynamoDbClient _client = new();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ListLeases_FollowsEveryScanPage_WithConsistentReads()
    {
        _client.ScanPages.Enqueue(new ScanResponse { Items = [Item("shardId-2")], LastEvaluatedKey = Key("shardId-2") });
        _client.ScanPages.Enqueue(new ScanResponse { Items = [Item("shardId-1")], LastEvaluatedKey = Key("shardId-1") });
        _client.ScanPages.Enqueue(new ScanResponse { Items = [Item("shardId-3")] });
        var store = new DynamoDbLeaseStore(_client, "orders");

        var leases = await store.ListLeasesAsync();

        Assert.Equal(["shardId-1", "shardId-2", "shardId-3"], leases.Select(l => l.LeaseKey));
        Assert.Equal(3, _client.ScanRequests.Count);
        Assert.All(_client.ScanRequests, r => Assert.True(r.ConsistentRead));
        Assert.Null(_client.ScanRequests[0].ExclusiveStartKey);
        Assert.Equal("shardId-2", _client.ScanRequests[1].ExclusiveStartKey["leaseKey"].S);
        Assert.Equal("shardId-1", _client.ScanRequests[2].ExclusiveStartKey["leaseKey"].S);
    }

    [Fact]
    public async Task EnsureTable_WhenAnotherWorkerCreatesTheTableFirst_WaitsForIt()
    {
        _client.Tables.Enqueue(null);
        _client.CreateTableError = new ResourceInUseException("Table already exists");
        _client.Tables.Enqueue(TableStatus.CREATING);
        _client.Tables.Enqueue(TableStatus.ACTIVE);
        var store = new DynamoDbLeaseStore(_client, "orders");

        await store.EnsureTableAsync();

        Assert.Equal(1, _client.CreateTableCalls);
        Assert.Empty(_client.Tables);
    }

    [Fact]
    public async Task EnsureTable_CreatesAnOnDemandTable_WhenItIsMissing()
    {
        _client.Tables.Enqueue(null);
        _client.Tables.Enqueue(null); // not visible yet right after creation
        _client.Tables.Enqueue(TableStatus.ACTIVE);
        var store = new DynamoDbLeaseStore(_client, "orders");

        await store.EnsureTableAsync();

        var request = Assert.Single(_client.CreateTableRequests);
        Assert.Equal("orders", request.TableName);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, request.BillingMode);
        Assert.Equal("leaseKey", Assert.Single(request.KeySchema).AttributeName);
    }

    [Fact]
    public async Task EnsureTable_WhileTheTableStaysInCreating_HonoursCancellation()
    {
        _client.StuckStatus = TableStatus.CREATING;
        var store = new DynamoDbLeaseStore(_client, "orders");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.EnsureTableAsync(cancellation.Token));
    }

    private static Dictionary<string, AttributeValue> Key(string leaseKey) => new() { ["leaseKey"] = new() { S = leaseKey } };

    private static Dictionary<string, AttributeValue> Item(string leaseKey) => new()
    {
        ["leaseKey"] = new() { S = leaseKey },
        ["leaseCounter"] = new() { N = "1" },
        ["checkpoint"] = new() { S = "TRIM_HORIZON" },
    };

    /// <summary>A DynamoDB client whose answers the test scripts; it never sends a request.</summary>
    private sealed class ScriptedDynamoDbClient() : AmazonDynamoDBClient(
        new BasicAWSCredentials("AKIAUNITTEST", "not-a-secret"),
        new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9/", AuthenticationRegion = "us-east-1" })
    {
        public Queue<ScanResponse> ScanPages { get; } = new();

        public List<ScanRequest> ScanRequests { get; } = [];

        /// <summary>Successive DescribeTable answers; null means "ResourceNotFoundException".</summary>
        public Queue<TableStatus?> Tables { get; } = new();

        public TableStatus? StuckStatus { get; set; }

        public Exception? CreateTableError { get; set; }

        public int CreateTableCalls => CreateTableRequests.Count;

        public List<CreateTableRequest> CreateTableRequests { get; } = [];

        public override Task<ScanResponse> ScanAsync(ScanRequest request, CancellationToken cancellationToken = default)
        {
            ScanRequests.Add(request);
            return Task.FromResult(ScanPages.Dequeue());
        }

        public override Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken = default)
        {
            var status = StuckStatus ?? Tables.Dequeue();
            return status is null
                ? throw new ResourceNotFoundException($"Requested resource not found: Table: {request.TableName} not found")
                : Task.FromResult(new DescribeTableResponse
                {
                    Table = new TableDescription
                    {
                        TableName = request.TableName,
                        TableStatus = status,
                        KeySchema = [new KeySchemaElement("leaseKey", KeyType.HASH)],
                    },
                });
        }

        public override Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken = default)
        {
            CreateTableRequests.Add(request);
            return CreateTableError is { } error ? throw error : Task.FromResult(new CreateTableResponse());
        }
    }
}
