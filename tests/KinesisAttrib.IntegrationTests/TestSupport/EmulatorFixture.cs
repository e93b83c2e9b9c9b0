using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>
/// Runs kinesalite (Kinesis), dynalite (DynamoDB) and kinesis-local (Kinesis with enhanced fan-out) for the
/// integration tests: one Node.js process (<c>tests/emulators/start.js</c>, kinesis-local as its child) serving them on
/// free loopback ports, shared by every test class in the
/// <c>"emulators"</c> collection. The first run on a machine installs the pinned packages with <c>npm ci</c>; the only
/// prerequisite is Node.js 20 (with npm) on the PATH. The emulator process exits when this test process ends,
/// even if it crashes, because it watches its stdin.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    /// <summary>The region every client signs for (the emulators accept any).</summary>
    public const string Region = "us-east-1";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] EmulatorPackages = ["kinesalite", "dynalite", "kinesis-local"];

    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private Task? _stdoutDrain;
    private Uri? _kinesisEndpoint;
    private Uri? _dynamoDbEndpoint;
    private Uri? _kinesisLocalEndpoint;

    /// <summary>
    /// Fake credentials: the emulators do not check signatures. Pass them explicitly to every client so the SDK never
    /// looks for real ones (profile files, instance metadata at 169.254.169.254).
    /// </summary>
    public static BasicAWSCredentials Credentials { get; } = new("AKIAEMULATOREXAMPLE", "emulator-secret-key-not-a-real-one");

    /// <summary>The kinesalite endpoint, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri KinesisEndpoint => _kinesisEndpoint ?? throw NotStarted();

    /// <summary>The dynalite endpoint, e.g. <c>http://127.0.0.1:40124/</c>.</summary>
    public Uri DynamoDbEndpoint => _dynamoDbEndpoint ?? throw NotStarted();

    /// <summary>
    /// The kinesis-local endpoint (its plain port: HTTP/1.1, and HTTP/2 with prior knowledge for SubscribeToShard), e.g.
    /// <c>http://127.0.0.1:40125/</c>. kinesalite has no enhanced fan-out; kinesis-local does.
    /// </summary>
    public Uri KinesisLocalEndpoint => _kinesisLocalEndpoint ?? throw NotStarted();

    /// <summary>
    /// A <see cref="KinesisHttpClient"/> for kinesis-local with the fixture's explicit credentials and region, owning its
    /// handler (so SubscribeToShard shares its HTTP/2 connections as in production). The caller disposes it.
    /// </summary>
    public KinesisHttpClient CreateKinesisLocalClient(TimeSpan? timeout = null) => new(new KinesisClientOptions
    {
        ServiceUrl = KinesisLocalEndpoint,
        Region = Region,
        Credentials = Credentials,
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
    });

    /// <summary>The folder holding <c>package.json</c>, the lock file and <c>start.js</c>.</summary>
    public static string EmulatorsDirectory { get; } = FindEmulatorsDirectory();

    /// <summary>
    /// A name no other test uses (the emulators live as long as the test run and are shared): valid as a DynamoDB
    /// table name and a Kinesis stream name.
    /// </summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}-{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12]}";

    /// <summary>
    /// A DynamoDB client for dynalite, or for a proxy in front of it (<paramref name="through"/>) with a short timeout, so
    /// that a switched-off proxy fails requests quickly. The caller disposes it.
    /// </summary>
    public IAmazonDynamoDB CreateDynamoDbClient(Uri? through = null) =>
        new AmazonDynamoDBClient(
            Credentials,
            new AmazonDynamoDBConfig
            {
                ServiceURL = (through ?? DynamoDbEndpoint).ToString(),
                AuthenticationRegion = Region,
                Timeout = through is null ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(5),
            });

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync().ConfigureAwait(false);

        var process = StartNode(EmulatorsDirectory, "start.js");
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        string? line;
        using (var timeout = new CancellationTokenSource(StartTimeout))
        {
            try
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"The emulators did not report their ports within {StartTimeout.TotalSeconds:0} s.{Stderr()}");
            }
        }

        if (line is null)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The emulators exited before listening (node start.js in {EmulatorsDirectory}).{Stderr()}");
        }

        // Nothing else is expected on stdout, but keep draining it so a chatty emulator can never block on a full pipe.
        _stdoutDrain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);

        using var ports = JsonDocument.Parse(line);
        _kinesisEndpoint = Loopback(ports.RootElement.GetProperty("kinesis").GetInt32());
        _dynamoDbEndpoint = Loopback(ports.RootElement.GetProperty("dynamodb").GetInt32());
        _kinesisLocalEndpoint = Loopback(ports.RootElement.GetProperty("kinesisLocal").GetInt32());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            // start.js exits when its stdin closes; that is the polite way to stop it.
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            if (_stdoutDrain is not null)
            {
                await _stdoutDrain.ConfigureAwait(false);
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

    private static InvalidOperationException NotStarted() =>
        new("The emulators are not running; use EmulatorFixture through [Collection(\"emulators\")].");

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.Length == 0 ? "" : $" Its error output:{Environment.NewLine}{_stderr}";
        }
    }

    private static string FindEmulatorsDirectory()
    {
        var configured = typeof(EmulatorFixture).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EmulatorsDirectory")?.Value
            ?? throw new InvalidOperationException("The test assembly has no [AssemblyMetadata(\"EmulatorsDirectory\", ...)]; see KinesisAttrib.IntegrationTests.csproj.");
        var directory = Path.GetFullPath(configured);
        return File.Exists(Path.Combine(directory, "start.js"))
            ? directory
            : throw new InvalidOperationException($"The emulators folder '{directory}' has no start.js.");
    }

    /// <summary>Runs <c>npm ci</c> unless node_modules already holds the pinned versions. One process at a time.</summary>
    private static async Task EnsureInstalledAsync()
    {
        if (IsInstalled())
        {
            return;
        }

        // Another test process (say a second test project run in parallel) may be installing right now: take a lock
        // file so only one npm runs, and look again once we hold it.
        using var deadline = new CancellationTokenSource(InstallTimeout);
        await using var installLock = await AcquireInstallLockAsync(deadline.Token).ConfigureAwait(false);
        if (IsInstalled())
        {
            return;
        }

        var output = new StringBuilder();
        using var npm = StartNpmCi(EmulatorsDirectory);
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        npm.OutputDataReceived += collect;
        npm.ErrorDataReceived += collect;
        npm.BeginOutputReadLine();
        npm.BeginErrorReadLine();
        npm.StandardInput.Close();

        try
        {
            await npm.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"'npm ci' in {EmulatorsDirectory} did not finish within {InstallTimeout.TotalMinutes:0} minutes. Output so far:{Environment.NewLine}{Locked(output)}");
        }

        if (npm.ExitCode != 0 || !IsInstalled())
        {
            throw new InvalidOperationException(
                $"'npm ci' in {EmulatorsDirectory} failed (exit code {npm.ExitCode}); the integration tests need kinesalite, dynalite and kinesis-local from its package-lock.json. Output:{Environment.NewLine}{Locked(output)}");
        }
    }

    private static string Locked(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    /// <summary>True when every emulator package is in node_modules at the version package.json pins.</summary>
    private static bool IsInstalled()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(EmulatorsDirectory, "package.json")));
        var pins = manifest.RootElement.GetProperty("dependencies");
        foreach (var package in EmulatorPackages)
        {
            var installedManifest = Path.Combine(EmulatorsDirectory, "node_modules", package, "package.json");
            if (!File.Exists(installedManifest))
            {
                return false;
            }

            using var installed = JsonDocument.Parse(File.ReadAllBytes(installedManifest));
            if (installed.RootElement.GetProperty("version").GetString() != pins.GetProperty(package).GetString())
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<FileStream> AcquireInstallLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(EmulatorsDirectory, ".install.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Held by another process.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"Another process held {path} (installing the emulators) for more than {InstallTimeout.TotalMinutes:0} minutes. If none is running, delete the file.");
            }
        }
    }

    private static Process StartNpmCi(string directory) =>
        OperatingSystem.IsWindows()
            ? Start("cmd.exe", ["/d", "/c", "npm", "ci", "--no-audit", "--no-fund"], directory, "npm")
            : Start("npm", ["ci", "--no-audit", "--no-fund"], directory, "npm");

    private static Process StartNode(string directory, string script) => Start("node", [script], directory, "node");

    private static Process Start(string fileName, string[] arguments, string directory, string tool)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The integration tests run local Kinesis and DynamoDB emulators on Node.js, but '{tool}' was not found on the PATH ({e.Message}). "
                + "Install Node.js 20 or later (it includes npm) and run the tests again.",
                e);
        }
    }
}
