using System.Collections.Concurrent;
using System.Text.Json;
using KinesisAttrib.Handlers;

namespace OrderPipeline;

/// <summary>
/// Appends archive lines to one file per shard and worker (<c>{shardId}.{workerId}.jsonl</c>), so workers never
/// write the same file. Each line is flushed before the handler returns, because the batch is checkpointed after it.
/// </summary>
public sealed class ArchiveWriter(string directory, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ShardFile> _files = new(StringComparer.Ordinal);

    public string Directory { get; } = directory;

    public async Task AppendAsync(Order order, RecordContext record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var line = new ArchiveLine(
            order.OrderId, order.CustomerId, order.Amount, order.CreatedAt,
            record.ShardId, record.SequenceNumber, record.SubSequenceNumber, record.PartitionKey,
            time.GetUtcNow(), record.WorkerId);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, OrderJsonContext.Default.ArchiveLine);
        var file = _files.GetOrAdd($"{record.ShardId}.{record.WorkerId}", name => new ShardFile(Path.Combine(Directory, name + ".jsonl")));
        await file.AppendLineAsync(bytes, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _files.Values)
        {
            await file.DisposeAsync();
        }
    }

    private sealed class ShardFile : IAsyncDisposable
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();
        private readonly FileStream _stream;
        private readonly SemaphoreSlim _gate = new(1, 1);

        public ShardFile(string path)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }

        public async Task AppendLineAsync(byte[] line, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await _stream.WriteAsync(line, cancellationToken);
                await _stream.WriteAsync(NewLine, cancellationToken);
                await _stream.FlushAsync(cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _gate.Dispose();
        }
    }
}
