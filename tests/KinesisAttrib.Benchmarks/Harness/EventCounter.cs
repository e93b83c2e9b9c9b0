using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Benchmarks.Harness;

/// <summary>A logger factory that only counts warnings and errors by event name (e.g. <c>LeaseLost</c>), for the suites' reports.</summary>
public sealed class EventCounter : ILoggerFactory, ILogger
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts since the last call, e.g. <c>LeaseLost 67, LeaseRenewalFailed 3</c>, or <c>none</c>.</summary>
    public string TakeSummary()
    {
        var taken = new List<string>();
        foreach (var key in _counts.Keys.Order(StringComparer.Ordinal))
        {
            if (_counts.TryRemove(key, out var n))
            {
                taken.Add($"{key} {n}");
            }
        }

        return taken.Count == 0 ? "none" : string.Join(", ", taken);
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _counts.AddOrUpdate(eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
        }
    }

    public void Dispose()
    {
    }
}
