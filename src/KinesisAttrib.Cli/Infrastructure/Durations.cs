using System.Globalization;

namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>Durations on the command line: <c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1d)
            : text.EndsWith('s') ? (text[..^1], 1000d)
            : text.EndsWith('m') ? (text[..^1], 60_000d)
            : text.EndsWith('h') ? (text[..^1], 3_600_000d)
            : (text, 1000d);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount < 0 || amount * unit > int.MaxValue)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(amount * unit);
        return true;
    }
}
