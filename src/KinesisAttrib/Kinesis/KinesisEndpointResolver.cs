using System.Text.RegularExpressions;
using Amazon.Runtime.CredentialManagement;

namespace KinesisAttrib.Kinesis;

/// <summary>
/// Decides the region to sign for and the endpoint to call, in this order:
/// <list type="bullet">
/// <item>region: explicit configuration, <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the region of the AWS profile
/// (<c>AWS_PROFILE</c> or <c>default</c>); none of them is a clear error;</item>
/// <item>endpoint: explicit configuration, <c>AWS_ENDPOINT_URL_KINESIS</c>, <c>AWS_ENDPOINT_URL</c> (both skipped when
/// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>), else <c>https://kinesis.{region}.amazonaws.com</c>.</item>
/// </list>
/// Plain HTTP is accepted only for an endpoint someone configured (an emulator, a proxy); the default is always HTTPS.
/// Instance metadata is never consulted: on EC2, set <c>AWS_REGION</c>.
/// </summary>
internal static partial class KinesisEndpointResolver
{
    /// <summary>The environment variable a Kinesis-only endpoint is read from.</summary>
    public const string KinesisEndpointVariable = "AWS_ENDPOINT_URL_KINESIS";

    /// <summary>The environment variable an all-services endpoint is read from.</summary>
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>Resolves with the process environment and the shared AWS profile files.</summary>
    public static (string Region, Uri Endpoint) Resolve(Uri? serviceUrl, string? region) =>
        Resolve(serviceUrl, region, Environment.GetEnvironmentVariable, ProfileRegion);

    /// <summary>Resolves with the given environment and profile lookups (tests pass their own).</summary>
    public static (string Region, Uri Endpoint) Resolve(
        Uri? serviceUrl,
        string? region,
        Func<string, string?> environment,
        Func<string, string?> profileRegion)
    {
        var resolvedRegion = ResolveRegion(region, environment, profileRegion);
        return (resolvedRegion, ResolveEndpoint(serviceUrl, resolvedRegion, environment));
    }

    private static string ResolveRegion(string? configured, Func<string, string?> environment, Func<string, string?> profileRegion)
    {
        string source;
        string? region;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            (region, source) = (configured, "the configured Region");
        }
        else if (Value(environment, "AWS_REGION") is { } fromRegion)
        {
            (region, source) = (fromRegion, "AWS_REGION");
        }
        else if (Value(environment, "AWS_DEFAULT_REGION") is { } fromDefault)
        {
            (region, source) = (fromDefault, "AWS_DEFAULT_REGION");
        }
        else
        {
            var profile = Value(environment, "AWS_PROFILE") ?? "default";
            region = profileRegion(profile);
            source = $"the region of AWS profile '{profile}'";
            if (string.IsNullOrWhiteSpace(region))
            {
                throw new InvalidOperationException(
                    "No AWS region for Kinesis: set the Region option (KinesisClientOptions.Region / KinesisAttribOptions.Region), "
                    + $"the AWS_REGION environment variable, or a region in AWS profile '{profile}'.");
            }
        }

        region = region.Trim();
        if (!RegionPattern().IsMatch(region))
        {
            throw new InvalidOperationException($"The AWS region '{region}' from {source} is not a region name (e.g. us-east-1).");
        }

        return region;
    }

    private static Uri ResolveEndpoint(Uri? configured, string region, Func<string, string?> environment)
    {
        if (configured is not null)
        {
            return Validate(configured, "the configured ServiceUrl / KinesisEndpoint");
        }

        var ignoreEnvironment = string.Equals(Value(environment, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ignoreEnvironment)
        {
            foreach (var variable in (ReadOnlySpan<string>)[KinesisEndpointVariable, GlobalEndpointVariable])
            {
                if (Value(environment, variable) is { } text)
                {
                    if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
                    {
                        throw new InvalidOperationException($"{variable} = '{text}' is not an absolute URL (e.g. http://127.0.0.1:4567).");
                    }

                    return Validate(uri, variable);
                }
            }
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://kinesis.{region}.{suffix}/");
    }

    private static Uri Validate(Uri endpoint, string source)
    {
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"The Kinesis endpoint '{endpoint}' from {source} must be an absolute http:// or https:// URL.");
        }

        if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            throw new InvalidOperationException($"The Kinesis endpoint from {source} must not carry a query string or user info.");
        }

        return endpoint;
    }

    private static string? Value(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The region of a profile in the shared AWS config/credentials files, or null.</summary>
    internal static string? ProfileRegion(string profileName) => ProfileRegion(profileName, credentialsFile: null);

    /// <summary>As <see cref="ProfileRegion(string)"/>, with the credentials file (and the <c>config</c> file beside it) given.</summary>
    internal static string? ProfileRegion(string profileName, string? credentialsFile)
    {
        try
        {
            return new CredentialProfileStoreChain(credentialsFile).TryGetProfile(profileName, out var profile) ? profile.Region?.SystemName : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // An unreadable profile file counts as no region; the error then names every place a region can come from.
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
