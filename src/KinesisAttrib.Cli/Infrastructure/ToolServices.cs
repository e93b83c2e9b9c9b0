using Amazon.DynamoDBv2;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>
/// The runtime's own ports the tool works through: its Kinesis client and its lease store (the KCL schema lives there
/// only). <see cref="CreateAws"/> builds the HTTP/DynamoDB ones; tests pass in-memory ones.
/// </summary>
internal sealed class ToolServices : IDisposable
{
    /// <summary>The Kinesis client.</summary>
    public required IKinesisClient Kinesis { get; init; }

    /// <summary>The lease table.</summary>
    public required ILeaseStore Store { get; init; }

    /// <summary>Where Kinesis requests go, for messages.</summary>
    public required string KinesisEndpoint { get; init; }

    /// <summary>Where lease-table requests go, for messages.</summary>
    public required string DynamoDbEndpoint { get; init; }

    /// <summary>Whether the lease table exists (an unknown application is a usage error, not an empty table).</summary>
    public Func<CancellationToken, Task<bool>> TableExistsAsync { get; init; } = _ => Task.FromResult(true);

    /// <summary>Disposed with the services (the clients this class created).</summary>
    public IReadOnlyList<IDisposable> Owned { get; init; } = [];

    /// <summary>The Kinesis HTTP client and the DynamoDB lease store for <paramref name="settings"/>.</summary>
    /// <param name="settings">Region, endpoints, table, timeout.</param>
    /// <param name="environment">Environment variables: credentials (AWS_ACCESS_KEY_ID …), region, endpoints.</param>
    public static ToolServices CreateAws(ToolSettings settings, Func<string, string?> environment)
    {
        string region;
        Uri kinesisEndpoint;
        try
        {
            (region, kinesisEndpoint) = KinesisEndpointResolver.Resolve(settings.KinesisEndpoint, settings.Region, environment, KinesisEndpointResolver.ProfileRegion);
        }
        catch (InvalidOperationException ex)
        {
            // No region, or an endpoint that is not a URL: the operator has to say where to go.
            throw new UsageException(ex.Message.Replace("Region option (KinesisClientOptions.Region / KinesisAttribOptions.Region)", "--region option", StringComparison.Ordinal));
        }

        var credentials = EnvironmentCredentials(environment);
        var kinesis = new KinesisHttpClient(new KinesisClientOptions
        {
            ServiceUrl = kinesisEndpoint,
            Region = region,
            Credentials = credentials,
            Timeout = settings.Timeout,

            // An operator waits at the terminal: one retry, not the consumer's patience.
            MaxAttempts = 2,
            RetryBudget = settings.Timeout * 2 + TimeSpan.FromSeconds(1),
        });

        var config = new AmazonDynamoDBConfig { Timeout = settings.Timeout, MaxErrorRetry = 1 };
        var dynamoEndpoint = settings.DynamoDbEndpoint
            ?? EndpointFromEnvironment(environment, "AWS_ENDPOINT_URL_DYNAMODB")
            ?? EndpointFromEnvironment(environment, "AWS_ENDPOINT_URL");
        if (dynamoEndpoint is not null)
        {
            config.ServiceURL = dynamoEndpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        var dynamo = credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
        var store = new DynamoDbLeaseStore(dynamo, settings.TableName);
        return new ToolServices
        {
            Kinesis = kinesis,
            Store = store,
            KinesisEndpoint = kinesisEndpoint.ToString().TrimEnd('/'),
            DynamoDbEndpoint = store.Endpoint,
            TableExistsAsync = async ct => await DynamoDbTables.DescribeOrNullAsync(dynamo, settings.TableName, ct).ConfigureAwait(false) is not null,
            Owned = [kinesis, dynamo],
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var owned in Owned)
        {
            owned.Dispose();
        }
    }

    // The environment step of AWS's default chain, read from the tool's environment (tests pass their own); anything
    // else (profiles, SSO, instance roles) is left to AWSSDK.Core's default chain.
    private static AWSCredentials? EnvironmentCredentials(Func<string, string?> environment)
    {
        var key = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            return null;
        }

        return environment("AWS_SESSION_TOKEN") is { Length: > 0 } token
            ? new SessionAWSCredentials(key, secret, token)
            : new BasicAWSCredentials(key, secret);
    }

    private static Uri? EndpointFromEnvironment(Func<string, string?> environment, string variable)
    {
        if (environment(variable) is not { Length: > 0 } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new UsageException($"{variable} = '{text}' is not an absolute URL (e.g. http://127.0.0.1:8000).");
    }
}
