using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sesame.Tests.TestSupport;

/// <summary>
/// A TCP forwarder on a fixed loopback port in front of a real server: <see cref="CloseAsync"/> makes the server unreachable
/// (listener and every forwarded connection closed, as when a database goes down) and <see cref="Open()"/> brings it back
/// on the same port, without touching the server itself, which other tests share.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, bool> _connections = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private volatile bool _stalled;

    public TcpForwarder(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        Port = Listen(0);
    }

    public int Port { get; }

    /// <summary>Listens again on <see cref="Port"/>.</summary>
    public void Open() => Listen(Port);

    /// <summary>
    /// A silent network instead of a refused one: connections are still accepted and bytes still read, but nothing is
    /// passed on until <see cref="Resume"/>, as when a link or a host stops answering without closing anything.
    /// </summary>
    public void Stall() => _stalled = true;

    /// <summary>Passes bytes on again after <see cref="Stall"/>.</summary>
    public void Resume() => _stalled = false;

    /// <summary>Stops listening and resets every forwarded connection.</summary>
    public async Task CloseAsync()
    {
        _listener?.Dispose();
        _listener = null;
        foreach (var socket in _connections.Keys)
        {
            try
            {
                // Reset, not a polite close: the client sees the connection die, as when a server goes away.
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
                // ForwardAsync closed it at this moment.
            }

            socket.Dispose();
        }

        _connections.Clear();
        await _accepting;
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private int Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen();
        _listener = listener;
        _accepting = AcceptAsync(listener);
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _connections[client] = true;
            _connections[server] = true;
            _ = ForwardAsync(client, server);
        }
    }

    private async Task ForwardAsync(Socket client, Socket server)
    {
        try
        {
            while (_stalled)
            {
                await Task.Delay(20);
            }

            await server.ConnectAsync(_target);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The forwarder closed, or a side hung up: the connection ends, as it would on a real outage.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            _connections.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer)) > 0)
            {
                while (_stalled)
                {
                    await Task.Delay(20);
                }

                await to.SendAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A side closed: ForwardAsync closes the other.
        }
    }
}
