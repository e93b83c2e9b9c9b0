using System.Globalization;

namespace OrderPipeline;

/// <summary>The parsed command line; <see cref="Parse"/> throws <see cref="FormatException"/> naming the bad argument.</summary>
public sealed record CommandLine
{
    public string Verb { get; init; } = "embedded";

    public string? Stream { get; init; }

    public int? Count { get; init; }

    /// <summary>produce: create the stream with this many shards first, unless it exists.</summary>
    public int? CreateStreamShards { get; init; }

    public Uri? KinesisEndpoint { get; init; }

    public Uri? DynamoDbEndpoint { get; init; }

    public string? Region { get; init; }

    public string? WorkerId { get; init; }

    public string ArchiveDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "archive");

    public TimeSpan? ExitWhenIdle { get; init; }

    /// <summary>consume: serve /metrics and /healthz on 127.0.0.1 at this port.</summary>
    public int? HttpPort { get; init; }

    /// <summary>consume: read by enhanced fan-out (a registered consumer per application) instead of polling.</summary>
    public bool FanOut { get; init; }

    /// <summary>consume --efo: the registered consumers are named {this}-archive and {this}-totals (default: the application names).</summary>
    public string? ConsumerName { get; init; }

    /// <summary>The region to sign with: the flag, else the environment, else us-east-1 when an endpoint is given (emulators ignore it).</summary>
    public string? EffectiveRegion => Region
        ?? Environment.GetEnvironmentVariable("AWS_REGION")
        ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
        ?? (KinesisEndpoint is not null ? "us-east-1" : null);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return new CommandLine();
        }

        var verb = args[0];
        if (verb is not ("produce" or "consume"))
        {
            throw new FormatException($"unknown command '{verb}'");
        }

        var allowed = verb == "produce"
            ? new[] { "--stream", "--count", "--kinesis-endpoint", "--region", "--create-stream" }
            : ["--stream", "--kinesis-endpoint", "--dynamodb-endpoint", "--region", "--worker-id", "--archive-dir", "--exit-when-idle", "--http-port", "--efo", "--consumer-name"];
        var switches = new[] { "--efo" };
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            var flag = args[i];
            if (!allowed.Contains(flag))
            {
                throw new FormatException($"unknown option '{flag}' for {verb}");
            }

            if (switches.Contains(flag))
            {
                // A switch takes no value.
                values[flag] = "true";
                i--;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new FormatException($"option {flag} needs a value");
            }

            values[flag] = args[i + 1];
        }

        var stream = values.GetValueOrDefault("--stream") ?? throw new FormatException($"{verb} needs --stream");
        var result = new CommandLine
        {
            Verb = verb,
            Stream = stream,
            KinesisEndpoint = Endpoint(values, "--kinesis-endpoint"),
            DynamoDbEndpoint = Endpoint(values, "--dynamodb-endpoint"),
            Region = values.GetValueOrDefault("--region"),
            WorkerId = values.GetValueOrDefault("--worker-id"),
        };

        if (values.TryGetValue("--archive-dir", out var dir))
        {
            result = result with { ArchiveDirectory = Path.GetFullPath(dir) };
        }

        if (verb == "produce")
        {
            var count = values.GetValueOrDefault("--count") ?? throw new FormatException("produce needs --count");
            result = result with { Count = int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"--count '{count}' is not a positive whole number") };
            if (values.TryGetValue("--create-stream", out var shards))
            {
                result = result with
                {
                    CreateStreamShards = int.TryParse(shards, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 100
                        ? s
                        : throw new FormatException($"--create-stream '{shards}' is not a shard count (1-100)"),
                };
            }
        }

        if (values.TryGetValue("--exit-when-idle", out var idle))
        {
            result = result with
            {
                ExitWhenIdle = double.TryParse(idle, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
                    ? TimeSpan.FromSeconds(s)
                    : throw new FormatException($"--exit-when-idle '{idle}' is not a positive number of seconds"),
            };
        }

        if (values.ContainsKey("--efo"))
        {
            result = result with { FanOut = true };
        }

        if (values.TryGetValue("--consumer-name", out var consumer))
        {
            result = result with
            {
                ConsumerName = result.FanOut && consumer.Length is >= 1 and <= 100 && consumer.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
                    ? consumer
                    : throw new FormatException(result.FanOut
                        ? $"--consumer-name '{consumer}' is not a consumer name (1-100 letters, digits, '_', '.' or '-')"
                        : "--consumer-name needs --efo"),
            };
        }

        if (values.TryGetValue("--http-port", out var port))
        {
            result = result with
            {
                HttpPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535
                    ? p
                    : throw new FormatException($"--http-port '{port}' is not a port number (1-65535)"),
            };
        }

        return result;
    }

    private static Uri? Endpoint(Dictionary<string, string> values, string flag)
        => !values.TryGetValue(flag, out var text) ? null
            : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
            : throw new FormatException($"{flag} '{text}' is not an http(s) URL");
}
