using System.Collections.Concurrent;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>Counts how often each payload was handled successfully, and each poison attempt.</summary>
internal sealed class HandledLog
{
    private readonly ConcurrentDictionary<string, int> _handled = new(StringComparer.Ordinal);
    private int _poisonAttempts;
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int PoisonAttempts => Volatile.Read(ref _poisonAttempts);

    public IReadOnlyDictionary<string, int> Handled => _handled;

    public void Add(string payload)
    {
        _handled.AddOrUpdate(payload, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public void PoisonAttempt() => Interlocked.Increment(ref _poisonAttempts);
}
