namespace KinesisAttrib.Kinesis;

/// <summary>
/// One SubscribeToShard response read as <see cref="IShardSubscription"/>: a frame is read from the HTTP/2 stream only
/// when <see cref="NextEventAsync"/> asks for one, so what the server may send ahead is bounded by the stream's flow
/// control window, never by this class. Disposing it resets the HTTP/2 stream; the connection stays for other shards.
/// </summary>
internal sealed class KinesisShardSubscription : IShardSubscription
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly EventStreamReader _reader;
    private readonly string? _streamName;
    private readonly string _shardId;
    private readonly Uri _endpoint;
    private int _reading;
    private bool _ended;
    private bool _broken;
    private volatile bool _disposed;

    public KinesisShardSubscription(HttpResponseMessage response, Stream body, string? streamName, string shardId, Uri endpoint)
    {
        _response = response;
        _body = body;
        _reader = new EventStreamReader(body);
        _streamName = streamName;
        _shardId = shardId;
        _endpoint = endpoint;
    }

    /// <inheritdoc />
    public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException($"NextEventAsync is already running on the subscription to shard '{_shardId}'; read one event at a time.");
        }

        try
        {
            if (_broken)
            {
                throw new InvalidOperationException(
                    $"The subscription to shard '{_shardId}'{KinesisWireMapper.OnStream(_streamName)} failed or was cancelled earlier; dispose it and subscribe again.");
            }

            while (!_ended)
            {
                var message = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                if (message is null)
                {
                    _ended = true;
                    break;
                }

                // Null for initial-response, which only some servers send and which carries nothing we use.
                if (SubscribeToShardEvent.Decode(message.Value, _streamName) is { } next)
                {
                    return next;
                }
            }

            return null;
        }
        catch (Exception ex)
        {
            Break(ex);
            throw;
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Resets the HTTP/2 stream (when the body has not ended) and releases the response.</summary>
    /// <remarks>Disposing twice, or after a failure already released the stream, is harmless.</remarks>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;

        // Disposing an unfinished HTTP/2 response body sends RST_STREAM (CANCEL): the server stops pushing at once.
        _body.Dispose();
        _response.Dispose();
        _response.RequestMessage?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<EventStreamMessage?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException && (cancellationToken.IsCancellationRequested || _disposed))
        {
            // Cancelling a read resets the stream, and a concurrent dispose closes it: both may surface as I/O errors.
            throw new OperationCanceledException(
                $"Reading the subscription to shard '{_shardId}'{KinesisWireMapper.OnStream(_streamName)} was {(_disposed ? "ended by disposing it" : "cancelled")}.",
                ex,
                cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new KinesisException(
                "TransportFailure",
                $"Kinesis SubscribeToShard{KinesisWireMapper.OnStream(_streamName)} lost its HTTP/2 stream from {_endpoint} while reading shard '{_shardId}': {ex.Message}",
                innerException: ex)
            {
                Operation = "SubscribeToShard",
                StreamName = _streamName,
            };
        }
    }

    // Any failure, a cancelled read included, leaves the reader mid-frame or the stream reset: the subscription cannot
    // be read on. Reset its HTTP/2 stream now (a cancelled read alone does not), so the server does not keep pushing
    // to, or counting, a subscription nobody reads; the caller's dispose then has nothing left to do.
    private void Break(Exception error)
    {
        _broken = true;
        if (error is KinesisException kinesis)
        {
            kinesis.StreamName ??= _streamName;
        }

        _body.Dispose();
        _response.Dispose();
    }
}
