using Amazon.DynamoDBv2;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Leases;
using KinesisAttrib.Tests.Leases;

namespace KinesisAttrib.IntegrationTests.Leases;

/// <summary>
/// The lease-store conformance suite on <see cref="DynamoDbLeaseStore"/> against dynalite. xunit makes one instance
/// of this class per test, and each instance gets a fresh table with a unique name, so tests never see each other's leases.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class DynamoDbLeaseStoreConformanceTests(EmulatorFixture emulators) : LeaseStoreConformanceTests, IDisposable
{
    private readonly IAmazonDynamoDB _client = emulators.CreateDynamoDbClient();

    protected override async Task<ILeaseStore> CreateStoreAsync()
    {
        var store = new DynamoDbLeaseStore(_client, EmulatorFixture.UniqueName("lease-conformance"));
        await store.EnsureTableAsync();
        return store;
    }

    public void Dispose() => _client.Dispose();
}
