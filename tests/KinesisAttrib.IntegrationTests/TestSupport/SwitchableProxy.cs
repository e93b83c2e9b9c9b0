using System.Net;
using System.Net.Sockets;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>
/// A TCP proxy on loopback in front of an emulator, that a test can switch off: while off, open connections are
/// reset and new ones are accepted and reset at once, as a service that went away looks to a client.
/// </summary>
internal sealed class SwitchableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _gate = new();
    private readonly HashSet<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _reachable = true;

    public SwitchableProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the emulator.</summary>
    public Uri Endpoint { get; }

    public bool Reachable
    {
        get => _reachable;
        set
        {
            _reachable = value;
            if (!value)
            {
                List<TcpClient> open;
                lock (_gate)
                {
                    open = [.. _open];
                    _open.Clear();
                }

                foreach (var client in open)
                {
                    Reset(client);
                }
            }
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // Already closed by its forwarder when null.
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_closing.Token);
            }
            catch (Exception) when (_closing.IsCancellationRequested)
            {
                return;
            }

            if (!_reachable)
            {
                Reset(inbound);
                continue;
            }

            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        using var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(_target.Host, _target.Port, _closing.Token);
            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
            var up = PumpAsync(inbound.GetStream(), outbound.GetStream(), done.Token);
            var down = PumpAsync(outbound.GetStream(), inbound.GetStream(), done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The proxy was switched off or a side closed: the client sees the connection end.
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        Reachable = false;
        await _accepting;
        _closing.Dispose();
    }
}
