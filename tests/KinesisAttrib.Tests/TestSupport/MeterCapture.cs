using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// Reads the <c>KinesisAttrib</c> meter as an exporter would: a <see cref="MeterListener"/> that keeps the measurements
/// whose attributes match (the listener sees every test's schedulers in the process, so a test names its own worker or
/// application), and observes the gauges on demand.
/// </summary>
internal sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Func<IReadOnlyDictionary<string, object?>, bool> _matches;
    private readonly ConcurrentQueue<Measured> _measured = new();
    private readonly object _observing = new();
    private List<Measured>? _observed;

    /// <summary>Keeps measurements whose attribute <paramref name="attribute"/> is one of <paramref name="values"/>.</summary>
    public MeterCapture(string attribute, params string[] values)
        : this(tags => tags.TryGetValue(attribute, out var value) && value is string s && values.Contains(s, StringComparer.Ordinal))
    {
    }

    public MeterCapture(Func<IReadOnlyDictionary<string, object?>, bool> matches)
    {
        _matches = matches;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "KinesisAttrib")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    /// <summary>Keeps the measurements of these workers (attribute <c>messaging.client.id</c>).</summary>
    public static MeterCapture ForWorkers(params string[] workers) => new("messaging.client.id", workers);

    /// <summary>The measurements of a counter or histogram so far.</summary>
    public IReadOnlyList<Measured> Of(string instrument) => [.. _measured.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of a counter so far (optionally of the measurements that match).</summary>
    public double Sum(string instrument, Func<Measured, bool>? where = null) => Of(instrument).Where(where ?? (_ => true)).Sum(m => m.Value);

    /// <summary>Observes the gauges now and returns what <paramref name="instrument"/> reported.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        lock (_observing)
        {
            _observed = [];
            try
            {
                _listener.RecordObservableInstruments();
                return [.. _observed.Where(m => m.Instrument == instrument)];
            }
            finally
            {
                _observed = null;
            }
        }
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            attributes[tag.Key] = tag.Value;
        }

        if (!_matches(attributes))
        {
            return;
        }

        var measured = new Measured(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), attributes);
        if (instrument.IsObservable)
        {
            // Only during Observe, on its thread: the gauges run inside RecordObservableInstruments.
            _observed?.Add(measured);
        }
        else
        {
            _measured.Enqueue(measured);
        }
    }

    public void Dispose() => _listener.Dispose();

    internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public string? this[string attribute] => Tags.TryGetValue(attribute, out var value) ? value as string : null;
    }
}
