using KinesisAttrib.Leases;
using KinesisAttrib.Testing;

namespace KinesisAttrib.Tests.Leases;

public sealed class InMemoryLeaseStoreConformanceTests : LeaseStoreConformanceTests
{
    protected override async Task<ILeaseStore> CreateStoreAsync()
    {
        var store = new InMemoryLeaseStore();
        await store.EnsureTableAsync();
        return store;
    }
}
