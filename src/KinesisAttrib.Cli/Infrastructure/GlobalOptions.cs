using System.CommandLine;
using System.CommandLine.Parsing;

namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>The options every command takes (declared once on the root, recursive) and the ones several share.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Application { get; } = new("--application", "-a")
    {
        Description = "The application name (the KCL's application name; its lease table has the same name unless --lease-table says otherwise).",
        Required = true,
        Recursive = true,
    };

    public Option<string?> LeaseTable { get; } = new("--lease-table")
    {
        Description = "The lease table, when it is not named after the application.",
        Recursive = true,
    };

    public Option<string?> Stream { get; } = new("--stream", "-s")
    {
        Description = "The stream. Needed for a table the Java KCL wrote (it does not record its stream) and for tables several streams share.",
        Recursive = true,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "The AWS region; default AWS_REGION, AWS_DEFAULT_REGION, then the profile's region.",
        Recursive = true,
    };

    public Option<Uri?> KinesisEndpoint { get; } = new("--kinesis-endpoint")
    {
        Description = "A Kinesis endpoint URL (a local emulator, a VPC endpoint); default AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, then the region's.",
        Recursive = true,
        CustomParser = ParseUri,
    };

    public Option<Uri?> DynamoDbEndpoint { get; } = new("--dynamodb-endpoint")
    {
        Description = "A DynamoDB endpoint URL; default AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, then the region's.",
        Recursive = true,
        CustomParser = ParseUri,
    };

    public Option<TimeSpan> Timeout { get; } = new("--timeout")
    {
        Description = "How long one request may take (e.g. 10s).",
        Recursive = true,
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = ParseDuration,
    };

    /// <summary>Read commands: print JSON instead of tables.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON (for scripts) instead of tables." };

    /// <summary>The runtime's FailoverTime: how long a counter must stand still before its owner counts as gone.</summary>
    public static Option<TimeSpan> FailoverTime() => new("--failover-time")
    {
        Description = "The application's failover time: a lease whose counter does not move this long is expired (default 10s, the runtime's and the KCL's default).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = ParseDuration,
    };

    public static Option<TimeSpan> Duration(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = ParseDuration,
    };

    public ToolSettings Bind(ParseResult parse)
    {
        var application = parse.GetRequiredValue(Application);
        var table = parse.GetValue(LeaseTable) ?? application;
        try
        {
            Leases.DynamoDbLeaseStoreFactory.ValidateTableName(table);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message.Split(" (Parameter", 2)[0]);
        }

        return new ToolSettings(
            application,
            table,
            parse.GetValue(Stream),
            parse.GetValue(Region),
            parse.GetValue(KinesisEndpoint),
            parse.GetValue(DynamoDbEndpoint),
            parse.GetValue(Timeout));
    }

    private static Uri? ParseUri(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"{result.Parent?.ToString() ?? "endpoint"}: '{text}' is not an http:// or https:// URL.");
        return null;
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (e.g. 500ms, 10s, 2m).");
        return default;
    }
}
