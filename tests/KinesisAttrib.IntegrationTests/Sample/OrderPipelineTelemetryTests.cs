using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KinesisAttrib.IntegrationTests.TestSupport;
using OrderPipeline;

namespace KinesisAttrib.IntegrationTests.Sample;

/// <summary><c>consume --http-port</c>: Prometheus metrics and health checks on loopback, run in-process against the emulators.</summary>
[Collection("emulators")]
public sealed class OrderPipelineTelemetryTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Consume_WithAnHttpPort_ServesMetricsAndHealthOnLoopback_AndPrintsTheMeterInItsProgressLine()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 2);
        await OrderGenerator.PutAsync(kinesis, stream, 0, 400, CancellationToken.None);
        var archive = Directory.CreateTempSubdirectory("archive-");

        // The sample's lease tables are named after its applications: give this run its own, as the shutdown tests do,
        // or the leases another sample test left in "archive" and "totals" (same shard ids) would be resumed. Tests of
        // the emulator collection run one at a time; the variables are removed when the run is over.
        Environment.SetEnvironmentVariable("KinesisAttrib__Applications__archive__LeaseTableName", stream + "-archive");
        Environment.SetEnvironmentVariable("KinesisAttrib__Applications__totals__LeaseTableName", stream + "-totals");
        try
        {
            await RunAndReadAsync(stream, archive);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KinesisAttrib__Applications__archive__LeaseTableName", null);
            Environment.SetEnvironmentVariable("KinesisAttrib__Applications__totals__LeaseTableName", null);
            archive.Delete(recursive: true);
        }
    }

    private async Task RunAndReadAsync(string stream, DirectoryInfo archive)
    {
        var port = FreePort();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var run = OrderPipelineApp.RunAsync(
            ["consume", "--stream", stream, "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString(),
             "--region", EmulatorFixture.Region, "--worker-id", "telemetry-worker", "--archive-dir", archive.FullName, "--exit-when-idle", "4", "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            stdout,
            stderr,
            EmulatorFixture.Credentials);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        string metrics = "";
        Exception? lastError = null;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (ConsumedIn(metrics, "archive") < 400 || ConsumedIn(metrics, "totals") < 400)
        {
            try
            {
                metrics = await http.GetStringAsync("metrics", deadline.Token);
            }
            catch (HttpRequestException ex)
            {
                lastError = ex; // not listening yet
            }

            try
            {
                // The endpoint raises no event; poll it until everything was counted.
                await Task.Delay(200, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out; archive {ConsumedIn(metrics, "archive")}, totals {ConsumedIn(metrics, "totals")}; last error: {lastError?.Message}; stdout: {stdout}; stderr: {stderr}; metrics: {metrics[..Math.Min(metrics.Length, 3000)]}");
            }
        }

        using var health = await http.GetAsync("healthz", deadline.Token);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(deadline.Token)).RootElement;
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("kinesisattrib-ready").GetProperty("status").GetString());
        Assert.Contains("kinesisattrib_leases_held", metrics, StringComparison.Ordinal);

        var code = await run.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains($"metrics at http://127.0.0.1:{port}/metrics", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("| archive:", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("2 leases", stdout.ToString(), StringComparison.Ordinal);
    }

    // The sum of messaging_client_consumed_messages_total over this worker's shards of the application (the exporter
    // sees every scheduler in the test process).
    private static double ConsumedIn(string metrics, string application) => metrics
        .Split('\n')
        .Where(l => l.StartsWith("messaging_client_consumed_messages_total{", StringComparison.Ordinal) && l.Contains($"messaging_consumer_group_name=\"{application}\"", StringComparison.Ordinal)
            && l.Contains("messaging_client_id=\"telemetry-worker\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
