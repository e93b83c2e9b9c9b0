using System.Collections.Concurrent;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Testing;

/// <summary>One <see cref="InMemoryLeaseStore"/> per application, kept for the factory's lifetime (so restarted schedulers see their checkpoints).</summary>
public sealed class InMemoryLeaseStoreFactory : ILeaseStoreFactory
{
    private readonly ConcurrentDictionary<string, InMemoryLeaseStore> _stores = new(StringComparer.Ordinal);

    /// <inheritdoc cref="ILeaseStoreFactory.Create" />
    public InMemoryLeaseStore Create(string applicationName) => _stores.GetOrAdd(applicationName, _ => new InMemoryLeaseStore());

    ILeaseStore ILeaseStoreFactory.Create(string applicationName) => Create(applicationName);
}
