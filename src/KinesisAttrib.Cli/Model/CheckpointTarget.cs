using System.Globalization;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Cli.Model;

/// <summary>
/// Where <c>checkpoint set --to</c> moves a checkpoint. A checkpoint means "processed up to and including": the
/// consumer resumes after it. <c>at-timestamp:</c> and <c>at-sequence:</c> resume AT a record, which the KCL schema
/// writes as that record's sequence number with sub-sequence −1 ("before its first user record"), see docs/operations.md.
/// </summary>
internal sealed record CheckpointTarget(string Text, ExtendedSequenceNumber? Position, DateTimeOffset? Timestamp)
{
    public const string Forms = "trim-horizon, latest, at-timestamp:<ISO 8601>, sequence:<N>[/<sub-sequence>] (N processed, resume after it) or at-sequence:<N> (resume at N)";

    public static CheckpointTarget Parse(string text, DateTimeOffset now)
    {
        var (kind, value) = text.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, "");
        switch (kind.ToLowerInvariant())
        {
            case "trim-horizon" when value.Length == 0:
                return new(text, ExtendedSequenceNumber.TrimHorizon, null);
            case "latest" when value.Length == 0:
                return new(text, ExtendedSequenceNumber.Latest, null);
            case "at-timestamp":
                if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var timestamp))
                {
                    throw new UsageException($"--to {text}: '{value}' is not an ISO 8601 timestamp (e.g. 2026-12-03T17:00:00Z).");
                }

                if (timestamp > now)
                {
                    throw new UsageException($"--to {text}: {timestamp:O} is in the future; use --to latest to skip to the tip.");
                }

                return new(text, null, timestamp.ToUniversalTime());
            case "sequence":
                return new(text, ParseSequence(text, value, allowSubSequence: true), null);
            case "at-sequence":
                return new(text, ParseSequence(text, value, allowSubSequence: false) with { SubSequenceNumber = -1 }, null);
            default:
                throw new UsageException($"--to '{text}' is not a position: use {Forms}.");
        }
    }

    private static ExtendedSequenceNumber ParseSequence(string text, string value, bool allowSubSequence)
    {
        var slash = allowSubSequence ? value.IndexOf('/', StringComparison.Ordinal) : -1;
        var sequence = slash >= 0 ? value[..slash] : value;
        long subSequence = 0;
        if (slash >= 0 && !long.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out subSequence))
        {
            throw new UsageException($"--to {text}: '{value[(slash + 1)..]}' is not a sub-sequence number (a whole number, 0 or more).");
        }

        // Kinesis sequence numbers are decimal strings of up to 128 digits.
        if (sequence.Length is 0 or > 128 || !sequence.All(char.IsAsciiDigit))
        {
            throw new UsageException($"--to {text}: '{sequence}' is not a Kinesis sequence number (up to 128 decimal digits).");
        }

        return new ExtendedSequenceNumber(sequence, subSequence);
    }
}
