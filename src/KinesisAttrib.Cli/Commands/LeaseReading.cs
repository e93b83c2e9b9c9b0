using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Cli.Model;

namespace KinesisAttrib.Cli.Commands;

/// <summary>What <c>leases</c>, <c>workers</c> and <c>watch</c> share: scanning, observing, probing lag.</summary>
internal static class LeaseReading
{
    /// <summary>Scans; with <paramref name="observeFor"/> above zero, waits and scans again so counters that moved tell live owners.</summary>
    public static async Task<LeaseScan> ScanAsync(Session session, LeaseObserver observer, TimeSpan observeFor, CancellationToken cancellationToken)
    {
        var scan = await session.ScanAsync(cancellationToken).ConfigureAwait(false);
        observer.Observe(scan);
        if (observeFor > TimeSpan.Zero)
        {
            // Until the clock the scans are stamped with has moved on by the whole time: a timer may fire a little before
            // the wall clock agrees, and a lease would then look held rather than expired.
            var first = scan.ReadAt;
            do
            {
                var remaining = observeFor - (session.Time.GetUtcNow() - first);
                await Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), session.Time, cancellationToken).ConfigureAwait(false);
            }
            while (session.Time.GetUtcNow() - first < observeFor);

            scan = await session.ScanAsync(cancellationToken).ConfigureAwait(false);
            observer.Observe(scan);
        }

        return scan;
    }

    /// <summary>Lag of every unfinished lease (a few probes at a time: each is two Kinesis calls on its shard).</summary>
    public static async Task<Dictionary<string, LagInfo>> LagsAsync(Session session, LeaseScan scan, string stream, CancellationToken cancellationToken)
    {
        var lags = new Dictionary<string, LagInfo>(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(8);
        var probes = scan.Leases.Select(async lease =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var lag = await LagProbe.ProbeAsync(session, stream, scan.ShardIdOf(lease), lease.Checkpoint, cancellationToken).ConfigureAwait(false);
                lock (lags)
                {
                    lags[lease.LeaseKey] = lag;
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(probes).ConfigureAwait(false);
        return lags;
    }

    public static LeasesReport Report(Session session, LeaseScan scan, LeaseObserver observer, IReadOnlyDictionary<string, LagInfo>? lags)
    {
        var now = session.Time.GetUtcNow();
        var rows = scan.Leases.Select(l => LeaseRows.Of(scan, l, observer, now, lags?.GetValueOrDefault(l.LeaseKey))).ToList();
        var stream = session.Settings.Stream ?? (scan.RecordedStreams.Count == 1 ? scan.RecordedStreams[0] : null);
        return new LeasesReport(session.Settings.Application, session.TableName, stream, Math.Round(observer.ObservedFor(now).TotalSeconds, 1), rows);
    }
}
