using System.Diagnostics;
using Amazon.Runtime;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrderPipeline;

/// <summary>The sample's commands: the embedded demo (no arguments), <c>produce</c> and <c>consume</c>.</summary>
public static class OrderPipelineApp
{
    public const string Usage = """
        usage:
          OrderPipeline                                   embedded demo: 10,000 orders through an in-memory 4-shard stream
          OrderPipeline produce --stream S --count N [--kinesis-endpoint URL] [--region R] [--create-stream SHARDS]
          OrderPipeline consume --stream S [--kinesis-endpoint URL] [--dynamodb-endpoint URL] [--region R] [--http-port P]
                                [--worker-id ID] [--archive-dir DIR] [--exit-when-idle SECONDS]
                                [--efo [--consumer-name N]]   enhanced fan-out: consumers N-archive, N-totals (default: archive, totals)
        """;

    private const int EmbeddedOrders = 10_000;

    /// <summary>Runs a command; returns the process exit code (0 ok, 1 failure, 2 bad arguments).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Progress and summaries.</param>
    /// <param name="stderr">Errors and usage.</param>
    /// <param name="credentials">Explicit AWS credentials (tests); null for AWS's default chain.</param>
    /// <param name="configure">Adjusts the runtime's options after the command line (tests: a short start-up retry).</param>
    /// <param name="cancellationToken">Stops the command as Ctrl+C would.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, AWSCredentials? credentials = null, Action<KinesisAttribOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CommandLine command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (FormatException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            return command.Verb switch
            {
                "produce" => await ProduceAsync(command, stdout, credentials, cancellationToken),
                "consume" => await ConsumeAsync(command, stdout, stderr, credentials, configure, cancellationToken),
                _ => await RunEmbeddedAsync(command, stdout, stderr, cancellationToken),
            };
        }
        catch (ResourceNotFoundException ex)
        {
            await stderr.WriteLineAsync($"error: stream '{command.Stream}' was not found at {command.KinesisEndpoint?.ToString() ?? "the default Kinesis endpoint"} ({ex.ErrorType}).");
            return 1;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            await stderr.WriteLineAsync($"error: cannot reach {Describe(command, ex)}: {Innermost(ex).Message}");
            return 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (no region configured, access denied, ...) is still one readable line, not a stack trace.
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> ProduceAsync(CommandLine command, TextWriter stdout, AWSCredentials? credentials, CancellationToken cancellationToken)
    {
        using var kinesis = new KinesisHttpClient(new KinesisClientOptions { ServiceUrl = command.KinesisEndpoint, Region = command.EffectiveRegion, Credentials = credentials });
        if (command.CreateStreamShards is { } shards)
        {
            await CreateStreamIfMissingAsync(kinesis, command.Stream!, shards, stdout, cancellationToken);
        }

        await kinesis.DescribeStreamSummaryAsync(command.Stream!, cancellationToken);
        var watch = Stopwatch.StartNew();
        await OrderGenerator.PutAsync(kinesis, command.Stream!, 0, command.Count!.Value, cancellationToken);
        await stdout.WriteLineAsync($"put {command.Count} orders into '{command.Stream}' in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static readonly string[] Applications = ["archive", "totals"];

    // produce --create-stream N: a stream that exists is used as it is (its shard count is not changed); a new one is
    // awaited until ACTIVE, which takes seconds on AWS and no time on the emulators.
    private static async Task CreateStreamIfMissingAsync(KinesisHttpClient kinesis, string stream, int shards, TextWriter stdout, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await kinesis.DescribeStreamSummaryAsync(stream, cancellationToken);
            await stdout.WriteLineAsync($"stream '{stream}' exists ({existing.OpenShardCount} open shards, {existing.StreamStatus})");
            return;
        }
        catch (ResourceNotFoundException)
        {
        }

        await kinesis.CreateStreamAsync(stream, shards, cancellationToken);
        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while ((await kinesis.DescribeStreamSummaryAsync(stream, cancellationToken)).StreamStatus != "ACTIVE")
        {
            await ticker.WaitForNextTickAsync(cancellationToken);
        }

        await stdout.WriteLineAsync($"created stream '{stream}' with {shards} shards");
    }

    private static async Task<int> ConsumeAsync(CommandLine command, TextWriter stdout, TextWriter stderr, AWSCredentials? credentials, Action<KinesisAttribOptions>? configure, CancellationToken cancellationToken)
    {
        // No probes of our own: a missing stream or an unreachable lease table fails the host (the library retries
        // what may pass, then StopAsync throws an error naming the service, endpoint, application and stream).
        var builder = CreateBuilder(command, credentials);
        builder.Services.Configure<KinesisAttribOptions>(o =>
        {
            o.StreamNames[OrderStreams.Orders] = command.Stream!;
            o.KinesisEndpoint = command.KinesisEndpoint;
            o.DynamoDbEndpoint = command.DynamoDbEndpoint;
            o.Region = command.EffectiveRegion;
            o.Credentials = credentials;
            if (command.FanOut)
            {
                o.RetrievalMode = RetrievalMode.FanOut;
                if (command.ConsumerName is { } prefix)
                {
                    // One registered consumer per application: two applications cannot share a subscription.
                    foreach (var application in Applications)
                    {
                        if (!o.Applications.TryGetValue(application, out var overrides))
                        {
                            overrides = new KinesisApplicationOptions();
                            o.Applications[application] = overrides;
                        }

                        overrides.FanOutConsumerName = $"{prefix}-{application}";
                    }
                }
            }

            configure?.Invoke(o);
        });
        using var host = builder.Build();
        var progress = host.Services.GetRequiredService<PipelineProgress>();
        using var meter = new MeterProgress();
        var watch = Stopwatch.StartNew();
        await host.StartAsync(cancellationToken);
        if (host.Services.GetService<TelemetryServer>() is { } telemetry)
        {
            await stdout.WriteLineAsync($"metrics at {telemetry.Address}metrics, health at {telemetry.Address}healthz");
        }

        await stdout.WriteLineAsync($"consuming '{command.Stream}' as worker {host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KinesisAttribOptions>>().Value.WorkerId}; Ctrl+C to stop");

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (!lifetime.ApplicationStopping.IsCancellationRequested && await ticker.WaitForNextTickAsync(cancellationToken))
            {
                await stdout.WriteLineAsync($"  archive {progress.DistinctOrders("archive"),7:N0}   totals {progress.DistinctOrders("totals"),7:N0}{MeterLine(meter)}");
                if (command.ExitWhenIdle is { } idle && progress.SinceLastRecord >= idle)
                {
                    await stdout.WriteLineAsync($"no record for {idle.TotalSeconds:F0} s; stopping");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        Exception? failure = null;
        try
        {
            await host.StopAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The library failed the host (as host.Run() would throw); the summary still shows what was done.
            failure = ex;
        }

        await PrintSummaryAsync(stdout, progress, watch.Elapsed);
        if (failure is not null)
        {
            await stderr.WriteLineAsync($"error: {failure.Message}");
            return 1;
        }

        return 0;
    }

    private static async Task<int> RunEmbeddedAsync(CommandLine command, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync(OrderStreams.Orders, 4, cancellationToken);
        var builder = CreateBuilder(command, credentials: null);
        builder.Services.AddSingleton<IKinesisClient>(kinesis);
        builder.Services.AddSingleton<KinesisAttrib.Leases.ILeaseStoreFactory>(new InMemoryLeaseStoreFactory());
        builder.Services.Configure<KinesisAttribOptions>(o => o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(200));
        using var host = builder.Build();
        var progress = host.Services.GetRequiredService<PipelineProgress>();
        var archive = host.Services.GetRequiredService<ArchiveWriter>();

        await stdout.WriteLineAsync($"embedded demo: {EmbeddedOrders:N0} orders through an in-memory 4-shard stream '{OrderStreams.Orders}'; archive in {archive.Directory}");
        var watch = Stopwatch.StartNew();
        await host.StartAsync(cancellationToken);
        await OrderGenerator.PutAsync(kinesis, OrderStreams.Orders, 0, EmbeddedOrders, cancellationToken);

        using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        while (progress.DistinctOrders("archive") < EmbeddedOrders || progress.DistinctOrders("totals") < EmbeddedOrders)
        {
            if (stopping.IsCancellationRequested || !await ticker.WaitForNextTickAsync(cancellationToken))
            {
                break;
            }

            await stdout.WriteLineAsync($"  archive {progress.DistinctOrders("archive"),7:N0}   totals {progress.DistinctOrders("totals"),7:N0}   of {EmbeddedOrders:N0}");
        }

        await host.StopAsync(CancellationToken.None);
        await PrintSummaryAsync(stdout, progress, watch.Elapsed);
        var done = progress.DistinctOrders("archive") == EmbeddedOrders && progress.DistinctOrders("totals") == EmbeddedOrders;
        if (!done)
        {
            await stderr.WriteLineAsync("error: the handlers did not process every order");
            return 1;
        }

        var totals = host.Services.GetRequiredService<RevenueTotals>().Snapshot();
        await stdout.WriteLineAsync($"revenue: {totals.Count} customers, {totals.Values.Sum():N2} in all");
        return 0;
    }

    private static HostApplicationBuilder CreateBuilder(CommandLine command, AWSCredentials? credentials)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PipelineProgress>();
        builder.Services.AddSingleton<RevenueTotals>();
        builder.Services.AddSingleton(sp => new ArchiveWriter(command.ArchiveDirectory, sp.GetRequiredService<TimeProvider>()));
        if (command.HttpPort is { } port)
        {
            // Before the runtime: hosted services start in order, and the exporter must listen before the first batch.
            builder.Services.AddSingleton(sp => new TelemetryServer(port, sp));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryServer>());
        }

        // Options come from configuration section "KinesisAttrib" (appsettings.json, environment variables such as
        // KinesisAttrib__MaxRecords, per-application overrides under KinesisAttrib:Applications:{name}); code wins.
        builder.Services.AddKinesisAttrib(builder.Configuration, o =>
        {
            if (command.WorkerId is { } worker)
            {
                o.WorkerId = worker;
            }

            o.Credentials = credentials;
        });
        builder.Services.AddKinesisHandlers();
        builder.Services.AddHealthChecks().AddKinesisAttribHealthChecks();
        return builder;
    }

    // Per application, from the meter: records/s since the last line, the largest lag, the leases held.
    private static string MeterLine(MeterProgress meter) => string.Concat(meter.Sample().Select(a =>
        $"   | {a.Application}: {a.RecordsPerSecond,6:N0} rec/s, lag {a.MaxLagMilliseconds:N0} ms, {a.LeasesHeld} leases"));

    private static async Task PrintSummaryAsync(TextWriter stdout, PipelineProgress progress, TimeSpan elapsed)
    {
        await stdout.WriteLineAsync($"summary after {elapsed.TotalSeconds:F1} s:");
        foreach (var handler in new[] { "archive", "totals" })
        {
            var perShard = progress.RecordsPerShard(handler);
            await stdout.WriteLineAsync($"  {handler}: {perShard.Values.Sum():N0} records ({progress.DistinctOrders(handler):N0} distinct orders)");
            foreach (var (shard, count) in perShard)
            {
                await stdout.WriteLineAsync($"    {shard}: {count:N0}");
            }
        }
    }

    private static bool IsUnreachable(Exception ex) => ex is HttpRequestException or AmazonServiceException or AmazonClientException
        || (ex is KinesisException k && k.StatusCode is null)
        || (ex.InnerException is { } inner && IsUnreachable(inner));

    private static string Describe(CommandLine command, Exception ex)
        => ex is KinesisException || Innermost(ex) is KinesisException
            ? $"Kinesis at {command.KinesisEndpoint?.ToString() ?? "the default endpoint"}"
            : $"DynamoDB at {command.DynamoDbEndpoint?.ToString() ?? "the default endpoint"}";

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;
}
