using System.Collections.Concurrent;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Testing;

/// <summary>One <see cref="InMemoryLeaseStore"/> per application, kept for the factory's lifetime (so restarted schedulers see their checkpoints).</summary>
public sealed class InMemoryLeaseStoreFactory : ILeaseStoreFactory
{
    private readonly ConcurrentDictionary<string, InMemoryLeaseStore> _stores = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc cref="ILeaseStoreFactory.Create" />
    public InMemoryLeaseStore Create(string applicationName)
    {
        if (_stores.TryGetValue(applicationName, out var existing))
        {
            return existing;
        }

        var store = _stores.GetOrAdd(applicationName, _ => new InMemoryLeaseStore());
        TaskCompletionSource created;
        lock (_gate)
        {
            created = _created;
            _created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.TrySetResult();
        return store;
    }

    ILeaseStore ILeaseStoreFactory.Create(string applicationName) => Create(applicationName);

    /// <summary>The stores created so far, by lease table name.</summary>
    internal IReadOnlyList<KeyValuePair<string, InMemoryLeaseStore>> Stores => [.. _stores];

    /// <summary>Completes when the next store is created (read it before <see cref="Stores"/> so no creation is missed).</summary>
    internal Task StoreCreated
    {
        get
        {
            lock (_gate)
            {
                return _created.Task;
            }
        }
    }
}
