using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using KinesisAttrib.IntegrationTests.TestSupport;
using OrderPipeline;

namespace KinesisAttrib.IntegrationTests.Sample;

/// <summary>
/// The sample as a real process: SIGTERM stops it cleanly (exit 0, summary printed) with every processed record
/// checkpointed, so a second run has nothing left to do. Lease tables are chosen through configuration
/// (environment variables bound from section KinesisAttrib), which also exercises the IConfiguration binding.
/// </summary>
[Collection("emulators")]
public sealed partial class OrderPipelineShutdownTests(EmulatorFixture emulators)
{
    private const int Sigterm = 15;

    [Fact]
    public async Task Consume_OnSigterm_StopsCleanlyAndCheckpointsWhatItProcessed()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 2);
        await OrderGenerator.PutAsync(kinesis, stream, 0, 300, CancellationToken.None);
        var work = Directory.CreateTempSubdirectory("sigterm-");

        var processed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (code, stdout) = await RunAsync(stream, work.FullName, exitWhenIdle: null, onLine: line =>
        {
            if (AllProcessed().IsMatch(line))
            {
                processed.TrySetResult();
            }
        }, whenRunning: async process =>
        {
            await processed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, kill(process.Id, Sigterm));
        });

        Assert.True(code == 0, $"exit {code}: {stdout}");
        Assert.Contains("archive: 300 records", stdout, StringComparison.Ordinal);
        Assert.Contains("totals: 300 records", stdout, StringComparison.Ordinal);

        var (again, secondOut) = await RunAsync(stream, work.FullName, exitWhenIdle: 3, onLine: _ => { }, whenRunning: _ => Task.CompletedTask);

        Assert.True(again == 0, $"exit {again}: {secondOut}");
        Assert.Contains("archive: 0 records", secondOut, StringComparison.Ordinal);
        Assert.Contains("totals: 0 records", secondOut, StringComparison.Ordinal);
        work.Delete(recursive: true);
    }

    private async Task<(int Code, string Stdout)> RunAsync(string stream, string directory, int? exitWhenIdle, Action<string> onLine, Func<Process, Task> whenRunning)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "OrderPipeline"))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "consume", "--stream", stream, "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString(),
            "--region", EmulatorFixture.Region, "--archive-dir", Path.Combine(directory, "archive"),
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (exitWhenIdle is { } idle)
        {
            start.ArgumentList.Add("--exit-when-idle");
            start.ArgumentList.Add(idle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var credentials = EmulatorFixture.Credentials.GetCredentials();
        start.Environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretKey;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment.Remove("AWS_PROFILE");
        start.Environment["KinesisAttrib__Applications__archive__LeaseTableName"] = stream + "-archive";
        start.Environment["KinesisAttrib__Applications__totals__LeaseTableName"] = stream + "-totals";

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }

                onLine(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (output)
                {
                    output.AppendLine("stderr: " + line);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await whenRunning(process);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    [GeneratedRegex(@"archive\s+300\s+totals\s+300")]
    private static partial Regex AllProcessed();

    [DllImport("libc", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054 // libc's kill(2): the only way to send SIGTERM; Process.Kill sends SIGKILL.
    private static extern int kill(int pid, int sig);
#pragma warning restore CA5392, SYSLIB1054
}
