using KinesisAttrib.Cli.Model;
using Spectre.Console;

namespace KinesisAttrib.Cli.Rendering;

/// <summary>The tables of <c>leases</c>, <c>workers</c> and <c>watch</c>.</summary>
internal static class Tables
{
    public static Table Leases(LeasesReport report, bool withLag)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title(Markup.Escape($"leases of {report.Application} (table {report.Table}{(report.Stream is null ? "" : $", stream {report.Stream}")})"));
        table.AddColumns("shard", "state", "owner", "counter", "checkpoint", "pending", "parents", "hash keys");
        if (withLag)
        {
            table.AddColumn("lag");
        }

        foreach (var lease in report.Leases)
        {
            var cells = new List<string>
            {
                lease.ShardId,
                lease.State + (lease.HandoffRequestedBy is { } by ? $" (hand-off to {by})" : ""),
                lease.LeaseOwner ?? "-",
                lease.LeaseCounter.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Output.Position(lease.Checkpoint, lease.CheckpointSubSequenceNumber),
                lease.PendingCheckpoint is { } pending ? Output.Position(pending, lease.PendingCheckpointSubSequenceNumber ?? 0) : "-",
                lease.ParentShardId.Count == 0 ? "-" : string.Join(", ", lease.ParentShardId),
                lease.StartingHashKey is null ? "-" : $"{Short(lease.StartingHashKey)}..{Short(lease.EndingHashKey ?? "?")}",
            };
            if (withLag)
            {
                cells.Add(Lag(lease.Lag));
            }

            table.AddRow([.. cells.Select(c => new Text(c))]);
        }

        if (report.Leases.Count == 0)
        {
            table.Caption("no leases");
        }

        return table;
    }

    public static Table Workers(WorkersReport report)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title(Markup.Escape($"workers of {report.Application}: {report.UnfinishedLeases} unfinished leases, {report.FreeLeases} free, even share {report.EvenShare:0.##}"));
        table.AddColumns("worker", "leases", "share of even", "last write", "activity");
        foreach (var worker in report.Workers)
        {
            table.AddRow(
                new Text(worker.Worker),
                new Text(worker.Leases.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text($"{worker.Share:0.##}"),
                new Text(worker.SecondsSinceLastWrite is { } ago ? $"{ago:0.#} s ago" : "-"),
                new Text(worker.Activity));
        }

        if (report.Workers.Count == 0)
        {
            table.Caption("no worker holds a lease");
        }

        return table;
    }

    private static string Lag(LagRow? lag)
    {
        if (lag is null)
        {
            return "-";
        }

        if (lag.Note is { } note)
        {
            return note;
        }

        var parts = new List<string>();
        if (lag.MillisBehindLatest is { } behind)
        {
            parts.Add($"{Output.Duration(TimeSpan.FromMilliseconds(behind))} behind");
        }

        parts.Add(lag.NextRecordAgeSeconds is { } age ? $"next record waiting {Output.Duration(TimeSpan.FromSeconds(age))}" : "nothing waiting");
        return string.Join(", ", parts);
    }

    // Hash keys are up to 39 digits; the first and last few tell ranges apart.
    private static string Short(string hashKey) => hashKey.Length <= 12 ? hashKey : $"{hashKey[..5]}…{hashKey[^4..]}";
}
