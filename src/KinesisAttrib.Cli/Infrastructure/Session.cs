using System.Net.Sockets;
using Amazon.Runtime;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Cli.Infrastructure;

/// <summary>
/// One command's view of one application: its lease table (through the runtime's <see cref="ILeaseStore"/>) and its
/// stream (through the runtime's <see cref="IKinesisClient"/>). Every call goes through here so that a failure becomes
/// one line naming the service, the endpoint and what was being done.
/// </summary>
internal sealed class Session(ToolSettings settings, ToolServices services, TimeProvider time) : IDisposable
{
    /// <summary>The owner name the tool writes when it takes a lease (<c>checkpoint set</c>, <c>release</c>).</summary>
    public static string ToolOwner { get; } = $"kinesisattrib-cli@{Environment.MachineName}";

    public ToolSettings Settings { get; } = settings;

    public TimeProvider Time { get; } = time;

    public string TableName => Settings.TableName;

    public void Dispose() => services.Dispose();

    /// <summary>Fails with a usage error when the lease table does not exist.</summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var exists = await DynamoAsync(() => services.TableExistsAsync(cancellationToken), "describe the lease table", cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            var hint = Settings.TableName == Settings.Application
                ? $"no application '{Settings.Application}' (its lease table '{Settings.TableName}' does not exist at {services.DynamoDbEndpoint}; pass --lease-table if the table has another name)"
                : $"the lease table '{Settings.TableName}' does not exist at {services.DynamoDbEndpoint}";
            throw new UsageException(hint);
        }
    }

    /// <summary>Reads the whole table (consistent read) and picks the leases of this stream.</summary>
    public async Task<LeaseScan> ScanAsync(CancellationToken cancellationToken)
    {
        var all = await DynamoAsync(() => services.Store.ListLeasesAsync(cancellationToken), "scan the lease table", cancellationToken).ConfigureAwait(false);
        return LeaseScan.Of(all, Settings.Stream, Time.GetUtcNow());
    }

    /// <summary>Reads one lease (consistent read), or null.</summary>
    public Task<Lease?> GetAsync(string leaseKey, CancellationToken cancellationToken)
        => DynamoAsync(() => services.Store.GetLeaseAsync(leaseKey, cancellationToken), $"read lease '{leaseKey}'", cancellationToken);

    /// <summary>A conditional write through the runtime's store: null (or false) when its condition refused it.</summary>
    public Task<T> WriteAsync<T>(Func<ILeaseStore, Task<T>> write, string what, CancellationToken cancellationToken)
        => DynamoAsync(() => write(services.Store), what, cancellationToken);

    /// <summary>
    /// The stream to read: <c>--stream</c>, else the one the leases record (<c>kinesisattribStream</c>); checked to exist.
    /// </summary>
    public async Task<string> RequireStreamAsync(LeaseScan scan, CancellationToken cancellationToken)
    {
        var stream = StreamOf(scan);
        await KinesisAsync(k => k.DescribeStreamSummaryAsync(stream, cancellationToken), $"describe stream '{stream}'", stream, cancellationToken).ConfigureAwait(false);
        return stream;
    }

    /// <summary><c>--stream</c>, else the single stream the leases record; a usage error when neither says.</summary>
    public string StreamOf(LeaseScan scan)
    {
        if (Settings.Stream is { } stream)
        {
            return stream;
        }

        return scan.RecordedStreams switch
        {
            [var only] => only,
            [] => throw new UsageException($"--stream is needed: the leases of table '{TableName}' do not record their stream (a table written by the Java KCL, or an empty one)."),
            var many => throw new UsageException($"--stream is needed: the leases of table '{TableName}' name several streams ({string.Join(", ", many)})."),
        };
    }

    /// <summary>Every shard of the stream (all ListShards pages).</summary>
    public async Task<IReadOnlyList<Shard>> ListShardsAsync(string stream, CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        string? next = null;
        do
        {
            var token = next;
            var page = await KinesisAsync(
                k => k.ListShardsAsync(token is null ? new ListShardsRequest { StreamName = stream } : new ListShardsRequest { NextToken = token }, cancellationToken),
                $"list the shards of stream '{stream}'",
                stream,
                cancellationToken).ConfigureAwait(false);
            shards.AddRange(page.Shards);
            next = page.NextToken;
        }
        while (next is not null);
        return shards;
    }

    /// <summary>A Kinesis call; a missing stream is a usage error, anything else a failure naming the endpoint.</summary>
    public async Task<T> KinesisAsync<T>(Func<IKinesisClient, Task<T>> call, string what, string stream, CancellationToken cancellationToken)
    {
        try
        {
            return await call(services.Kinesis).ConfigureAwait(false);
        }
        catch (Kinesis.ResourceNotFoundException ex)
        {
            throw new UsageException($"stream '{stream}' not found at {services.KinesisEndpoint} ({what}: {ex.Message})");
        }
        catch (KinesisException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailureException($"Kinesis at {services.KinesisEndpoint} could not {what}: {ex.Message}", ex);
        }
    }

    private async Task<T> DynamoAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
        {
            throw new UsageException($"the lease table '{TableName}' does not exist at {services.DynamoDbEndpoint}");
        }
        catch (InvalidDataException ex)
        {
            throw new ToolFailureException($"the table '{TableName}' holds an item that is not a KCL lease: {ex.Message}", ex);
        }
        catch (AmazonServiceException ex) when (ex.StatusCode != 0)
        {
            throw new ToolFailureException($"DynamoDB at {services.DynamoDbEndpoint} refused to {what}: {ex.ErrorCode}: {ex.Message}", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnreachable(ex))
        {
            throw new ToolFailureException($"cannot reach DynamoDB at {services.DynamoDbEndpoint} to {what}: {FirstLine(Innermost(ex).Message)}", ex);
        }
    }

    private static bool IsUnreachable(Exception ex) =>
        ex is AmazonClientException or HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException or AmazonServiceException;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }
}
