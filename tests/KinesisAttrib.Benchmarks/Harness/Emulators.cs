using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Benchmarks.Harness;

/// <summary>
/// kinesalite, dynalite and kinesis-local (enhanced fan-out) on loopback through the integration tests' launcher
/// (<c>tests/emulators/start.js</c>), which prints <c>{"kinesis":PORT,"dynamodb":PORT,"kinesisLocal":PORT}</c> and exits
/// when its stdin closes. The first run installs the
/// pinned packages with <c>npm ci</c>.
/// </summary>
public sealed class Emulators : IAsyncDisposable
{
    public const string Region = "us-east-1";

    private readonly Process _process;

    private Emulators(Process process, Uri kinesis, Uri dynamoDb, Uri kinesisLocal)
    {
        _process = process;
        KinesisEndpoint = kinesis;
        DynamoDbEndpoint = dynamoDb;
        KinesisLocalEndpoint = kinesisLocal;
    }

    /// <summary>Fake credentials, passed explicitly: nothing ever looks for real ones.</summary>
    public static BasicAWSCredentials Credentials { get; } = new("AKIAEMULATOREXAMPLE", "emulator-secret-key-not-a-real-one");

    public Uri KinesisEndpoint { get; }

    public Uri DynamoDbEndpoint { get; }

    /// <summary>kinesis-local's plain port (HTTP/1.1 and h2c with prior knowledge): RegisterStreamConsumer, SubscribeToShard.</summary>
    public Uri KinesisLocalEndpoint { get; }

    /// <summary>The emulator process (node), to sample its CPU time.</summary>
    public Process Process => _process;

    public static async Task<Emulators> StartAsync()
    {
        var directory = Path.GetFullPath(typeof(Emulators).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "EmulatorsDirectory").Value!);
        if (new[] { "kinesalite", "dynalite", "kinesis-local" }.Any(p => !Directory.Exists(Path.Combine(directory, "node_modules", p))))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = directory })
                ?? throw new InvalidOperationException("could not start npm");
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {directory} failed ({npm.ExitCode}); the suites need Node.js 20+ and the pinned emulators.");
            }
        }

        var start = new ProcessStartInfo("node", ["start.js"])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("the emulators exited before listening");
        using var ports = JsonDocument.Parse(line);
        return new Emulators(
            process,
            Loopback(ports.RootElement.GetProperty("kinesis").GetInt32()),
            Loopback(ports.RootElement.GetProperty("dynamodb").GetInt32()),
            Loopback(ports.RootElement.GetProperty("kinesisLocal").GetInt32()));
    }

    public KinesisHttpClient CreateKinesisClient() => new(new KinesisClientOptions
    {
        ServiceUrl = KinesisEndpoint,
        Region = Region,
        Credentials = Credentials,
    });

    /// <summary>
    /// A client for kinesis-local, owning its handler (so SubscribeToShard shares its HTTP/2 connections as in
    /// production).
    /// </summary>
    public KinesisHttpClient CreateKinesisLocalClient() => new(new KinesisClientOptions
    {
        ServiceUrl = KinesisLocalEndpoint,
        Region = Region,
        Credentials = Credentials,
    });

    /// <summary>A DynamoDB client for dynalite; <paramref name="counter"/>, when given, sees every HTTP request it sends.</summary>
    public AmazonDynamoDBClient CreateDynamoDbClient(RequestCounter? counter = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = DynamoDbEndpoint.ToString(),
            AuthenticationRegion = Region,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (counter is not null)
        {
            config.HttpClientFactory = new CountingHttpClientFactory(counter);
        }

        return new AmazonDynamoDBClient(Credentials, config);
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..10]}";

    public static async Task CreateActiveStreamAsync(IKinesisClient kinesis, string stream, int shards)
    {
        await kinesis.CreateStreamAsync(stream, shards);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await kinesis.DescribeStreamSummaryAsync(stream, timeout.Token)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Puts <paramref name="count"/> ~200-byte JSON orders, 500 per PutRecords call, spread over the shards by partition key.</summary>
    public static async Task PutOrdersAsync(IKinesisClient kinesis, string stream, int first, int count)
    {
        for (var offset = 0; offset < count; offset += 500)
        {
            var entries = Enumerable.Range(first + offset, Math.Min(500, count - offset))
                .Select(i => new PutRecordsRequestEntry { Data = HotPath.Payloads.Json(i), PartitionKey = $"customer-{i:D8}" })
                .ToList();
            var response = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
            if (response.FailedRecordCount != 0)
            {
                throw new InvalidOperationException($"{response.FailedRecordCount} records were not put");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
}
