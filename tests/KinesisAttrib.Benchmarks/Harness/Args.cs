using System.Globalization;

namespace KinesisAttrib.Benchmarks.Harness;

/// <summary><c>--name value</c> options of the suites.</summary>
public static class Args
{
    public static int Int(string[] args, string name, int fallback) => Get(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static double Double(string[] args, string name, double fallback) => Get(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static string? Get(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Writes a line to stdout, invariant culture, flushed at once (progress of long suites).</summary>
    public static void Report(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
