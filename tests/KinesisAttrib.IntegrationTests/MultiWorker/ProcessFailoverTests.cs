using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.IntegrationTests.TestSupport;
using OrderPipeline;
using Xunit.Abstractions;

namespace KinesisAttrib.IntegrationTests.MultiWorker;

/// <summary>
/// Workers as separate OS processes: the sample's <c>consume</c> mode, three times, on one stream and the shared
/// dynalite lease tables. One process is SIGKILLed mid-stream; the survivors take its shards over after the failover
/// time and every order ends up in the archive.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ProcessFailoverTests(EmulatorFixture emulators, ITestOutputHelper output)
{
    // The sample's handlers name their applications, and so their lease tables; the emulator outlives this test.
    private static readonly string[] SampleLeaseTables = ["archive", "totals"];

    [Fact]
    public async Task SampleConsumers_AsThreeProcesses_OneKilledMidStream_LoseNoOrder()
    {
        using var dynamo = emulators.CreateDynamoDbClient();
        await DeleteSampleLeaseTablesAsync(dynamo);
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 4);
        var archive = Directory.CreateTempSubdirectory("archive-procs-");
        var processes = new List<Process>();
        try
        {
            await OrderGenerator.PutAsync(kinesis, stream, 0, 1500, CancellationToken.None);
            for (var i = 0; i < 3; i++)
            {
                processes.Add(StartConsumer(stream, $"proc-{i}", archive.FullName));
            }

            // Kill a worker that is processing (it has archived something) before the stream is drained.
            var victim = await WaitForAsync(
                () => processes.Select((p, i) => (p, i)).Where(x => ArchivedBy(archive, $"proc-{x.i}") > 0).Select(x => (int?)x.i).FirstOrDefault(),
                TimeSpan.FromSeconds(60),
                "a consumer process archived its first orders");
            processes[victim!.Value].Kill();
            await processes[victim.Value].WaitForExitAsync();
            output.WriteLine($"killed proc-{victim} after it archived {ArchivedBy(archive, $"proc-{victim}")} orders");

            await OrderGenerator.PutAsync(kinesis, stream, 1500, 1500, CancellationToken.None);

            var all = Enumerable.Range(0, 3000).Select(i => OrderGenerator.Create(i).OrderId).ToHashSet(StringComparer.Ordinal);
            await WaitForAsync(() => ArchivedOrders(archive).IsSupersetOf(all) ? (bool?)true : null, TimeSpan.FromSeconds(120), "every order is archived");

            var survivors = processes.Where((_, i) => i != victim.Value).ToList();
            Assert.All(survivors, p => Assert.False(p.HasExited, "a surviving consumer exited"));
            Assert.True(ArchivedOrders(archive).SetEquals(all));
            Assert.Contains(Enumerable.Range(0, 3).Where(i => i != victim.Value), i => ArchivedBy(archive, $"proc-{i}") > 0);
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }

                output.WriteLine($"--- process exit {process.ExitCode}");
                process.Dispose();
            }

            archive.Delete(recursive: true);
            await DeleteSampleLeaseTablesAsync(dynamo);
        }
    }

    private Process StartConsumer(string stream, string workerId, string archiveDirectory)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "OrderPipeline.dll");
        Assert.True(File.Exists(sample), $"the sample is built next to the tests: {sample}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            sample, "consume", "--stream", stream,
            "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString(),
            "--region", EmulatorFixture.Region, "--worker-id", workerId, "--archive-dir", archiveDirectory, "--exit-when-idle", "300",
        })
        {
            start.ArgumentList.Add(arg);
        }

        // Explicit emulator credentials; never the instance metadata service.
        var credentials = EmulatorFixture.Credentials.GetCredentials();
        start.Environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretKey;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_REGION"] = EmulatorFixture.Region;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the sample");
        process.OutputDataReceived += (_, e) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.WriteLine($"{workerId} stderr: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static IEnumerable<string> ArchiveLines(DirectoryInfo archive, string pattern)
    {
        foreach (var file in archive.GetFiles(pattern))
        {
            // The writers append and flush line by line; a torn last line of a killed process is skipped.
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.EndsWith('}'))
                {
                    yield return line;
                }
            }
        }
    }

    private static int ArchivedBy(DirectoryInfo archive, string workerId) => ArchiveLines(archive, $"*.{workerId}.jsonl").Count();

    private static HashSet<string> ArchivedOrders(DirectoryInfo archive)
        => ArchiveLines(archive, "*.jsonl").Select(l => JsonDocument.Parse(l).RootElement.GetProperty("orderId").GetString()!).ToHashSet(StringComparer.Ordinal);

    private static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : struct
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            try
            {
                // Other processes' files raise no event here; poll them.
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            }
        }
    }

    private static async Task DeleteSampleLeaseTablesAsync(IAmazonDynamoDB dynamo)
    {
        foreach (var table in SampleLeaseTables)
        {
            try
            {
                await dynamo.DeleteTableAsync(table);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                while (true)
                {
                    // Gone, not DELETING, before a consumer process tries to create it again.
                    await dynamo.DescribeTableAsync(table, timeout.Token);
                    await Task.Delay(20, timeout.Token);
                }
            }
            catch (ResourceNotFoundException)
            {
            }
        }
    }
}
