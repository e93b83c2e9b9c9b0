using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrderPipeline;

/// <summary>
/// The live progress line's figures, read from the <c>KinesisAttrib</c> meter as any exporter would (a
/// <see cref="MeterListener"/>), not from the sample's own counters: records/s, the largest lag and the leases held,
/// per application.
/// </summary>
public sealed class MeterProgress : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _consumed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastConsumed = new(StringComparer.Ordinal);
    private readonly object _observing = new();
    private Dictionary<string, (long Lag, long Leases)>? _observed;
    private long _lastAt = TimeProvider.System.GetTimestamp();

    public MeterProgress()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "KinesisAttrib"
                && instrument.Name is "messaging.client.consumed.messages" or "kinesisattrib.consumer.lag" or "kinesisattrib.leases.held")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnMeasurement(instrument, value, tags, state));
        _listener.Start();
    }

    /// <summary>One figure per application since the previous call.</summary>
    public IReadOnlyList<(string Application, double RecordsPerSecond, long MaxLagMilliseconds, long LeasesHeld)> Sample()
    {
        Dictionary<string, (long Lag, long Leases)> observed;
        lock (_observing)
        {
            _observed = new(StringComparer.Ordinal);
            _listener.RecordObservableInstruments();
            observed = _observed;
            _observed = null;
        }

        var now = TimeProvider.System.GetTimestamp();
        var seconds = Math.Max(TimeProvider.System.GetElapsedTime(_lastAt, now).TotalSeconds, 0.001);
        _lastAt = now;
        var result = new List<(string, double, long, long)>();
        foreach (var application in observed.Keys.Union(_consumed.Keys).Order(StringComparer.Ordinal))
        {
            var consumed = _consumed.GetValueOrDefault(application);
            var rate = (consumed - _lastConsumed.GetValueOrDefault(application)) / seconds;
            _lastConsumed[application] = consumed;
            var (lag, leases) = observed.GetValueOrDefault(application);
            result.Add((application, rate, lag, leases));
        }

        return result;
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var application = "";
        foreach (var tag in tags)
        {
            if (tag.Key == "messaging.consumer.group.name" && tag.Value is string name)
            {
                application = name;
            }
        }

        if (instrument.Name == "messaging.client.consumed.messages")
        {
            _consumed.AddOrUpdate(application, value, (_, total) => total + value);
            return;
        }

        // Gauges: only during Sample, on its thread.
        if (_observed is { } observed)
        {
            var (lag, leases) = observed.GetValueOrDefault(application);
            observed[application] = instrument.Name == "kinesisattrib.consumer.lag" ? (Math.Max(lag, value), leases) : (lag, leases + value);
        }
    }

    public void Dispose() => _listener.Dispose();
}
