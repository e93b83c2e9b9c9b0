using System.Text.Json;
using System.Text.Json.Serialization;

namespace KinesisAttrib.Cli.Model;

// The shapes `--json` prints. Lease fields keep the lease table's attribute names, so a script that knew the table
// reads the tool's output without a mapping.

internal sealed record LeasesReport(string Application, string Table, string? Stream, double ObservedSeconds, IReadOnlyList<LeaseRow> Leases);

internal sealed record LeaseRow
{
    public required string LeaseKey { get; init; }

    public required string ShardId { get; init; }

    public string? LeaseOwner { get; init; }

    public long LeaseCounter { get; init; }

    public required string Checkpoint { get; init; }

    public long CheckpointSubSequenceNumber { get; init; }

    public string? PendingCheckpoint { get; init; }

    public long? PendingCheckpointSubSequenceNumber { get; init; }

    public long OwnerSwitchesSinceCheckpoint { get; init; }

    public IReadOnlyList<string> ParentShardId { get; init; } = [];

    public IReadOnlyList<string> ChildShardIds { get; init; } = [];

    public string? StartingHashKey { get; init; }

    public string? EndingHashKey { get; init; }

    public string? HandoffRequestedBy { get; init; }

    [JsonPropertyName("kinesisattribStream")]
    public string? Stream { get; init; }

    /// <summary>held, live, expired, free or finished.</summary>
    public required string State { get; init; }

    public LagRow? Lag { get; init; }
}

internal sealed record LagRow(long? MillisBehindLatest, string? NextSequenceNumber, DateTimeOffset? NextRecordArrival, double? NextRecordAgeSeconds, string? Note);

internal sealed record WorkersReport(string Application, string Table, int UnfinishedLeases, int FreeLeases, double EvenShare, double ObservedSeconds, IReadOnlyList<WorkerRow> Workers);

internal sealed record WorkerRow(string Worker, int Leases, IReadOnlyList<string> LeaseKeys, double Share, DateTimeOffset? LastWrite, double? SecondsSinceLastWrite, string Activity);

internal sealed record CheckpointChange(
    string ShardId,
    string LeaseKey,
    string Target,
    string? Resolution,
    LeaseSide Before,
    LeaseSide? After,
    string OwnerWas,
    bool Forced,
    bool DryRun);

internal sealed record LeaseSide(string Checkpoint, long CheckpointSubSequenceNumber, string? PendingCheckpoint, string? LeaseOwner, long LeaseCounter);

internal sealed record ReleaseReport(IReadOnlyList<ReleaseResult> Results);

internal sealed record ReleaseResult(string ShardId, string? Owner, string Action, string Outcome, bool Succeeded);

internal sealed record DoctorReport(string Application, string Table, string? Stream, double IntervalSeconds, IReadOnlyList<Finding> Findings);

internal sealed record Finding(string Severity, string Check, string? Subject, string Message, string? Fix);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LeasesReport))]
[JsonSerializable(typeof(WorkersReport))]
[JsonSerializable(typeof(CheckpointChange))]
[JsonSerializable(typeof(ReleaseReport))]
[JsonSerializable(typeof(DoctorReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// What the tool prints: the same settings, with quotes and non-ASCII characters left as they are (the output goes
    /// to a terminal or a script, never into HTML).
    /// </summary>
    public static CliJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
