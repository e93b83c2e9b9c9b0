using System.Reflection;
using System.Runtime.CompilerServices;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>
/// Compares generated files with hand-checked baselines in <c>Baselines/&lt;TestName&gt;/&lt;HintName&gt;.txt</c>.
/// On a mismatch it writes <c>*.received.txt</c> beside the baseline and fails at the first differing line;
/// <c>KINESISATTRIB_UPDATE_BASELINES=1</c> rewrites the baselines instead (review the diff before committing).
/// </summary>
internal static class Baseline
{
    public const string VersionPlaceholder = "{{version}}";

    private static readonly string s_projectDirectory = typeof(Baseline).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ProjectDirectory").Value!;

    private static bool Update => Environment.GetEnvironmentVariable("KINESISATTRIB_UPDATE_BASELINES") == "1";

    public static void Verify(GeneratorOutput output, [CallerMemberName] string testName = "")
    {
        var directory = Path.Combine(s_projectDirectory, "Baselines", testName);
        var generated = output.Sources.ToDictionary(s => s.HintName + ".txt", s => Normalize(s.SourceText.ToString()), StringComparer.Ordinal);
        Assert.NotEmpty(generated);

        if (Update)
        {
            if (Directory.Exists(directory))
            {
                foreach (var stale in Directory.GetFiles(directory, "*.txt"))
                {
                    File.Delete(stale);
                }
            }

            Directory.CreateDirectory(directory);
            foreach (var (file, text) in generated)
            {
                File.WriteAllText(Path.Combine(directory, file), text);
            }

            return;
        }

        var failures = new List<string>();
        foreach (var (file, actual) in generated.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, file);
            var receivedPath = Path.ChangeExtension(path, ".received.txt");
            var expected = File.Exists(path) ? Normalize(File.ReadAllText(path)) : null;
            if (expected == actual)
            {
                File.Delete(receivedPath);
                continue;
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(receivedPath, actual);
            failures.Add(expected is null
                ? $"{file}: no baseline at {path}; the output is in {receivedPath}."
                : $"{file}: {FirstDifference(expected, actual)}; the output is in {receivedPath}.");
        }

        var baselineFiles = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.txt").Select(Path.GetFileName).Where(f => !f!.EndsWith(".received.txt", StringComparison.Ordinal))
            : [];
        failures.AddRange(baselineFiles.Where(f => !generated.ContainsKey(f!)).Select(f => $"{f}: has a baseline but was not generated."));

        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n(Set KINESISATTRIB_UPDATE_BASELINES=1 to accept the new output.)");
    }

    private static string Normalize(string text) => text
        .Replace("\r\n", "\n", StringComparison.Ordinal)
        .Replace(
            $"\"{KinesisHandlerGenerator.Emitter.GeneratorName}\", \"{KinesisHandlerGenerator.Emitter.GeneratorVersion}\"",
            $"\"{KinesisHandlerGenerator.Emitter.GeneratorName}\", \"{VersionPlaceholder}\"",
            StringComparison.Ordinal);

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var a = i < actualLines.Length ? actualLines[i] : "<end of file>";
            if (e != a)
            {
                return $"line {i + 1} differs:\n  expected: {e}\n  actual:   {a}";
            }
        }

        return "the files differ";
    }
}
